package bench

import (
	"reflect"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

func TestMixIsDeterministicForASeed(t *testing.T) {
	a, b, other := Mix(7, 300), Mix(7, 300), Mix(8, 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two mixes of seed 7 differ")
	}
	if reflect.DeepEqual(a, other) {
		t.Fatal("seeds 7 and 8 give the same mix")
	}
	for _, p := range Policies(DefaultMinTick, DefaultMaxTick) {
		sa, wa, err := Summarize(p, a)
		if err != nil {
			t.Fatal(err)
		}
		sb, wb, err := Summarize(p, b)
		if err != nil {
			t.Fatal(err)
		}
		if sa != sb || !reflect.DeepEqual(wa, wb) {
			t.Errorf("%s: two runs on one seed differ: %+v, %+v", p.Name, sa, sb)
		}
	}
}

func TestMixHasTheShapeItPromises(t *testing.T) {
	mix := Mix(1, 2000)
	var tests, queued int
	for _, d := range mix {
		if d.Run() < shortestRun-time.Second || d.Run() > longestRun+time.Second {
			t.Errorf("deployment %d runs %s, outside 2 min..4 h", d.Index, d.Run())
		}
		if d.Tests > 0 {
			tests++
		}
		if d.Queue > 0 {
			queued++
		}
		if !salesforce.ValidDeploymentID(d.ID()) {
			t.Errorf("deployment %d has id %q", d.Index, d.ID())
		}
	}
	if tests < 1300 || tests > 1700 || queued < 1000 || queued > 1400 {
		t.Errorf("%d with tests and %d queued of 2000, want about 1500 and 1200", tests, queued)
	}
}

// TestStatusFollowsTheTimeline reads each deployment every 10 s until it is done.
func TestStatusFollowsTheTimeline(t *testing.T) {
	for _, d := range Mix(3, 40) {
		for at := d.Requested; ; at = at.Add(10 * time.Second) {
			s := d.Status(at)
			checkStatus(t, d, at, s)
			if s.Done {
				break
			}
		}
		if !d.Status(d.End()).Done || d.Status(d.End().Add(-time.Millisecond)).Done {
			t.Errorf("deployment %d is not done exactly from its end", d.Index)
		}
	}
}

func checkStatus(t *testing.T, d Deployment, at time.Time, s salesforce.DeployResult) {
	t.Helper()
	switch {
	case at.Before(d.Start()) && (s.Status != salesforce.StatusPending || !s.StartDate.IsZero()):
		t.Fatalf("deployment %d before its start: %s, start %v", d.Index, s.Status, s.StartDate)
	case s.NumberComponentsDeployed > s.NumberComponentsTotal ||
		s.NumberTestsCompleted > s.NumberTestsTotal:
		t.Fatalf("deployment %d: counters past their totals: %+v", d.Index, s)
	case s.Done != !at.Before(d.End()):
		t.Fatalf("deployment %d at %s: done %v", d.Index, at.Sub(d.Requested), s.Done)
	}
}

func TestPollingEverySecondIsComputedExactly(t *testing.T) {
	d := Deployment{Requested: epoch, Queue: time.Minute, CompTime: 90*time.Second +
		300*time.Millisecond}
	w := pollEverySecond(d)
	if w.Calls != 152 || w.Delay != 700*time.Millisecond {
		t.Errorf("every second: %d calls, delay %s; want 152 and 700ms", w.Calls, w.Delay)
	}
}

func TestProductBillsTwoMinutesWhateverTheLength(t *testing.T) {
	for _, d := range Mix(5, 500) {
		jobs := CIMinutes(d, pollEverySecond(d))
		if jobs.Product != 2 {
			t.Errorf("deployment %d (%s): product bills %d minutes", d.Index, d.Run(),
				jobs.Product)
		}
		if want := int(d.Watched().Minutes()); jobs.Waiting < want {
			t.Errorf("deployment %d: a waiting job bills %d minutes for a %d-minute wait",
				d.Index, jobs.Waiting, want)
		}
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Second
	}
	if got := percentile(ds, 0.95); got != 95*time.Second {
		t.Errorf("p95 = %s, want 95s", got)
	}
	if got := percentile(ds[:1], 0.95); got != 100*time.Second {
		t.Errorf("p95 of one = %s, want 100s", got)
	}
}
