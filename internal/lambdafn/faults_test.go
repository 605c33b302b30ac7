package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
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
	if n := hz.h.finishes.held(); n != 0 {
		t.Errorf("%d deployment locks kept after the finishes, want none", n)
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

const refreshToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"

// withCredentialRef gives the harness an org secret for the fake org's refresh grant.
func withCredentialRef(t *testing.T, hz *harness, token string) monitor.Request {
	t.Helper()
	hz.aws.SetSecret("sf-async-deploy/org/prod", `{"authUrl":"force://PlatformCLI::`+token+
		`@`+strings.TrimPrefix(hz.org.URL(), "https://")+`"}`)
	req := hz.request(hz.deployment(t))
	req.SessionID, req.CredentialRef = "", "prod"
	return req
}

func TestTransientRefreshFailureIsRetriedNotUnknown(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{RefreshToken: refreshToken, ClientID: "PlatformCLI"})
	req := withCredentialRef(t, hz, refreshToken)
	hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req))) // logs in
	hz.org.Fail(1, fakeorg.Fault{Kind: fakeorg.FaultSessionExpired, Path: "deployRequest"})
	hz.org.Fail(1, fakeorg.Fault{Kind: fakeorg.FaultUnavailable, Path: "oauth2/token"})
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 2, req)))
	if len(failed(resp)) != 1 || len(hz.aws.Calls(putEvents)) != 0 {
		t.Fatalf("a brief token endpoint outage ended the watch; logs:\n%s", hz.logs.String())
	}
}

func TestRefusedOrMissingCredentialsFinishUnknown(t *testing.T) {
	tests := []struct {
		name   string
		secret bool
		token  string
		want   string
	}{
		{"revoked refresh token", true, "5AepRevokedRefreshTokenValue0000000000000000000000", "refused the login"},
		{"secret missing", false, "", "secret not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hz := newHarness(t, fakeorg.Options{RefreshToken: refreshToken, ClientID: "PlatformCLI"})
			req := withCredentialRef(t, hz, tt.token)
			if !tt.secret {
				req.CredentialRef = "absent"
			}
			resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req)))
			puts := hz.aws.Calls(putEvents)
			if len(failed(resp)) != 0 || len(puts) != 1 || !strings.Contains(puts[0].Raw, tt.want) {
				t.Fatalf("want one Unknown finish naming %q; got %v\n%s", tt.want, puts,
					hz.logs.String())
			}
			hz.assertNoSecret(t, tt.token, refreshToken)
		})
	}
}

func TestRotatedSecretIsReadAgain(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{RefreshToken: refreshToken, ClientID: "PlatformCLI"})
	req := withCredentialRef(t, hz, refreshToken)
	for i := range 2 {
		hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, i, req)))
		hz.now = hz.now.Add(11 * time.Minute)
	}
	if n := len(hz.aws.Calls(getSecret)); n != 2 {
		t.Errorf("%d secret reads over 22 minutes, want 2 (one per TTL)", n)
	}
}

func TestLegacyRequestIsTimedFromItsFirstSend(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	req := hz.request(hz.deployment(t))
	req.RequestedAt, req.Deadline = "", ""
	msg := sqsMessage(t, 1, req)
	msg.Attributes["SentTimestamp"] = fmt.Sprint(hz.now.Add(-13 * time.Hour).UnixMilli())
	resp := hz.h.HandleSQS(context.Background(), batch(msg))
	puts := hz.aws.Calls(putEvents)
	if len(failed(resp)) != 0 || len(puts) != 1 || !strings.Contains(puts[0].Raw, "MAX_WATCH") {
		t.Fatalf("want an Unknown finish past MAX_WATCH; got %v", puts)
	}
}
