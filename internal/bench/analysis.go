package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// MixFacts describes the simulated mix.
type MixFacts struct {
	Deployments int
	WithTests   int
	Queued      int
	MedianRun   time.Duration
	MeanWatch   time.Duration // from the monitor request to the end
	Hours       float64       // watched deployment-hours in all
}

// JobFacts are the CI minutes billed per deployment, both ways.
type JobFacts struct {
	WaitingMean, ProductMean float64
	WaitingMax, ProductMax   int
}

// Band is the figures of the deployments whose run falls in one range of lengths.
type Band struct {
	Label         string
	Deployments   int
	FixedCalls    float64 // the fixed 1-minute tick's calls per deployment
	AdaptiveCalls float64
	AdaptiveMean  time.Duration
	AdaptiveP95   time.Duration
	Jobs          JobFacts
}

// The policies the targets compare, by their place in Policies.
const (
	fixedOneMinute = 1
	everySecond    = 2
	adaptivePolicy = 3
)

// simulate runs every policy on the mix and derives the CI minutes and the bands.
func (r *Report) simulate() error {
	mix := Mix(r.Options.Seed, r.Options.Deployments)
	if len(mix) == 0 {
		return fmt.Errorf("the mix is empty: ask for at least one deployment")
	}
	r.Mix = mixFacts(mix)
	policies := Policies(r.Options.MinTick, r.Options.MaxTick)
	watches := make([][]Watch, len(policies))
	for i, p := range policies {
		s, w, err := Summarize(p, mix)
		if err != nil {
			return err
		}
		r.Policies, watches[i] = append(r.Policies, s), w
	}
	jobs := make([]Jobs, len(mix))
	for i, d := range mix {
		jobs[i] = CIMinutes(d, watches[everySecond][i])
	}
	r.Jobs = jobFacts(jobs)
	r.Bands = bands(mix, watches, jobs)
	return nil
}

func mixFacts(mix []Deployment) MixFacts {
	f := MixFacts{Deployments: len(mix)}
	runs := make([]time.Duration, len(mix))
	var watched time.Duration
	for i, d := range mix {
		runs[i] = d.Run()
		watched += d.Watched()
		if d.Tests > 0 {
			f.WithTests++
		}
		if d.Queue > 0 {
			f.Queued++
		}
	}
	f.MedianRun = percentile(runs, 0.5)
	f.MeanWatch = watched / time.Duration(len(mix))
	f.Hours = watched.Hours()
	return f
}

func jobFacts(jobs []Jobs) JobFacts {
	var f JobFacts
	for _, j := range jobs {
		f.WaitingMean += float64(j.Waiting)
		f.ProductMean += float64(j.Product)
		f.WaitingMax = max(f.WaitingMax, j.Waiting)
		f.ProductMax = max(f.ProductMax, j.Product)
	}
	if n := float64(len(jobs)); n > 0 {
		f.WaitingMean /= n
		f.ProductMean /= n
	}
	return f
}

// bands splits the mix by run length.
func bands(mix []Deployment, watches [][]Watch, jobs []Jobs) []Band {
	var out []Band
	for _, b := range []struct {
		label  string
		lo, hi time.Duration
	}{{"2-15 min", 0, 15 * time.Minute}, {"15-60 min", 15 * time.Minute, time.Hour},
		{"1-4 h", time.Hour, longestRun + time.Minute}} {
		var in []int
		for i, d := range mix {
			if d.Run() >= b.lo && d.Run() < b.hi {
				in = append(in, i)
			}
		}
		if len(in) > 0 {
			out = append(out, band(b.label, in, mix, watches, jobs))
		}
	}
	return out
}

func band(label string, in []int, mix []Deployment, watches [][]Watch, jobs []Jobs) Band {
	ds := make([]Deployment, len(in))
	fixed, adaptive := make([]Watch, len(in)), make([]Watch, len(in))
	js := make([]Jobs, len(in))
	for k, i := range in {
		ds[k], js[k] = mix[i], jobs[i]
		fixed[k], adaptive[k] = watches[fixedOneMinute][i], watches[adaptivePolicy][i]
	}
	f, a := summarize("", ds, fixed), summarize("", ds, adaptive)
	return Band{Label: label, Deployments: len(in), FixedCalls: f.Calls,
		AdaptiveCalls: a.Calls, AdaptiveMean: a.Mean, AdaptiveP95: a.P95, Jobs: jobFacts(js)}
}

// Target is one of the product's performance targets and whether the run met it.
type Target struct {
	What string
	Got  string
	Met  bool
}

// Targets checks the run against the performance targets.
func (r Report) Targets() []Target {
	fixed, second := r.Policies[fixedOneMinute], r.Policies[everySecond]
	a := r.Policies[adaptivePolicy]
	return []Target{
		{"adaptive mean detection delay <= 30 s", seconds(a.Mean), a.Mean <= 30*time.Second},
		{"adaptive p95 detection delay <= 90 s", seconds(a.P95), a.P95 <= 90*time.Second},
		{"adaptive calls <= half the fixed 1 min tick's",
			fmt.Sprintf("%.2f x", a.Calls/fixed.Calls), a.Calls <= fixed.Calls/2},
		{"adaptive calls >= 100 x fewer than every 1 s",
			fmt.Sprintf("%.0f x fewer", second.Calls/a.Calls), second.Calls >= 100*a.Calls},
		{"CI minutes per deployment <= 2, any length",
			fmt.Sprintf("max %d", r.Jobs.ProductMax), r.Jobs.ProductMax <= 2},
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// machine names the CPU, its cores and the OS, for the report's header.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s/%s, %s", model, runtime.NumCPU(), runtime.GOOS,
		runtime.GOARCH, runtime.Version())
}
