package monitor

import (
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

var (
	adaptiveNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	adaptive    = Adaptive{Default: time.Minute, Min: 30 * time.Second, Max: 15 * time.Minute}
)

// running is an InProgress status started spent before adaptiveNow.
func running(spent time.Duration, comps, compTotal, tests, testTotal int) salesforce.DeployResult {
	return salesforce.DeployResult{Status: salesforce.StatusInProgress,
		RunTestsEnabled:          testTotal > 0,
		CreatedDate:              salesforce.Time{Time: adaptiveNow.Add(-spent - time.Minute)},
		StartDate:                salesforce.Time{Time: adaptiveNow.Add(-spent)},
		NumberComponentsDeployed: comps, NumberComponentsTotal: compTotal,
		NumberTestsCompleted: tests, NumberTestsTotal: testTotal}
}

func tickRequest(tickSeconds int) Request {
	return Request{DeploymentID: "0Af5g00000ABCDE", TickSeconds: tickSeconds,
		RequestedAt: adaptiveNow.Add(-3 * time.Hour).Format(time.RFC3339)}
}

func TestAdaptiveFallsBackToTheFixedTick(t *testing.T) {
	noStart := running(time.Hour, 10, 100, 0, 0)
	noStart.StartDate = salesforce.Time{}
	noDates := salesforce.DeployResult{Status: salesforce.StatusPending}
	for _, tt := range []struct {
		name   string
		status salesforce.DeployResult
		req    Request
	}{
		{"unknown status", salesforce.DeployResult{Status: "Queued", NumberComponentsTotal: 9},
			tickRequest(90)},
		{"empty status", salesforce.DeployResult{}, tickRequest(90)},
		{"zero totals", running(time.Hour, 0, 0, 0, 0), tickRequest(90)},
		{"no start date", noStart, tickRequest(90)},
		{"pending with no dates", noDates, Request{TickSeconds: 90}},
		{"no request tick", salesforce.DeployResult{Status: "Weird"}, Request{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fixed := FixedTick(adaptive)
			want := fixed.Next(tt.req, tt.status, adaptiveNow)
			if got := adaptive.Next(tt.req, tt.status, adaptiveNow); got != want {
				t.Errorf("Next = %s, want the fixed tick %s", got, want)
			}
		})
	}
}

func TestAdaptivePendingWithNoStartDate(t *testing.T) {
	pending := func(waited time.Duration) salesforce.DeployResult {
		return salesforce.DeployResult{Status: salesforce.StatusPending,
			CreatedDate: salesforce.Time{Time: adaptiveNow.Add(-waited)}}
	}
	for _, tt := range []struct {
		name   string
		status salesforce.DeployResult
		req    Request
		want   time.Duration
	}{
		{"just created", pending(5 * time.Second), tickRequest(60), adaptive.Min},
		{"queued a while", pending(100 * time.Second), tickRequest(60), 50 * time.Second},
		{"queued long: at most the tick", pending(time.Hour), tickRequest(60), time.Minute},
		{"a longer tick", pending(time.Hour), tickRequest(600), 10 * time.Minute},
		{"no creation date: from the request", salesforce.DeployResult{
			Status: salesforce.StatusPending}, Request{TickSeconds: 600,
			RequestedAt: adaptiveNow.Add(-4 * time.Minute).Format(time.RFC3339)}, 2 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := adaptive.Next(tt.req, tt.status, adaptiveNow); got != tt.want {
				t.Errorf("Next = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAdaptiveChecksClosestWhenEnding(t *testing.T) {
	allTests := running(2*time.Hour, 500, 500, 800, 800)
	between := running(time.Hour, 500, 500, 0, 0)
	between.RunTestsEnabled = true
	for _, tt := range []struct {
		name   string
		status salesforce.DeployResult
	}{
		{"Finalizing", withStatus(allTests, "Finalizing")},
		{"FinalizingDeploy", withStatus(allTests, "FinalizingDeploy")},
		{"FinalizingDeployFailed", withStatus(allTests, "FinalizingDeployFailed")},
		{"Canceling", withStatus(running(time.Hour, 100, 500, 0, 0), salesforce.StatusCanceling)},
		{"every test completed", allTests},
		{"every component, no tests", running(time.Hour, 500, 500, 0, 0)},
		{"between components and tests", between},
		{"tests begun, none completed", running(time.Hour, 500, 500, 0, 800)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := adaptive.Next(tickRequest(600), tt.status, adaptiveNow); got != adaptive.Min {
				t.Errorf("Next = %s, want MIN %s", got, adaptive.Min)
			}
		})
	}
}

func withStatus(s salesforce.DeployResult, status salesforce.Status) salesforce.DeployResult {
	s.Status = status
	return s
}

func TestAdaptiveChecksRarelyWhileTheEndIsFar(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status salesforce.DeployResult
	}{
		{"components, 20% after an hour", running(time.Hour, 200, 1000, 0, 0)},
		{"tests, 25% after two hours", running(2*time.Hour, 300, 300, 500, 2000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := adaptive.Next(tickRequest(60), tt.status, adaptiveNow); got != adaptive.Max {
				t.Errorf("Next = %s, want MAX %s", got, adaptive.Max)
			}
		})
	}
}

// TestAdaptiveIsMonotoneNearTheEnd advances a counter from half way, all else equal.
func TestAdaptiveIsMonotoneNearTheEnd(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status func(done int) salesforce.DeployResult
	}{
		{"components, no tests", func(n int) salesforce.DeployResult {
			return running(90*time.Minute, n, 1000, 0, 0)
		}},
		{"components, tests to follow", func(n int) salesforce.DeployResult {
			s := running(90*time.Minute, n, 1000, 0, 0)
			s.RunTestsEnabled = true
			return s
		}},
		{"tests", func(n int) salesforce.DeployResult {
			return running(3*time.Hour, 400, 400, n, 1000)
		}},
		{"tests after many components", func(n int) salesforce.DeployResult {
			return running(40*time.Minute, 9000, 9000, n, 1000)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			last := adaptive.Max + 1
			for done := 500; done <= 1000; done++ {
				got := adaptive.Next(tickRequest(60), tt.status(done), adaptiveNow)
				if got > last {
					t.Fatalf("at %d/1000 the tick grew to %s from %s", done, got, last)
				}
				last = got
			}
			if last != adaptive.Min {
				t.Errorf("at the end the tick is %s, want MIN %s", last, adaptive.Min)
			}
		})
	}
}

func TestAdaptiveChecksAtTheDeadline(t *testing.T) {
	req := tickRequest(60)
	req.Deadline = adaptiveNow.Add(2 * time.Minute).Format(time.RFC3339)
	got := adaptive.Next(req, running(time.Hour, 100, 1000, 0, 0), adaptiveNow)
	if want := 2*time.Minute + time.Second; got != want {
		t.Errorf("Next = %s, want %s: one second past the deadline", got, want)
	}
}

func TestAdaptiveStaysWithinBounds(t *testing.T) {
	statuses := []salesforce.DeployResult{
		{}, {Status: salesforce.StatusPending}, running(0, 0, 1, 0, 0),
		running(12*time.Hour, 1, 10000, 0, 0), running(time.Second, 1, 1<<40, 0, 0),
		running(100*time.Hour, 5, 5, 1, 1<<40), running(-time.Hour, 1, 2, 0, 0),
	}
	bounds := []Adaptive{adaptive, {Min: time.Second, Max: 24 * time.Hour},
		{Min: time.Hour, Max: time.Minute}, {Default: -time.Hour}, {Min: 13 * time.Hour}}
	for _, a := range bounds {
		for _, s := range statuses {
			for _, tick := range []int{-5, 0, 60, 1 << 30} {
				checkBounds(t, a, tickRequest(tick), s)
			}
		}
	}
}

// checkBounds fails unless a's tick lies within the bounds Clamp gives Min and Max.
func checkBounds(t *testing.T, a Adaptive, req Request, s salesforce.DeployResult) {
	t.Helper()
	hi := a.Max
	if hi <= 0 || hi > MaxVisibility {
		hi = MaxVisibility
	}
	lo := min(a.Min, hi)
	if got := a.Next(req, s, adaptiveNow); got < lo || got > hi || got > MaxVisibility {
		t.Fatalf("Next = %s outside %s..%s for %+v, %+v", got, lo, hi, req, s)
	}
}

func FuzzAdaptiveBounds(f *testing.F) {
	f.Add("InProgress", int64(3600), int64(60), 10, 0, 100, 0, 0, true, int64(30), int64(900), 60)
	f.Add("Pending", int64(0), int64(600), 0, 0, 0, 0, 0, false, int64(30), int64(900), 0)
	f.Add("InProgress", int64(-50), int64(-5), 5, 5, 5, 90, 1000, true, int64(0), int64(0), -1)
	f.Add("Finalizing", int64(1<<40), int64(1<<40), 1<<62, 1<<62, 3, 1<<62, 1<<62, true,
		int64(1<<40), int64(-1), 1<<40)
	f.Fuzz(func(t *testing.T, status string, startAgo, createdAgo int64, comps, compErrs,
		compTotal, tests, testTotal int, runTests bool, minSec, maxSec int64, tick int) {
		s := salesforce.DeployResult{Status: salesforce.Status(status), RunTestsEnabled: runTests,
			NumberComponentsDeployed: comps, NumberComponentErrors: compErrs,
			NumberComponentsTotal: compTotal, NumberTestsCompleted: tests,
			NumberTestsTotal: testTotal}
		if startAgo != 0 {
			s.StartDate.Time = adaptiveNow.Add(-time.Duration(startAgo) * time.Second)
		}
		if createdAgo != 0 {
			s.CreatedDate.Time = adaptiveNow.Add(-time.Duration(createdAgo) * time.Second)
		}
		a := Adaptive{Default: time.Minute, Min: time.Duration(minSec) * time.Second,
			Max: time.Duration(maxSec) * time.Second}
		checkBounds(t, a, tickRequest(tick), s)
	})
}
