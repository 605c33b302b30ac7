// Package bench measures the product against waiting in CI: a simulated mix of deployments
// polled by each tick policy on a virtual clock, and the product's own costs (the Lambda
// handler, finish, the deployment zip, the binaries), printed as one table.
package bench

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// The mix's shape; BENCHMARKS.md states each of these.
const (
	shortestRun     = 2 * time.Minute
	longestRun      = 4 * time.Hour
	shareWithTests  = 0.75
	shareQueued     = 0.6
	shortestQueue   = 10 * time.Second
	longestQueue    = 15 * time.Minute
	fewestComps     = 20
	mostComps       = 10000
	fewestTests     = 10
	mostTests       = 5000
	lowestTestCost  = 0.5 // time of one test method in components, log-uniform between these
	highestTestCost = 50.0
	shortestFinal   = 5 * time.Second
	longestFinal    = 90 * time.Second
	fewestSegments  = 3
	mostSegments    = 6
	slowestSpeed    = 1.0 / 3 // relative speed of a stretch of a phase, log-uniform
	fastestSpeed    = 3.0
	longestLag      = 20 * time.Second // counters trail the work by up to this much
)

// epoch is the virtual clock's start.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Deployment is one simulated deployment: its timeline and how its counters move.
type Deployment struct {
	Index      int
	Requested  time.Time     // when deploy published the monitor request
	Queue      time.Duration // Pending, without a start date
	Components int
	Tests      int // 0: no tests run
	CompTime   time.Duration
	TestTime   time.Duration
	FinalTime  time.Duration
	// FinalStatus is what the finalizing stretch reports: Finalizing, FinalizingDeploy, or
	// InProgress with full counters (before API 65.0).
	FinalStatus salesforce.Status
	compCurve   curve
	testCurve   curve
	noise       uint64
}

// Start is the deployment's startDate.
func (d Deployment) Start() time.Time { return d.Requested.Add(d.Queue) }

// End is when the org reports the deployment done.
func (d Deployment) End() time.Time {
	return d.Start().Add(d.CompTime + d.TestTime + d.FinalTime)
}

// Run is the time from startDate to the end.
func (d Deployment) Run() time.Duration { return d.End().Sub(d.Start()) }

// Watched is the time from the monitor request to the end.
func (d Deployment) Watched() time.Duration { return d.End().Sub(d.Requested) }

// Mix draws n deployments from seed; the same seed gives the same mix.
func Mix(seed uint64, n int) []Deployment {
	rng := rand.New(rand.NewPCG(seed, 0x5f0a5d))
	out := make([]Deployment, n)
	at := epoch
	for i := range out {
		out[i] = draw(rng, i, at)
		at = at.Add(7 * time.Minute)
	}
	return out
}

// draw makes a log-uniform run, split by the counts and the relative cost of a test.
func draw(rng *rand.Rand, i int, at time.Time) Deployment {
	d := Deployment{Index: i, Requested: at, noise: rng.Uint64()}
	run := logUniformDuration(rng, shortestRun, longestRun)
	if rng.Float64() < shareQueued {
		d.Queue = logUniformDuration(rng, shortestQueue, longestQueue)
	}
	d.Components = int(logUniform(rng, fewestComps, mostComps))
	if rng.Float64() < shareWithTests {
		d.Tests = int(logUniform(rng, fewestTests, mostTests))
	}
	d.FinalTime = shortestFinal + time.Duration(rng.Float64()*float64(longestFinal-shortestFinal))
	d.FinalStatus = []salesforce.Status{"Finalizing", "FinalizingDeploy",
		salesforce.StatusInProgress}[rng.IntN(3)]
	work := run - d.FinalTime
	d.CompTime = work
	if d.Tests > 0 {
		cost := logUniform(rng, lowestTestCost, highestTestCost)
		compShare := float64(d.Components) / (float64(d.Components) + cost*float64(d.Tests))
		d.CompTime = time.Duration(float64(work) * compShare).Round(time.Second)
		d.TestTime = work - d.CompTime
	}
	d.compCurve = newCurve(rng)
	d.testCurve = newCurve(rng)
	return d
}

func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
}

func logUniformDuration(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return time.Duration(logUniform(rng, float64(lo), float64(hi))).Round(time.Millisecond)
}

// curve is a phase's progress against its time, both 0..1: a few stretches of uneven speed.
type curve struct{ x, y []float64 }

func newCurve(rng *rand.Rand) curve {
	n := fewestSegments + rng.IntN(mostSegments-fewestSegments+1)
	c := curve{x: make([]float64, n+1), y: make([]float64, n+1)}
	for i := 1; i <= n; i++ {
		width := 0.5 + rng.Float64()
		c.x[i] = c.x[i-1] + width
		c.y[i] = c.y[i-1] + width*logUniform(rng, slowestSpeed, fastestSpeed)
	}
	for i := range c.x {
		c.x[i] /= c.x[n]
		c.y[i] /= c.y[n]
	}
	return c
}

// at is the progress after a share f of the phase's time.
func (c curve) at(f float64) float64 {
	if f <= 0 {
		return 0
	}
	for i := 1; i < len(c.x); i++ {
		if f < c.x[i] {
			span := (f - c.x[i-1]) / (c.x[i] - c.x[i-1])
			return c.y[i-1] + span*(c.y[i]-c.y[i-1])
		}
	}
	return 1
}
