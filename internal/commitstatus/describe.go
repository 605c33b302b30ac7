package commitstatus

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// How the progress text is quantized, so that it changes at meaningful steps only: counts
// move in steps of a twentieth of their total, error counts keep one significant digit
// from 10 on, and the time left snaps to one of etaSteps.
const (
	countSteps = 20
	// testWeight is the assumed time of one Apex test method, in components deployed.
	testWeight = 4.0
	// minShare and minElapsed are the least progress and time an estimate is made from.
	minShare   = 0.05
	minElapsed = time.Minute
)

// etaSteps are the times left a description names, in minutes.
var etaSteps = []float64{1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720}

// Progress is the status of a deployment still running, linking to its page in the org.
// Its description depends on the status read alone.
func Progress(s salesforce.DeployResult, deployURL string) Status {
	state := Running
	if s.Status == salesforce.StatusPending {
		state = Queued
	}
	return Status{State: state, Description: progressText(s), TargetURL: deployURL}
}

// Outcome is the status of a finished deployment, linking to link: the finish run or job,
// or the deployment's page in the org.
func Outcome(f monitor.Finished, link string) Status {
	return Status{State: outcomeState(f.Status), Description: outcomeText(f), TargetURL: link}
}

func outcomeState(status string) State {
	switch salesforce.Status(status) {
	case salesforce.StatusSucceeded:
		return Succeeded
	case salesforce.StatusCanceled:
		return Canceled
	case salesforce.StatusFailed, salesforce.StatusSucceededPartial:
		return Failed
	}
	return Errored
}

// progressText is such as "InProgress: 120/300 components, 40/200 tests, about 15 min left".
func progressText(s salesforce.DeployResult) string {
	status := string(s.Status)
	switch {
	case s.Status == salesforce.StatusPending:
		return "Pending: waiting in the org's deployment queue"
	case status == "":
		status = string(salesforce.StatusInProgress)
	}
	if s.NumberComponentsTotal == 0 && s.NumberTestsTotal == 0 {
		return status + ": preparing the components"
	}
	parts := []string{fmt.Sprintf("%d/%d components", stepped(s.NumberComponentsDeployed,
		s.NumberComponentsTotal), s.NumberComponentsTotal) + errorNote(rough(
		s.NumberComponentErrors), "error")}
	switch {
	case s.NumberTestsTotal > 0:
		parts = append(parts, fmt.Sprintf("%d/%d tests", stepped(s.NumberTestsCompleted,
			s.NumberTestsTotal), s.NumberTestsTotal)+failedNote(rough(s.NumberTestErrors)))
	case s.RunTestsEnabled:
		parts = append(parts, "tests to follow")
	}
	if left, ok := remaining(s); ok {
		parts = append(parts, "about "+etaText(left)+" left")
	}
	return status + ": " + strings.Join(parts, ", ")
}

// outcomeText is such as "Failed: 300/300 components, 196/200 tests (4 failed)".
func outcomeText(f monitor.Finished) string {
	if outcomeState(f.Status) == Errored {
		reason := f.Reason
		if reason == "" {
			reason = "the monitor stopped watching"
		}
		return monitor.StatusUnknown + ": " + reason + "; the finish job reads the outcome"
	}
	text := fmt.Sprintf("%s: %d/%d components", f.Status, f.ComponentsDeployed,
		f.ComponentsTotal) + errorNote(countText(f.ComponentErrors), "error")
	if f.TestsTotal > 0 {
		text += fmt.Sprintf(", %d/%d tests", f.TestsCompleted, f.TestsTotal) +
			failedNote(countText(f.TestErrors))
	}
	return text
}

// stepped rounds done down to a step of a twentieth of total; the total itself stays.
func stepped(done, total int) int {
	if total <= 0 || done >= total {
		return done
	}
	step := (total + countSteps - 1) / countSteps
	return done - done%step
}

// rough keeps a count below 10 and one significant digit of a larger one, such as "40+".
func rough(n int) string {
	if n < 10 {
		return countText(n)
	}
	p := 10
	for p*10 <= n {
		p *= 10
	}
	return strconv.Itoa(n/p*p) + "+"
}

func countText(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// errorNote is " (3 errors)", or "" for no count.
func errorNote(count, noun string) string {
	switch count {
	case "":
		return ""
	case "1":
		return " (1 " + noun + ")"
	}
	return " (" + count + " " + noun + "s)"
}

func failedNote(count string) string {
	if count == "" {
		return ""
	}
	return " (" + count + " failed)"
}

// remaining estimates the time left from the share of the work done since the start,
// with both times from the org's own clock. There is no estimate while the number of
// tests to follow is unknown, too early in the deployment, or at its end.
func remaining(s salesforce.DeployResult) (time.Duration, bool) {
	start, last := s.StartDate.Time, s.LastModifiedDate.Time
	if start.IsZero() || last.Sub(start) < minElapsed ||
		(s.RunTestsEnabled && s.NumberTestsTotal == 0) {
		return 0, false
	}
	total := float64(s.NumberComponentsTotal) + testWeight*float64(s.NumberTestsTotal)
	done := float64(s.NumberComponentsDeployed+s.NumberComponentErrors) +
		testWeight*float64(s.NumberTestsCompleted+s.NumberTestErrors)
	if total <= 0 || done/total < minShare || done >= total {
		return 0, false
	}
	return time.Duration(float64(last.Sub(start)) * (total - done) / done), true
}

// etaText names the step of etaSteps nearest to d (by ratio), such as "15 min" or
// "1 h 30 min".
func etaText(d time.Duration) string {
	minutes := max(d.Minutes(), etaSteps[0])
	best := etaSteps[0]
	for _, step := range etaSteps {
		if math.Abs(math.Log(minutes/step)) < math.Abs(math.Log(minutes/best)) {
			best = step
		}
	}
	h, m := int(best)/60, int(best)%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
