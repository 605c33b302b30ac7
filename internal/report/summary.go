package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// SummaryInfo is what a summary needs besides the deployment result.
type SummaryInfo struct {
	// DeployURL is the deployment's page in the org; the summary links to it when set.
	DeployURL string
	// FileMapper maps a component's file name, as Annotation.File gives it, to the path to
	// show; when it is nil or returns "", the org's file name is shown.
	FileMapper func(fileName string) string
}

// WriteSummary writes a Markdown summary of the deployment for a person reading the CI run:
// its outcome, figures, and tables of the component and test failures.
func WriteSummary(w io.Writer, r salesforce.DeployResult, s SummaryInfo) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", heading(r))
	writeFacts(&b, r, s.DeployURL)
	writeComponentFailures(&b, componentFailures(r), s.FileMapper)
	writeTestFailures(&b, failedTests(r))
	writeCoverageWarnings(&b, runTests(r))
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// heading says what was run and how it ended, such as "❌ Validation failed".
func heading(r salesforce.DeployResult) string {
	kind := "Deployment"
	if r.CheckOnly {
		kind = "Validation"
	}
	var icon, outcome string
	switch r.Status {
	case salesforce.StatusSucceeded:
		icon, outcome = "✅", "succeeded"
	case salesforce.StatusSucceededPartial:
		icon, outcome = "⚠️", "partly succeeded"
	case salesforce.StatusFailed:
		icon, outcome = "❌", "failed"
	case salesforce.StatusCanceled:
		icon, outcome = "🚫", "was canceled"
	default:
		icon, outcome = "⏳", "has not finished"
		if r.Done {
			icon, outcome = "❔", "ended"
		}
	}
	return fmt.Sprintf("%s %s %s", icon, kind, outcome)
}

// writeFacts writes the list of the deployment's identity, timing and totals.
func writeFacts(b *strings.Builder, r salesforce.DeployResult, deployURL string) {
	id := "unknown"
	if r.ID != "" {
		id = "`" + strings.ReplaceAll(r.ID, "`", "") + "`"
	}
	if deployURL != "" {
		id += " ([open in Salesforce](<" + linkEscaper.Replace(deployURL) + ">))"
	}
	fmt.Fprintf(b, "- Deployment: %s\n", id)
	fmt.Fprintf(b, "- Status: %s\n", statusText(r))
	if r.CreatedByName != "" {
		fmt.Fprintf(b, "- Started by: %s\n", escapeMarkdown(r.CreatedByName))
	}
	if d, ok := elapsed(r); ok {
		fmt.Fprintf(b, "- Duration: %s\n", humanDuration(d))
	}
	c := CountsOf(r)
	fmt.Fprintf(b, "- Components: %d of %d deployed, %s\n",
		c.ComponentsDeployed, c.ComponentsTotal, plural(c.ComponentErrors, "error"))
	if c.TestsTotal > 0 || len(testCases(r)) > 0 {
		fmt.Fprintf(b, "- Tests: %d of %d completed, %s\n",
			c.TestsCompleted, c.TestsTotal, plural(c.TestErrors, "error"))
	} else {
		b.WriteString("- Tests: none run\n")
	}
	if covered, valid := coverageTotals(r); valid > 0 {
		fmt.Fprintf(b, "- Code coverage: %.2f%% (%d of %d lines)\n",
			c.CoveragePercent, covered, valid)
	}
	if r.ErrorMessage != "" || r.ErrorStatusCode != "" {
		msg := escapeMarkdown(r.ErrorMessage)
		if r.ErrorStatusCode != "" {
			msg = strings.TrimSuffix(escapeMarkdown(r.ErrorStatusCode)+": "+msg, ": ")
		}
		fmt.Fprintf(b, "- Org error: %s\n", msg)
	}
}

// statusText is the status as the org spells it, with what a reader should know about it.
func statusText(r salesforce.DeployResult) string {
	s := escapeMarkdown(string(r.Status))
	if s == "" {
		s = "unknown"
	}
	if r.Status == salesforce.StatusCanceled && r.CanceledByName != "" {
		s += " by " + escapeMarkdown(r.CanceledByName)
	}
	if r.CheckOnly {
		s += " (check only: nothing was saved)"
	}
	return s
}

// writeComponentFailures writes a table of the components the org rejected, if any.
func writeComponentFailures(b *strings.Builder, failures []salesforce.ComponentMessage,
	mapFile func(string) string) {
	if len(failures) == 0 {
		return
	}
	b.WriteString("\n### Component failures\n\n")
	b.WriteString("| Type | Name | File | Line | Problem |\n| --- | --- | --- | --- | --- |\n")
	for _, f := range failures {
		problem := f.Problem
		if f.ProblemType != "" && f.ProblemType != "Error" {
			problem = f.ProblemType + ": " + problem
		}
		writeRow(b, f.ComponentType, f.FullName, shownFile(f.FileName, mapFile),
			position(f.LineNumber, f.ColumnNumber), problem)
	}
}

// writeTestFailures writes a table of the Apex test methods that failed, if any.
func writeTestFailures(b *strings.Builder, failed []testCase) {
	if len(failed) == 0 {
		return
	}
	b.WriteString("\n### Test failures\n\n")
	b.WriteString("| Test | Message | Stack trace |\n| --- | --- | --- |\n")
	for _, c := range failed {
		top, _, _ := strings.Cut(strings.TrimSpace(c.failure.StackTrace), "\n")
		writeRow(b, c.class+"."+c.method, c.failure.Message, top)
	}
}

// writeCoverageWarnings writes the org's coverage warnings as a list, if any.
func writeCoverageWarnings(b *strings.Builder, t *salesforce.RunTestResult) {
	if t == nil || len(t.CodeCoverageWarnings) == 0 {
		return
	}
	b.WriteString("\n### Coverage warnings\n\n")
	for _, w := range t.CodeCoverageWarnings {
		msg := escapeMarkdown(w.Message)
		if name := qualified(w.Namespace, w.Name); name != "" {
			msg = escapeMarkdown(name) + ": " + msg
		}
		fmt.Fprintf(b, "- %s\n", msg)
	}
}

// writeRow writes one table row, each cell escaped.
func writeRow(b *strings.Builder, cells ...string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + escapeMarkdown(c) + " |")
	}
	b.WriteString("\n")
}

// shownFile returns the path to show for an org file name, mapped when a mapper is set.
func shownFile(fileName string, mapFile func(string) string) string {
	name := orgFileName(fileName)
	if mapFile != nil {
		if mapped := mapFile(name); mapped != "" {
			return mapped
		}
	}
	return name
}

// position formats a line and column as "12:5", "12" or "".
func position(line, column int) string {
	switch {
	case line <= 0:
		return ""
	case column <= 0:
		return fmt.Sprint(line)
	default:
		return fmt.Sprintf("%d:%d", line, column)
	}
}

// elapsed is the time from the deployment's start (or creation) to its completion.
func elapsed(r salesforce.DeployResult) (time.Duration, bool) {
	start := r.StartDate.Time
	if start.IsZero() {
		start = r.CreatedDate.Time
	}
	end := r.CompletedDate.Time
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return 0, false
	}
	return end.Sub(start), true
}

// humanDuration formats a duration to the second, such as "1h 3m 0s", "4m 12s" or "9s".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %dm %ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm %ds", m, s)
	default:
		return fmt.Sprintf("%ds", s)
	}
}

// plural formats a count with its noun, adding an s unless the count is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// markdownEscaper keeps text from the org literal inside Markdown, table cells included.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "[", `\[`, "]", `\]`, "|", `\|`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"\r\n", "<br>", "\r", "<br>", "\n", "<br>", "\t", " ",
)

// escapeMarkdown returns s trimmed and escaped to read literally in a Markdown line or cell.
func escapeMarkdown(s string) string {
	return markdownEscaper.Replace(strings.TrimSpace(s))
}

// linkEscaper keeps a URL inside the angle brackets of a Markdown link destination.
var linkEscaper = strings.NewReplacer(
	"<", "%3C", ">", "%3E", " ", "%20", "\r", "", "\n", "",
)
