package loade2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/e2e/rie"
	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/sqssim"
)

var deployments = flag.Int("load.deployments", 1000, "deployments monitored at once")

// Knobs of the load: the org's latency and error rate, and the share of deployments whose
// monitor request is published twice or whose visibility change fails.
const (
	orgLatency     = time.Millisecond
	orgFailRate    = 0.01
	duplicateShare = 0.02
	visibilityFail = 0.01
	maxHeapBytes   = 256 << 20
)

// flakyQueue fails a share of visibility changes, so those messages come back only after
// the queue's own timeout, as a redelivery.
type flakyQueue struct {
	*sqssim.Queue
	mu    sync.Mutex
	rng   *rand.Rand
	fails int
}

func (q *flakyQueue) Delay(ctx context.Context, arn, receipt string, seconds int) error {
	q.mu.Lock()
	fail := q.rng.Float64() < visibilityFail
	if fail {
		q.fails++
	}
	q.mu.Unlock()
	if fail {
		return fmt.Errorf("injected ChangeMessageVisibility failure")
	}
	return q.Queue.Delay(ctx, arn, receipt, seconds)
}

// inlineBus hands finish events straight to the dispatch handler.
type inlineBus struct {
	handle   func(context.Context, events.EventBridgeEvent) error
	mu       sync.Mutex
	finished int
}

func (b *inlineBus) PublishFinished(ctx context.Context, f monitor.Finished) error {
	detail, err := json.Marshal(f)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.finished++
	n := b.finished
	b.mu.Unlock()
	return b.handle(ctx, events.EventBridgeEvent{ID: fmt.Sprintf("evt-%d", n),
		Source: monitor.Source, DetailType: monitor.DetailTypeFinished, Detail: detail})
}

type secrets map[string]string

func (s secrets) Get(_ context.Context, id string) (string, error) { return s[id], nil }
func (s secrets) Forget(string)                                    {}

func TestEveryDeploymentFinishesExactlyOnceUnderLoad(t *testing.T) {
	start := time.Now()
	clock := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var clockMu sync.Mutex
	now := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock }
	rng := rand.New(rand.NewPCG(42, 43))

	org := newLoadOrg(now, orgLatency, orgFailRate, 7)
	defer org.srv.Close()
	gh := cifake.NewGitHub()
	defer gh.Close()
	cfg, err := lambdafn.ReadConfig(func(k string) string {
		return map[string]string{"EVENT_BUS_NAME": "sf-async-deploy", "ALLOWED_ORG_HOSTS": "127.0.0.1",
			"ALLOWED_REPOSITORIES": "acme/*", "GITHUB_API_URL": gh.URL(),
			"GITHUB_TOKEN_SECRET": "gh", "MIN_TICK": "30s", "MAX_TICK": "15m"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	queue := &flakyQueue{Queue: &sqssim.Queue{Now: now}, rng: rand.New(rand.NewPCG(9, 9))}
	bus := &inlineBus{}
	logs := &rie.LockedBuffer{}
	hc := &http.Client{Timeout: 10 * time.Second}
	h := &lambdafn.Handler{Config: cfg, Bus: bus, Queue: queue, Secrets: secrets{"gh": "ghp_load"},
		HTTPClient: hc, Ticker: lambdafn.DefaultTicker(cfg), Triggers: lambdafn.NewTriggers(cfg, hc),
		Log: lambdafn.NewLogger(func(string) string { return "" }, logs), Now: now}
	bus.handle = h.HandleFinished

	ids := publish(t, org, queue.Queue, rng, now, *deployments)
	batches, maxHeap := drain(t, h, queue, now, func(t time.Time) {
		clockMu.Lock()
		clock = t
		clockMu.Unlock()
	})

	perID := map[string]int{}
	for _, d := range gh.Dispatches() {
		perID[d.Inputs["deployment-id"]]++
	}
	for _, id := range ids {
		if perID[id] != 1 {
			t.Errorf("deployment %s: %d finish dispatches, want exactly 1", id, perID[id])
		}
	}
	if queue.Len() != 0 {
		t.Errorf("%d messages left in the queue", queue.Len())
	}
	if maxHeap > maxHeapBytes {
		t.Errorf("heap reached %d MB, bound %d MB", maxHeap>>20, maxHeapBytes>>20)
	}
	t.Logf("load: %d deployments, %d batches, %d receives, %d org requests (%d failed with 503, "+
		"retried next tick), %d visibility changes failed (redelivered), %d finish events, "+
		"%d dispatches, %d duplicates suppressed, max heap %d MB, %s", len(ids), batches,
		queue.Receives(), org.requests.Load(), org.failures.Load(), queue.fails, bus.finished,
		len(gh.Dispatches()), strings.Count(logs.String(), "already-done"), maxHeap>>20,
		time.Since(start).Round(time.Millisecond))
}

// publish starts n deployments ending at random times within two hours and sends their
// monitor requests, a share of them twice.
func publish(t *testing.T, org *loadOrg, q *sqssim.Queue, rng *rand.Rand, now func() time.Time,
	n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("0Af5g%010dAAA", i)
		ids = append(ids, id)
		org.add(id, time.Duration(2+rng.IntN(118))*time.Minute+time.Duration(rng.IntN(60))*time.Second)
		req := monitor.Request{RepoPath: "acme/app", PipelineFinishJobID: monitor.DefaultFinishWorkflow,
			DeploymentID: id, SessionID: "00D000000000001!load", OrgURL: org.srv.URL,
			SchemaVersion: 1, CI: "github", Ref: "main", TickSeconds: 120,
			RequestedAt: now().Format(time.RFC3339), Deadline: now().Add(6 * time.Hour).Format(time.RFC3339)}
		body, _ := json.Marshal(req)
		q.Send(string(body))
		if rng.Float64() < duplicateShare {
			q.Send(string(body))
		}
	}
	return ids
}

// drain plays the event source mapping until the queue is empty, jumping the clock to the
// next visible message, and returns the batches handled and the largest heap seen.
func drain(t *testing.T, h *lambdafn.Handler, q *flakyQueue, now func() time.Time,
	set func(time.Time)) (int, uint64) {
	t.Helper()
	var maxHeap uint64
	var ms runtime.MemStats
	for batches := 0; batches < 200_000; batches++ {
		next, ok := q.NextVisible()
		if !ok {
			return batches, maxHeap
		}
		if next.After(now()) {
			set(next)
		}
		batch := q.Receive()
		resp := h.HandleSQS(context.Background(), batch)
		q.Settle(batch, resp)
		if batches%200 == 0 {
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapInuse)
		}
	}
	t.Fatal("the queue never drained")
	return 0, 0
}
