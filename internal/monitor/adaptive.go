package monitor

import (
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// From one status read, the adaptive policy estimates how long a deployment has left and
// waits a share of that: rarely while the end is far, every Min around the estimate. It keeps
// nothing between polls (its inputs are the request, the status and the time), and a status
// with nothing to estimate from (an unknown state, zero totals, no start or creation date)
// gets the fixed tick.

// Adaptive is the default tick policy: it waits a share of the estimated remaining time.
type Adaptive struct {
	Default  time.Duration // the fixed tick's default, for a request without tickSeconds
	Min, Max time.Duration
}

// The tuning of Adaptive, chosen on the mix of internal/bench and explained in BENCHMARKS.md.
const (
	// shareOfRemaining is the share of the estimated remaining time waited before a check.
	shareOfRemaining = 0.4
	// shareBeforeTests replaces it while components deploy and tests will follow: the
	// components' remaining time is then only a lower bound of the deployment's.
	shareBeforeTests = 0.8
	// shareOfSpent bounds a wait by the time the estimate rests on, so that early, noisy
	// rates are trusted only as far as they have been watched.
	shareOfSpent = 1.5
	// shareOfElapsed is the share of the elapsed time waited while components show no
	// progress yet.
	shareOfElapsed = 0.25
	// shareOfQueue is the share of the time spent Pending so far waited before a check, up to
	// the fixed tick: a deployment can start any moment, and the shortest end minutes later.
	shareOfQueue = 0.5
	// testWeight is the assumed time of one Apex test method, counted in components deployed.
	// No status read says when the tests began, so the elapsed time is split between the
	// phases by the counters with this weight.
	testWeight = 2.0
)

// phase is the part of a deployment that a status read shows.
type phase int

const (
	phaseUnknown    phase = iota // nothing to estimate from
	phaseQueued                  // Pending, no start date
	phaseComponents              // components deploying
	phaseTests                   // Apex tests running
	phaseEnding                  // finalizing, canceling, or between components and tests
)

// Next is the wait within Min..Max and 12 hours, and at most a second past the deadline.
func (a Adaptive) Next(req Request, status salesforce.DeployResult, now time.Time) time.Duration {
	fixed := FixedTick(a).Next(req, status, now)
	wait, ok := estimateWait(req, status, now, fixed)
	if !ok {
		return fixed
	}
	if d := Time(req.Deadline); d.After(now) && wait > d.Sub(now) {
		wait = d.Sub(now) + time.Second
	}
	return Clamp(wait, a.Min, a.Max)
}

// estimateWait is the wait before the bounds; false when the status tells nothing.
func estimateWait(req Request, s salesforce.DeployResult, now time.Time,
	fixed time.Duration) (time.Duration, bool) {
	switch phaseOf(s) {
	case phaseQueued:
		return queueWait(req, s, now, fixed)
	case phaseComponents:
		return componentWait(s, now), true
	case phaseTests:
		return testWait(s, now), true
	case phaseEnding:
		return 0, true
	}
	return 0, false
}

// phaseOf reads the phase from the status and its counters.
func phaseOf(s salesforce.DeployResult) phase {
	switch {
	case s.Done, s.Status == salesforce.StatusCanceling, finalizing(s.Status):
		return phaseEnding
	case s.Status == salesforce.StatusPending:
		return phaseQueued
	case s.Status != salesforce.StatusInProgress, s.StartDate.IsZero():
		return phaseUnknown
	}
	comps, tests := componentsDone(s), testsDone(s)
	switch {
	case s.NumberTestsTotal > 0 && tests < s.NumberTestsTotal:
		return phaseTests
	case s.NumberTestsTotal > 0:
		return phaseEnding
	case s.NumberComponentsTotal <= 0:
		return phaseUnknown
	case comps < s.NumberComponentsTotal:
		return phaseComponents
	}
	return phaseEnding
}

// finalizing reports a finalizing state, whatever its unconfirmed spelling.
func finalizing(s salesforce.Status) bool {
	// Finalizing, FinalizingDeploy, or a failed variant.
	return strings.HasPrefix(strings.ToLower(string(s)), "finalizing")
}

// queueWait waits a share of the time Pending since creation (or the request), up to fixed.
func queueWait(req Request, s salesforce.DeployResult, now time.Time,
	fixed time.Duration) (time.Duration, bool) {
	since := s.CreatedDate.Time
	if since.IsZero() {
		since = Time(req.RequestedAt)
	}
	if since.IsZero() {
		return 0, false
	}
	return min(scale(elapsed(since, now), shareOfQueue), fixed), true
}

// componentWait extrapolates the components' rate since the start date.
func componentWait(s salesforce.DeployResult, now time.Time) time.Duration {
	spent, done := elapsed(s.StartDate.Time, now), componentsDone(s)
	if done <= 0 {
		return scale(spent, shareOfElapsed)
	}
	left := scale(spent, float64(s.NumberComponentsTotal-done)/float64(done))
	share := shareOfRemaining
	if s.RunTestsEnabled {
		share = shareBeforeTests
	}
	return min(scale(left, share), scale(spent, shareOfSpent))
}

// testWait extrapolates the tests' rate, their share of the elapsed time set by testWeight.
func testWait(s salesforce.DeployResult, now time.Time) time.Duration {
	done := testsDone(s)
	if done <= 0 {
		return 0
	}
	weight := testWeight * float64(done)
	units := float64(max(s.NumberComponentsTotal, 0)) + weight
	spent := scale(elapsed(s.StartDate.Time, now), weight/units)
	left := scale(spent, float64(s.NumberTestsTotal-done)/float64(done))
	return min(scale(left, shareOfRemaining), scale(spent, shareOfSpent))
}

// componentsDone counts the components processed, deployed or failed.
func componentsDone(s salesforce.DeployResult) int {
	return max(s.NumberComponentsDeployed, 0) + max(s.NumberComponentErrors, 0)
}

// testsDone counts the tests completed, passed or failed.
func testsDone(s salesforce.DeployResult) int {
	return max(s.NumberTestsCompleted, 0) + max(s.NumberTestErrors, 0)
}

// elapsed is now - since, and never negative.
func elapsed(since, now time.Time) time.Duration {
	return max(now.Sub(since), 0)
}

// scale multiplies d by f, saturating at MaxVisibility and never negative.
func scale(d time.Duration, f float64) time.Duration {
	v := float64(d) * f
	switch {
	case !(v < float64(MaxVisibility)): // also NaN
		return MaxVisibility
	case v < 0:
		return 0
	}
	return time.Duration(v)
}
