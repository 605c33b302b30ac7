package loade2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadOrg is a minimal Salesforce-shaped org for many deployments: each ends at its own
// virtual time; every answer takes latency, and a share of them fail with 503.
type loadOrg struct {
	srv      *httptest.Server
	now      func() time.Time
	latency  time.Duration
	failRate float64

	mu       sync.Mutex
	rng      *rand.Rand
	starts   map[string]time.Time
	ends     map[string]time.Time
	requests atomic.Int64
	failures atomic.Int64
}

func newLoadOrg(now func() time.Time, latency time.Duration, failRate float64, seed uint64) *loadOrg {
	o := &loadOrg{now: now, latency: latency, failRate: failRate, ends: map[string]time.Time{},
		starts: map[string]time.Time{}, rng: rand.New(rand.NewPCG(seed, seed+1))}
	o.srv = httptest.NewServer(http.HandlerFunc(o.serve))
	return o
}

// add registers a deployment that ends after d.
func (o *loadOrg) add(id string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.starts[id] = o.now()
	o.ends[id] = o.now().Add(d)
}

func (o *loadOrg) serve(w http.ResponseWriter, r *http.Request) {
	o.requests.Add(1)
	time.Sleep(o.latency)
	o.mu.Lock()
	fail := o.rng.Float64() < o.failRate
	id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	end, ok := o.ends[id]
	begin := o.starts[id]
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/5000000", o.requests.Load()))
	switch {
	case fail:
		o.failures.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `[{"errorCode":"SERVER_UNAVAILABLE","message":"try again"}]`)
		return
	case !ok:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "deployOptions": nil,
		"deployResult": progress(id, begin, end, o.now())})
}

// progress is a deployment's state at now: components deployed in proportion to the time
// elapsed, as a status read without details reports it.
func progress(id string, begin, end, now time.Time) map[string]any {
	done := !now.Before(end)
	status, deployed := "InProgress", 100
	if done {
		status = "Succeeded"
	} else {
		deployed = int(100 * now.Sub(begin) / end.Sub(begin))
	}
	return map[string]any{"id": id, "status": status, "done": done, "success": done,
		"numberComponentsTotal": 100, "numberComponentsDeployed": deployed,
		"numberTestsTotal": 0, "numberTestsCompleted": 0,
		"createdDate": begin.Format("2006-01-02T15:04:05.000-0700"),
		"startDate":   begin.Format("2006-01-02T15:04:05.000-0700")}
}
