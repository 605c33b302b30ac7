package bench

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// The timing of one check, as the Lambda does it.
const (
	// firstReceive is the time from deploy's PutEvents to the message's first receive.
	firstReceive = time.Second
	// lambdaLatency is the time from a receive to the status answer, the visibility change
	// and, when the deployment is done, the finish event.
	lambdaLatency = 300 * time.Millisecond
	// maxChecks stops a policy that never lets a deployment go.
	maxChecks = 1_000_000
)

// The Lambda's default bounds, which the simulated policies run with unless told otherwise.
const (
	DefaultMinTick = 30 * time.Second
	DefaultMaxTick = 15 * time.Minute
)

// Policy is one way of waiting for deployments.
type Policy struct {
	Name string
	// Ticker is run on the virtual clock; nil means polling every second in a CI job,
	// computed rather than simulated call by call.
	Ticker      monitor.Ticker
	TickSeconds int // the request's tickSeconds
}

// Policies are the four the benchmark compares, in the order printed, within lo..hi.
func Policies(lo, hi time.Duration) []Policy {
	fixed := monitor.FixedTick{Default: time.Minute, Min: lo, Max: hi}
	return []Policy{
		{Name: "fixed 10 min tick", Ticker: fixed, TickSeconds: 600},
		{Name: "fixed 1 min tick", Ticker: fixed, TickSeconds: 60},
		{Name: "every 1 s (sf CLI)", Ticker: nil},
		{Name: "adaptive (default)", TickSeconds: 60,
			Ticker: monitor.Adaptive{Default: time.Minute, Min: lo, Max: hi}},
	}
}

// Watch is how one policy fared on one deployment.
type Watch struct {
	Calls int           // status reads
	Delay time.Duration // from the deployment's end to the finish event (or the job seeing it)
}

// Simulate runs the policy on d with the virtual clock.
func Simulate(p Policy, d Deployment) (Watch, error) {
	if p.Ticker == nil {
		return pollEverySecond(d), nil
	}
	req := request(d, p.TickSeconds)
	at := d.Requested.Add(firstReceive)
	for calls := 1; calls <= maxChecks; calls++ {
		status := d.Status(at)
		if status.Done {
			return Watch{Calls: calls, Delay: at.Add(lambdaLatency).Sub(d.End())}, nil
		}
		next := p.Ticker.Next(req, status, at)
		// The handler passes whole seconds to ChangeMessageVisibility.
		at = at.Add(lambdaLatency + next.Truncate(time.Second))
	}
	return Watch{}, fmt.Errorf("%s: deployment %d not finished after %d checks", p.Name,
		d.Index, maxChecks)
}

// pollEverySecond is a job reading the status every second from the request on.
func pollEverySecond(d Deployment) Watch {
	k := int(math.Ceil(d.Watched().Seconds()))
	return Watch{Calls: k + 1,
		Delay: d.Requested.Add(time.Duration(k) * time.Second).Sub(d.End())}
}

// request is the monitor request deploy would publish for d.
func request(d Deployment, tickSeconds int) monitor.Request {
	return monitor.Request{RepoPath: "acme/app", PipelineFinishJobID: monitor.DefaultFinishWorkflow,
		DeploymentID: d.ID(), OrgURL: "https://acme.my.salesforce.com", SchemaVersion: 1,
		CI: monitor.CIGitHub, TickSeconds: tickSeconds,
		RequestedAt: d.Requested.Format(time.RFC3339),
		Deadline:    d.Requested.Add(12 * time.Hour).Format(time.RFC3339)}
}

// Summary is one policy's figures over a mix.
type Summary struct {
	Policy       string
	Deployments  int
	Calls        float64 // per deployment
	CallsPerHour float64 // per watched deployment-hour
	Mean         time.Duration
	P95          time.Duration
	Max          time.Duration
}

// Summarize runs p on every deployment of the mix.
func Summarize(p Policy, mix []Deployment) (Summary, []Watch, error) {
	watches := make([]Watch, len(mix))
	for i, d := range mix {
		w, err := Simulate(p, d)
		if err != nil {
			return Summary{}, nil, err
		}
		watches[i] = w
	}
	return summarize(p.Name, mix, watches), watches, nil
}

func summarize(name string, mix []Deployment, watches []Watch) Summary {
	s := Summary{Policy: name, Deployments: len(watches)}
	if len(watches) == 0 {
		return s
	}
	var calls int
	var hours float64
	delays := make([]time.Duration, len(watches))
	for i, w := range watches {
		calls += w.Calls
		hours += mix[i].Watched().Hours()
		delays[i] = w.Delay
	}
	s.Calls = float64(calls) / float64(len(watches))
	s.CallsPerHour = float64(calls) / hours
	s.Mean, s.P95, s.Max = mean(delays), percentile(delays, 0.95), slices.Max(delays)
	return s
}

func mean(ds []time.Duration) time.Duration {
	var sum float64
	for _, d := range ds {
		sum += float64(d)
	}
	return time.Duration(sum / float64(len(ds)))
}

// percentile is the nearest-rank percentile q (0..1) of ds.
func percentile(ds []time.Duration, q float64) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
