package bench

import (
	"fmt"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// ID is the deployment's 0Af… id.
func (d Deployment) ID() string { return fmt.Sprintf("0Af5g%010d", d.Index) }

// Status is what a status read without details answers at t.
func (d Deployment) Status(t time.Time) salesforce.DeployResult {
	// Pending until the start, then the components, the tests and the finalizing stretch,
	// then Succeeded. The counters trail the work by a lag that varies from read to read,
	// and move in batches.
	r := salesforce.DeployResult{ID: d.ID(), Status: salesforce.StatusPending,
		RollbackOnError: true, RunTestsEnabled: d.Tests > 0,
		CreatedDate:   salesforce.Time{Time: d.Requested.Add(-time.Second)},
		CreatedBy:     "0055g00000BenchAAA",
		CreatedByName: "Bench User"}
	start := d.Start()
	if t.Before(start) {
		r.LastModifiedDate = r.CreatedDate
		return r
	}
	seen := t.Add(-d.lag(t))
	r.Status, r.StartDate = salesforce.StatusInProgress, salesforce.Time{Time: start}
	r.LastModifiedDate = salesforce.Time{Time: maxTime(seen, start)}
	r.NumberComponentsTotal = d.Components
	compEnd := start.Add(d.CompTime)
	testEnd := compEnd.Add(d.TestTime)
	switch {
	case t.Before(compEnd):
		r.NumberComponentsDeployed = counter(d.Components, d.compBatch(), d.compCurve,
			elapsedShare(seen, start, d.CompTime))
		r.StateDetail = "Processing Type: ApexClass"
	case t.Before(testEnd):
		r.NumberComponentsDeployed, r.NumberTestsTotal = d.Components, d.Tests
		r.NumberTestsCompleted = counter(d.Tests, d.testBatch(), d.testCurve,
			elapsedShare(seen, compEnd, d.TestTime))
		r.StateDetail = "Running Test: AccountServiceTest.testCreate"
	case t.Before(d.End()):
		r.Status = d.FinalStatus
		r.NumberComponentsDeployed, r.NumberTestsTotal = d.Components, d.Tests
		r.NumberTestsCompleted = d.Tests
	default:
		r.Status, r.Done, r.Success = salesforce.StatusSucceeded, true, true
		r.NumberComponentsDeployed, r.NumberTestsTotal = d.Components, d.Tests
		r.NumberTestsCompleted = d.Tests
		r.CompletedDate = salesforce.Time{Time: d.End()}
		r.LastModifiedDate = r.CompletedDate
	}
	return r
}

// elapsedShare is the share of a phase's time passed at t.
func elapsedShare(t, start time.Time, length time.Duration) float64 {
	if length <= 0 {
		return 1
	}
	return float64(t.Sub(start)) / float64(length)
}

// counter is a phase's counter after a share f of its time, moved in whole batches.
func counter(total, batch int, c curve, f float64) int {
	n := int(c.at(f) * float64(total))
	return min(n/batch*batch, total)
}

// compBatch is how many components one counter update reports.
func (d Deployment) compBatch() int { return max(1, d.Components/50) }

// testBatch is how many test methods one update reports: a test class's worth, 1 to 8.
func (d Deployment) testBatch() int { return 1 + int(d.noise%8) }

// lag is how far the counters trail the work at t: a hash of the deployment and the second.
func (d Deployment) lag(t time.Time) time.Duration {
	h := mix64(d.noise ^ uint64(t.Unix()))
	return time.Duration(h % uint64(longestLag))
}

// mix64 is SplitMix64's finalizer: a cheap, well-spread hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
