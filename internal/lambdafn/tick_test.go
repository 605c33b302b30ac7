package lambdafn

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

func TestTickPolicyIsReadAndValidated(t *testing.T) {
	for _, tt := range []struct {
		value, want, err string
	}{
		{value: "", want: TickAdaptive},
		{value: "adaptive", want: TickAdaptive},
		{value: " Fixed ", want: TickFixed},
		{value: "sometimes", err: `TICK_POLICY: "sometimes" is not a tick policy: use adaptive`},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := ReadConfig(mapEnv(map[string]string{"EVENT_BUS_NAME": "bus",
				"ALLOWED_REPOSITORIES": "acme/*", "TICK_POLICY": tt.value}))
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error = %v, want one containing %q", err, tt.err)
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case cfg.TickPolicy != tt.want:
				t.Errorf("TickPolicy = %q, want %q", cfg.TickPolicy, tt.want)
			}
		})
	}
}

func TestDefaultTickerFollowsTheTickPolicy(t *testing.T) {
	cfg := Config{MinTick: 30 * time.Second, MaxTick: 15 * time.Minute}
	for _, tt := range []struct {
		policy string
		want   monitor.Ticker
	}{
		{"", monitor.Adaptive{Default: time.Minute, Min: cfg.MinTick, Max: cfg.MaxTick}},
		{TickAdaptive, monitor.Adaptive{Default: time.Minute, Min: cfg.MinTick, Max: cfg.MaxTick}},
		{TickFixed, monitor.FixedTick{Default: time.Minute, Min: cfg.MinTick, Max: cfg.MaxTick}},
	} {
		cfg.TickPolicy = tt.policy
		if got := DefaultTicker(cfg); got != tt.want {
			t.Errorf("DefaultTicker(%q) = %#v, want %#v", tt.policy, got, tt.want)
		}
	}
}

// TestTickPolicyOverTheWire checks an hour into a long component phase, then finalizing.
func TestTickPolicyOverTheWire(t *testing.T) {
	for _, tt := range []struct {
		policy string
		want   []float64
	}{
		{TickAdaptive, []float64{900, 30}},
		{TickFixed, []float64{60, 60}},
	} {
		t.Run(tt.policy, func(t *testing.T) {
			clock := &testClock{now: fakeorg.DefaultStart}
			hz := newHarness(t, fakeorg.Options{Now: clock.Now, Components: 1000,
				Scenario: fakeorg.Scenario{ComponentPolls: 10, TestPolls: 4, Finalizing: true}})
			hz.h.Config.TickPolicy = tt.policy
			hz.h.Ticker, hz.h.Now = DefaultTicker(hz.h.Config), clock.Now
			id := hz.deployment(t)
			if err := hz.org.Advance(id, 1); err != nil { // started at DefaultStart
				t.Fatal(err)
			}
			clock.set(fakeorg.DefaultStart.Add(time.Hour))
			hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(id))))
			if err := hz.org.Advance(id, 12); err != nil { // the next read is Finalizing
				t.Fatal(err)
			}
			hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 2, hz.request(id))))

			calls := hz.aws.Calls(visibility)
			if len(calls) != len(tt.want) {
				t.Fatalf("%d visibility changes, want %d:\n%s", len(calls), len(tt.want),
					hz.logs.String())
			}
			for i, want := range tt.want {
				if got := calls[i].Body["VisibilityTimeout"]; got != want {
					t.Errorf("visibility change %d = %v s, want %v s:\n%s", i+1, got, want,
						hz.logs.String())
				}
			}
		})
	}
}

// testClock is a settable clock shared by the fake org and the handler.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
