package lambdafn

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

const (
	putEvents  = "AWSEvents.PutEvents"
	visibility = "AmazonSQS.ChangeMessageVisibility"
	getSecret  = "secretsmanager.GetSecretValue"
)

func TestPendingDeploymentIsDelayedByTheTick(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(id))))

	if got := failed(resp); len(got) != 1 || got[0] != "msg-1" {
		t.Fatalf("batch item failures = %v, want [msg-1]", got)
	}
	calls := hz.aws.Calls(visibility)
	if len(calls) != 1 {
		t.Fatalf("%d visibility changes, want 1", len(calls))
	}
	if calls[0].Body["VisibilityTimeout"] != float64(60) || calls[0].Body["ReceiptHandle"] != "rh-1" {
		t.Errorf("visibility change = %v", calls[0].Body)
	}
	if !strings.HasSuffix(calls[0].Body["QueueUrl"].(string), "/123456789012/sf-async-deploy-monitor") {
		t.Errorf("queue URL = %v", calls[0].Body["QueueUrl"])
	}
	if n := len(hz.aws.Calls(putEvents)); n != 0 {
		t.Errorf("%d PutEvents for a running deployment", n)
	}
	if !strings.Contains(hz.logs.String(), `"next_check_seconds":60`) {
		t.Errorf("no decision log line: %s", hz.logs.String())
	}
	hz.assertNoSecret(t)
}

func TestFinishedDeploymentPublishesOneFinishEvent(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	if err := hz.org.Complete(id); err != nil {
		t.Fatal(err)
	}
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(id))))

	if got := failed(resp); len(got) != 0 {
		t.Fatalf("batch item failures = %v, want none", got)
	}
	calls := hz.aws.Calls(putEvents)
	if len(calls) != 1 {
		t.Fatalf("%d PutEvents, want 1", len(calls))
	}
	entry := calls[0].Body["Entries"].([]any)[0].(map[string]any)
	if entry["DetailType"] != monitor.DetailTypeFinished || entry["Source"] != monitor.Source ||
		entry["EventBusName"] != "sf-async-deploy" {
		t.Errorf("entry = %v", entry)
	}
	f, err := monitor.ParseFinished([]byte(entry["Detail"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != "Succeeded" || !f.Success || f.DeploymentID != id || f.Ref != "main" ||
		f.FinishedAt == "" {
		t.Errorf("finish detail = %+v", f)
	}
	if strings.Contains(entry["Detail"].(string), "SFDCsessionId") {
		t.Errorf("finish detail carries the session id: %s", entry["Detail"])
	}
	if n := len(hz.aws.Calls(visibility)); n != 0 {
		t.Errorf("%d visibility changes for a finished deployment", n)
	}
	hz.assertNoSecret(t)
}

func TestFailedFinishPublishKeepsTheMessage(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	_ = hz.org.Complete(id)
	hz.aws.FailPutEvents(1)
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(id))))

	if got := failed(resp); len(got) != 1 {
		t.Fatalf("batch item failures = %v, want the message kept", got)
	}
	calls := hz.aws.Calls(visibility)
	if len(calls) != 1 || calls[0].Body["VisibilityTimeout"] != float64(30) {
		t.Fatalf("visibility changes = %v, want one of MIN_TICK (30)", calls)
	}
}

func TestInvalidRequestsAreDroppedWithoutOutboundCalls(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	foreignHost := hz.request(id)
	foreignHost.OrgURL = "https://evil.example.com"
	foreignRepo := hz.request(id)
	foreignRepo.RepoPath = "mallory/app"
	badID := hz.request(id)
	badID.DeploymentID = "0Afnope"
	noRef := hz.request(id)
	noRef.Ref = ""
	before := len(hz.org.Requests())

	resp := hz.h.HandleSQS(context.Background(), batch(
		sqsMessage(t, 1, foreignHost), sqsMessage(t, 2, foreignRepo), sqsMessage(t, 3, badID),
		sqsMessage(t, 4, noRef), sqsMessage(t, 5, "{not json")))

	if got := failed(resp); len(got) != 0 {
		t.Errorf("invalid messages kept: %v", got)
	}
	if calls := hz.aws.Calls(""); len(calls) != 0 {
		t.Errorf("AWS calls for invalid messages: %v", calls)
	}
	if after := len(hz.org.Requests()); after != before {
		t.Errorf("org requests for invalid messages: %d", after-before)
	}
	if n := strings.Count(hz.logs.String(), "dropping monitor request"); n != 5 {
		t.Errorf("%d drop log lines, want 5:\n%s", n, hz.logs.String())
	}
	hz.assertNoSecret(t)
}

func TestOrgFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      fakeorg.FaultKind
		keep       bool
		visibility float64 // 0: none expected
		finished   string  // status of a published finish event, "" for none
	}{
		{"session expired", fakeorg.FaultSessionExpired, false, 0, monitor.StatusUnknown},
		{"limit exceeded backs off", fakeorg.FaultLimitExceeded, true, 900, ""},
		{"unavailable retried next tick", fakeorg.FaultUnavailable, true, 60, ""},
		{"bad gateway retried", fakeorg.FaultBadGateway, true, 60, ""},
		{"html body retried", fakeorg.FaultHTML, true, 60, ""},
		{"transient 500 retried", fakeorg.FaultCrossReference, true, 60, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hz := newHarness(t, fakeorg.Options{})
			id := hz.deployment(t)
			hz.org.Fail(1, fakeorg.Fault{Kind: tt.fault})
			resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(id))))
			if kept := len(failed(resp)) == 1; kept != tt.keep {
				t.Fatalf("kept = %v, want %v; logs:\n%s", kept, tt.keep, hz.logs.String())
			}
			vis := hz.aws.Calls(visibility)
			if tt.visibility == 0 && len(vis) != 0 || tt.visibility != 0 &&
				(len(vis) != 1 || vis[0].Body["VisibilityTimeout"] != tt.visibility) {
				t.Errorf("visibility changes = %v, want %v", vis, tt.visibility)
			}
			puts := hz.aws.Calls(putEvents)
			if tt.finished == "" && len(puts) != 0 {
				t.Errorf("unexpected finish event")
			}
			if tt.finished != "" {
				if len(puts) != 1 || !strings.Contains(puts[0].Raw, `\"status\":\"`+tt.finished) {
					t.Errorf("finish events = %v, want one with status %s", puts, tt.finished)
				}
			}
			hz.assertNoSecret(t)
		})
	}
}

func TestWatchPastMaxWatchFinishesUnknown(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	req := hz.request(hz.deployment(t))
	req.RequestedAt = hz.now.Add(-13 * time.Hour).Format(time.RFC3339)
	req.Deadline = ""
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req)))
	if len(failed(resp)) != 0 {
		t.Fatal("message kept after MAX_WATCH")
	}
	puts := hz.aws.Calls(putEvents)
	if len(puts) != 1 || !strings.Contains(puts[0].Raw, "MAX_WATCH") {
		t.Fatalf("finish events = %v", puts)
	}
}

func TestCredentialRefReadsTheSecretOnce(t *testing.T) {
	const refresh = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"
	hz := newHarness(t, fakeorg.Options{RefreshToken: refresh, ClientID: "PlatformCLI"})
	hz.aws.SetSecret("sf-async-deploy/org/prod", `{"authUrl":"force://PlatformCLI::`+refresh+
		`@`+strings.TrimPrefix(hz.org.URL(), "https://")+`"}`)
	req := hz.request(hz.deployment(t))
	req.SessionID, req.CredentialRef = "", "prod"
	for i := range 3 {
		resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, i, req)))
		if len(failed(resp)) != 1 {
			t.Fatalf("tick %d: %v; logs:\n%s", i, failed(resp), hz.logs.String())
		}
	}
	if n := len(hz.aws.Calls(getSecret)); n != 1 {
		t.Errorf("%d GetSecretValue calls over 3 ticks, want 1 (cached)", n)
	}
	hz.assertNoSecret(t, refresh)
}

func TestSecretOfTheWrongShapeFinishesUnknown(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	hz.aws.SetSecret("sf-async-deploy/org/prod", `{"user":"nobody"}`)
	req := hz.request(hz.deployment(t))
	req.SessionID, req.CredentialRef = "", "prod"
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req)))
	if len(failed(resp)) != 0 || len(hz.aws.Calls(putEvents)) != 1 {
		t.Fatalf("want a published Unknown finish; logs:\n%s", hz.logs.String())
	}
}

func TestSecretsManagerDownRetries(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	hz.aws.FailTarget(getSecret, 10)
	req := hz.request(hz.deployment(t))
	req.SessionID, req.CredentialRef = "", "prod"
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req)))
	if len(failed(resp)) != 1 || len(hz.aws.Calls(putEvents)) != 0 {
		t.Fatalf("want the message kept; logs:\n%s", hz.logs.String())
	}
}

func TestVisibilityFailureStillKeepsTheMessage(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	hz.aws.FailTarget(visibility, 10)
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, hz.request(hz.deployment(t)))))
	if len(failed(resp)) != 1 {
		t.Fatal("message dropped when the visibility change failed")
	}
}

// panickyTicker panics for one deployment id.
type panickyTicker struct {
	monitor.FixedTick
	id string
}

func (p panickyTicker) Next(req monitor.Request, s salesforce.DeployResult, now time.Time) time.Duration {
	if req.DeploymentID == p.id {
		panic("boom")
	}
	return p.FixedTick.Next(req, s, now)
}

func TestBatchOfTenWithAPanicLosesNothing(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	var msgs []events.SQSMessage
	var ids []string
	for i := range 10 {
		id := hz.deployment(t)
		ids = append(ids, id)
		msgs = append(msgs, sqsMessage(t, i, hz.request(id)))
	}
	hz.h.Ticker = panickyTicker{FixedTick: monitor.FixedTick{Default: time.Minute,
		Min: 30 * time.Second, Max: 15 * time.Minute}, id: ids[4]}
	resp := hz.h.HandleSQS(context.Background(), batch(msgs...))
	if got := failed(resp); len(got) != 10 {
		t.Fatalf("%d of 10 running deployments kept: %v", len(got), got)
	}
	if !strings.Contains(hz.logs.String(), "check panicked") {
		t.Error("no log line for the panic")
	}
}

func TestFinishEventTriggersOnce(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	hz.aws.SetSecret("gh-token", "ghp_secretTokenForTests000000000000000")
	f := monitor.Finished{Request: hz.request(hz.deployment(t)).WithoutSecrets(),
		Status: "Succeeded", Success: true}
	detail, _ := json.Marshal(f)
	event := events.EventBridgeEvent{ID: "evt-1", Source: monitor.Source,
		DetailType: monitor.DetailTypeFinished, Detail: detail}
	if err := hz.h.HandleFinished(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	if len(hz.triggers.got) != 1 || hz.triggers.tokens[0] != "ghp_secretTokenForTests000000000000000" {
		t.Fatalf("triggers = %+v", hz.triggers)
	}
	hz.triggers.err = errors.New("GitHub answered 502")
	if err := hz.h.HandleFinished(context.Background(), event); err == nil {
		t.Error("a failed trigger must return an error so EventBridge retries")
	}
	if n := len(hz.aws.Calls(getSecret)); n != 1 {
		t.Errorf("%d token reads, want 1 (cached)", n)
	}
	hz.assertNoSecret(t, "ghp_secretTokenForTests000000000000000")
}

func TestForgedFinishEventTriggersNothing(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	f := monitor.Finished{Request: hz.request(hz.deployment(t)), Status: "Succeeded"}
	f.RepoPath = "mallory/app"
	detail, _ := json.Marshal(f)
	err := hz.h.HandleFinished(context.Background(), events.EventBridgeEvent{
		Source: monitor.Source, DetailType: monitor.DetailTypeFinished, Detail: detail})
	if err != nil || len(hz.triggers.got) != 0 || len(hz.aws.Calls("")) != 0 {
		t.Fatalf("forged event: err %v, triggers %d, AWS calls %d", err, len(hz.triggers.got),
			len(hz.aws.Calls("")))
	}
}
