package lambdafn

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// withGitHub replaces the harness's fake trigger with the real dispatcher on a fake API.
func withGitHub(t *testing.T, hz *harness) *cifake.GitHub {
	t.Helper()
	gh := cifake.NewGitHub()
	t.Cleanup(gh.Close)
	cfg := hz.h.Config
	cfg.GitHubAPIURL = gh.URL()
	hz.h.Triggers = NewTriggers(cfg, &http.Client{Timeout: 5 * time.Second})
	hz.aws.SetSecret("gh-token", "github_pat_faults_test_token")
	return gh
}

// routeFinishes delivers the finish events the monitor publishes to the dispatch handler.
func routeFinishes(t *testing.T, hz *harness) {
	t.Helper()
	for i, c := range hz.aws.Calls(putEvents) {
		entry := c.Body["Entries"].([]any)[0].(map[string]any)
		err := hz.h.HandleFinished(context.Background(), events.EventBridgeEvent{
			ID: "evt-" + string(rune('a'+i)), Source: monitor.Source,
			DetailType: monitor.DetailTypeFinished, Detail: json.RawMessage(entry["Detail"].(string))})
		if err != nil {
			t.Fatalf("finish event %d: %v", i, err)
		}
	}
}

func TestTwoMonitorRequestsForOneDeploymentFinishOnce(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	gh := withGitHub(t, hz)
	id := hz.deployment(t)
	_ = hz.org.Complete(id)
	req := hz.request(id)
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req), sqsMessage(t, 2, req)))
	if len(failed(resp)) != 0 {
		t.Fatalf("kept %v", failed(resp))
	}
	if n := len(hz.aws.Calls(putEvents)); n != 1 {
		t.Errorf("%d finish events for one deployment in one batch, want 1", n)
	}
	// The same request again, later (published twice, or redelivered): the finish event is
	// published again and the dispatcher finds the run it started.
	hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 3, req)))
	routeFinishes(t, hz)
	if n := len(gh.Dispatches()); n != 1 {
		t.Errorf("%d dispatches, want exactly 1", n)
	}
}

func TestAForgedTwinDoesNotPushTheRealRequestOut(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	_ = hz.org.Complete(id)
	real := hz.request(id)
	forged := real
	forged.OrgURL = "https://attacker.example.com"
	hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, forged), sqsMessage(t, 2, real)))
	if n := len(hz.aws.Calls(putEvents)); n != 1 {
		t.Fatalf("%d finish events, want the real request's one", n)
	}
}

func TestConcurrentFinishEventsDispatchOnce(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	gh := withGitHub(t, hz)
	f := monitor.Finished{Request: hz.request(hz.deployment(t)).WithoutSecrets(), Status: "Failed"}
	detail, _ := json.Marshal(f)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = hz.h.HandleFinished(context.Background(), events.EventBridgeEvent{
				ID: "evt-" + string(rune('0'+i)), Source: monitor.Source,
				DetailType: monitor.DetailTypeFinished, Detail: detail})
		}()
	}
	wg.Wait()
	if n := len(gh.Dispatches()); n != 1 {
		t.Errorf("%d dispatches for 5 concurrent deliveries, want 1", n)
	}
}

func TestOrgTimeoutsResetsAndUnknownDeployments(t *testing.T) {
	tests := []struct {
		name     string
		fault    fakeorg.Fault
		keep     bool
		finished string
	}{
		{"timeout is retried next tick", fakeorg.Fault{Kind: fakeorg.FaultDelay, Delay: 2 * time.Second}, true, ""},
		{"reset is retried next tick", fakeorg.Fault{Kind: fakeorg.FaultResetAfterHeaders}, true, ""},
		{"truncated body is retried", fakeorg.Fault{Kind: fakeorg.FaultTruncatedJSON}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hz := newHarness(t, fakeorg.Options{})
			hz.h.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond,
				Transport: hz.org.Client().Transport}
			id := hz.deployment(t)
			hz.org.Fail(1, tt.fault)
			resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(id))))
			if kept := len(failed(resp)) == 1; kept != tt.keep {
				t.Fatalf("kept = %v; logs:\n%s", kept, hz.logs.String())
			}
			if n := len(hz.aws.Calls(putEvents)); n != 0 {
				t.Errorf("%d finish events on a transient fault", n)
			}
		})
	}
	t.Run("unknown deployment finishes Unknown", func(t *testing.T) {
		hz := newHarness(t, fakeorg.Options{})
		resp := hz.h.HandleSQS(context.Background(),
			batch(sqsMessage(t, 1, hz.request("0Af5g0000000999AAA"))))
		puts := hz.aws.Calls(putEvents)
		if len(failed(resp)) != 0 || len(puts) != 1 ||
			!strings.Contains(puts[0].Raw, `does not know this deployment`) {
			t.Fatalf("want one Unknown finish; got %v", puts)
		}
	})
}
