package commitstatus

import (
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

var start = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// running is an InProgress status read minutes after the start.
func running(comps, compTotal, tests, testTotal int, minutes float64) salesforce.DeployResult {
	return salesforce.DeployResult{Status: salesforce.StatusInProgress, RunTestsEnabled: true,
		NumberComponentsDeployed: comps, NumberComponentsTotal: compTotal,
		NumberTestsCompleted: tests, NumberTestsTotal: testTotal,
		StartDate:        salesforce.Time{Time: start},
		LastModifiedDate: salesforce.Time{Time: start.Add(time.Duration(minutes * 60e9))}}
}

func TestProgress(t *testing.T) {
	for _, c := range []struct {
		name  string
		s     salesforce.DeployResult
		state State
		want  string
	}{
		{"pending", salesforce.DeployResult{Status: salesforce.StatusPending}, Queued,
			"Pending: waiting in the org's deployment queue"},
		{"no totals yet", salesforce.DeployResult{Status: salesforce.StatusInProgress}, Running,
			"InProgress: preparing the components"},
		{"components, tests to follow", running(120, 300, 0, 0, 6), Running,
			"InProgress: 120/300 components, tests to follow"},
		{"components in steps of a twentieth", running(134, 300, 0, 0, 6), Running,
			"InProgress: 120/300 components, tests to follow"},
		{"tests with time left", running(300, 300, 40, 200, 20), Running,
			"InProgress: 300/300 components, 40/200 tests, about 30 min left"},
		{"too early for an estimate", running(300, 300, 40, 200, 0.5), Running,
			"InProgress: 300/300 components, 40/200 tests"},
		{"hours left", with(running(20, 300, 0, 0, 30), func(s *salesforce.DeployResult) {
			s.RunTestsEnabled = false
		}), Running, "InProgress: 15/300 components, about 8 h left"},
		{"errors and failures", with(running(297, 300, 100, 200, 60),
			func(s *salesforce.DeployResult) {
				s.NumberComponentErrors, s.NumberTestErrors = 3, 47
			}), Running, "InProgress: 285/300 components (3 errors), 100/200 tests " +
			"(40+ failed), about 15 min left"},
		{"canceling", salesforce.DeployResult{Status: salesforce.StatusCanceling,
			NumberComponentsDeployed: 4, NumberComponentsTotal: 5}, Running,
			"Canceling: 4/5 components"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Progress(c.s, "https://org/deploy")
			if got.State != c.state || got.Description != c.want ||
				got.TargetURL != "https://org/deploy" {
				t.Errorf("Progress = %+v\nwant state %v, %q", got, c.state, c.want)
			}
		})
	}
}

// with returns s changed by change.
func with(s salesforce.DeployResult,
	change func(*salesforce.DeployResult)) salesforce.DeployResult {
	change(&s)
	return s
}

func TestOutcome(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     monitor.Finished
		state State
		want  string
	}{
		{"succeeded", monitor.Finished{Status: "Succeeded", ComponentsDeployed: 5,
			ComponentsTotal: 5, TestsCompleted: 4, TestsTotal: 4}, Succeeded,
			"Succeeded: 5/5 components, 4/4 tests"},
		{"component failure", monitor.Finished{Status: "Failed", ComponentsDeployed: 4,
			ComponentsTotal: 5, ComponentErrors: 1}, Failed, "Failed: 4/5 components (1 error)"},
		{"test failure", monitor.Finished{Status: "Failed", ComponentsDeployed: 5,
			ComponentsTotal: 5, TestsCompleted: 3, TestsTotal: 4, TestErrors: 1}, Failed,
			"Failed: 5/5 components, 3/4 tests (1 failed)"},
		{"partly", monitor.Finished{Status: "SucceededPartial", ComponentsDeployed: 3,
			ComponentsTotal: 5, ComponentErrors: 2}, Failed,
			"SucceededPartial: 3/5 components (2 errors)"},
		{"canceled", monitor.Finished{Status: "Canceled", ComponentsTotal: 5}, Canceled,
			"Canceled: 0/5 components"},
		{"unknown", monitor.Finished{Status: monitor.StatusUnknown, Reason: "the org " +
			"session expired"}, Errored,
			"Unknown: the org session expired; the finish job reads the outcome"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Outcome(c.f, "https://run")
			if got.State != c.state || got.Description != c.want ||
				got.TargetURL != "https://run" {
				t.Errorf("Outcome = %+v\nwant state %v, %q", got, c.state, c.want)
			}
		})
	}
}

func TestETASteps(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Second: "1 min", 4 * time.Minute: "5 min", 12 * time.Minute: "10 min",
		13 * time.Minute: "15 min", 100 * time.Minute: "1 h 30 min", 2 * time.Hour: "2 h",
		30 * time.Hour: "12 h",
	} {
		if got := etaText(d); got != want {
			t.Errorf("etaText(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		text  string
		limit int
		want  string
	}{
		{"short", 10, "short"}, {"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"äöüäöüäöüäöü", 5, "äöüä…"}, {"no limit", 0, "no limit"},
	} {
		if got := Truncate(c.text, c.limit); got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.text, c.limit, got, c.want)
		}
	}
}
