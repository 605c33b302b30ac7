package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Print writes the report as Markdown tables.
func Print(w io.Writer, r Report) {
	p := &printer{w: w}
	p.line("# sf-async-deploy benchmark")
	p.line("")
	p.para("Run %s on %s; seed %d; took %.1f s.", r.Started.Format("2006-01-02 15:04 MST"),
		r.Machine, r.Options.Seed, r.Took.Seconds())
	printPolicies(p, r)
	printBands(p, r)
	printTargets(p, r)
	printCosts(p, r)
}

// printer writes lines, keeping the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// para writes a paragraph wrapped near 100 columns.
func (p *printer) para(format string, args ...any) {
	var line strings.Builder
	for _, word := range strings.Fields(fmt.Sprintf(format, args...)) {
		if line.Len() > 0 && line.Len()+1+len(word) > paraWidth {
			p.line("%s", line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	p.line("%s", line.String())
}

// paraWidth is where paragraphs wrap.
const paraWidth = 96

// row writes one Markdown table row.
func (p *printer) row(cells ...string) { p.line("| %s |", strings.Join(cells, " | ")) }

// head writes a table's header; a cell starting with ">" is right-aligned.
func (p *printer) head(cells ...string) {
	rule := make([]string, len(cells))
	for i, c := range cells {
		rule[i] = "---"
		if name, ok := strings.CutPrefix(c, ">"); ok {
			cells[i], rule[i] = name, "---:"
		}
	}
	p.line("")
	p.row(cells...)
	p.row(rule...)
}

func printPolicies(p *printer, r Report) {
	m := r.Mix
	p.line("")
	p.line("## Waiting for deployments (simulated on a virtual clock)")
	p.line("")
	p.para("%d deployments: runs log-uniform from 2 min to 4 h (median %s), %d with tests, "+
		"%d queued first; %.0f watched deployment-hours. Lambda bounds: MIN_TICK %.0f s, "+
		"MAX_TICK %.0f min.", m.Deployments, minutes(m.MedianRun), m.WithTests, m.Queued,
		m.Hours, r.Options.MinTick.Seconds(), r.Options.MaxTick.Minutes())
	p.head("policy", ">calls / deployment", ">calls / deployment-hour", ">delay mean",
		">delay p95", ">delay max", ">CI minutes / deployment")
	for i, s := range r.Policies {
		ci := fmt.Sprintf("%.1f (max %d)", r.Jobs.ProductMean, r.Jobs.ProductMax)
		if i == everySecond {
			ci = fmt.Sprintf("%.1f (max %d), one job waiting", r.Jobs.WaitingMean,
				r.Jobs.WaitingMax)
		}
		p.row(s.Policy, fmt.Sprintf("%.1f", s.Calls), fmt.Sprintf("%.1f", s.CallsPerHour),
			seconds(s.Mean), seconds(s.P95), seconds(s.Max), ci)
	}
	p.line("")
	p.para("Delay: from the deployment's end to the finish event (for every 1 s: to the job " +
		"seeing it). CI minutes: GitHub rounds each job up to a whole minute; the product " +
		"bills a deploy job and a finish job whatever the policy.")
}

func printBands(p *printer, r Report) {
	p.head("run length", ">deployments", ">fixed 1 min calls", ">adaptive calls",
		">adaptive delay mean", ">adaptive delay p95", ">CI min waiting (mean, max)",
		">CI min product (max)")
	for _, b := range r.Bands {
		p.row(b.Label, fmt.Sprint(b.Deployments), fmt.Sprintf("%.1f", b.FixedCalls),
			fmt.Sprintf("%.1f", b.AdaptiveCalls), seconds(b.AdaptiveMean),
			seconds(b.AdaptiveP95), fmt.Sprintf("%.1f, %d", b.Jobs.WaitingMean,
				b.Jobs.WaitingMax), fmt.Sprint(b.Jobs.ProductMax))
	}
}

func printTargets(p *printer, r Report) {
	p.line("")
	p.line("## Targets")
	p.head("target", ">measured", "met")
	for _, t := range r.Targets() {
		met := "yes"
		if !t.Met {
			met = "NO"
		}
		p.row(t.What, t.Got, met)
	}
}

func printCosts(p *printer, r Report) {
	p.line("")
	p.line("## The product's own cost")
	p.head("monitor handler, batch of 10, org answers in 100 ms", ">batches", ">per batch",
		">per message", ">allocs / message", ">bytes / message")
	for _, h := range r.Handler {
		name := fmt.Sprintf("%d at a time", h.Concurrency)
		if h.Concurrency == 1 {
			name = "sequential"
		}
		p.row(name, fmt.Sprint(h.Batches), millis(h.PerBatch), millis(h.PerMessage),
			fmt.Sprintf("%.0f", h.Allocs), size(int64(h.Bytes)))
	}
	printSteps(p, r)
	printBinaries(p, r)
	printMoney(p, r)
}

func printSteps(p *printer, r Report) {
	p.head("step", ">time", ">peak heap", ">peak RSS", ">allocated", "size")
	z := r.Zip
	p.row(fmt.Sprintf("zip of a %d-file metadata folder", z.Files), millis(z.Time),
		size(int64(z.PeakHeap)), rss(z.Cost), size(int64(z.Allocated)),
		fmt.Sprintf("%s zip of %s", size(z.ZipBytes), size(z.UnzippedBytes)))
	if d := r.Deploy; d != nil {
		p.row("deploy: zip, upload, outputs", millis(d.Time), size(int64(d.PeakHeap)),
			rss(d.Cost), size(int64(d.Allocated)), size(d.Uploaded)+" uploaded")
	}
	if f := r.Finish; f != nil {
		p.row(fmt.Sprintf("finish: %d components, %d tests, %d classes covered",
			r.Size.Components, r.Size.Tests, r.Size.Classes), millis(f.Time),
			size(int64(f.PeakHeap)), rss(f.Cost), size(int64(f.Allocated)),
			fmt.Sprintf("%s result, %s of artifacts", size(int64(f.ResultBytes)),
				size(f.ArtifactBytes)))
	}
}

func printBinaries(p *printer, r Report) {
	if len(r.Binaries) == 0 {
		p.line("")
		p.line("Binary sizes: not measured (run with binaries true, from the repository).")
		return
	}
	p.head("binary (-ldflags \"-s -w\", this machine's platform)", ">size")
	for _, b := range r.Binaries {
		p.row(b.Name, size(b.Bytes))
	}
}

func printMoney(p *printer, r Report) {
	perMessage := assumedCheckTime
	if len(r.Handler) > 0 && r.Handler[0].Concurrency == 1 {
		perMessage = r.Handler[0].PerMessage
	}
	p.line("")
	p.para("AWS at list prices: one invocation per check (no batching), billed %s at 128 MB "+
		"(the sequential handler's time per message), its receive and visibility change; per "+
		"deployment two events, the delete and the dispatch invocation.", millis(perMessage))
	p.head("policy", ">AWS $ / deployment-hour", ">AWS $ / deployment", ">CI $ / deployment")
	for i, s := range r.Policies {
		hour := CostPerHour(s, perMessage, r.Mix.MeanWatch)
		ci := r.Jobs.ProductMean * minutePrice
		aws := fmt.Sprintf("%.7f", hour*r.Mix.MeanWatch.Hours())
		perHour := fmt.Sprintf("%.7f", hour)
		if i == everySecond {
			ci, aws, perHour = r.Jobs.WaitingMean*minutePrice, "none", "none"
		}
		p.row(s.Policy, perHour, aws, fmt.Sprintf("%.3f", ci))
	}
}

func minutes(d time.Duration) string { return fmt.Sprintf("%.0f min", d.Minutes()) }

func millis(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func rss(c Cost) string {
	if c.PeakRSS == 0 {
		return "n/a"
	}
	return size(int64(c.PeakRSS))
}

// size writes bytes in KB or MB of 2^10 and 2^20.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
