package lambdafn

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

const testFinishQueueARN = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-finish"

// finishEnvelope is a Deployment Finished event as FinishRule queues it: the whole event.
func finishEnvelope(t *testing.T, f monitor.Finished) map[string]any {
	t.Helper()
	return map[string]any{"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
		"detail-type": monitor.DetailTypeFinished, "source": monitor.Source,
		"account": "123456789012", "time": "2026-11-30T10:45:00Z", "region": "us-east-1",
		"resources": []string{}, "detail": f}
}

// finishMessage is a FinishQueue message holding event, received for the receive-th time.
func finishMessage(t *testing.T, n, receive int, event any) events.SQSMessage {
	t.Helper()
	msg := sqsMessage(t, n, event)
	msg.EventSourceARN = testFinishQueueARN
	msg.Attributes["ApproximateReceiveCount"] = strconv.Itoa(receive)
	return msg
}

// finished is a GitHub finish for a new deployment of the harness's org.
func (hz *harness) finished(t *testing.T) monitor.Finished {
	t.Helper()
	return monitor.Finished{Request: hz.request(hz.deployment(t)).WithoutSecrets(),
		Status: "Succeeded", Success: true}
}

// visibilities returns the VisibilityTimeout of every visibility change, in order.
func (hz *harness) visibilities(t *testing.T) []float64 {
	t.Helper()
	var out []float64
	for _, c := range hz.aws.Calls(visibility) {
		if !strings.HasSuffix(c.Body["QueueUrl"].(string), "/sf-async-deploy-finish") {
			t.Errorf("visibility change on %v, want the finish queue", c.Body["QueueUrl"])
		}
		out = append(out, c.Body["VisibilityTimeout"].(float64))
	}
	return out
}

func TestFinishBackoffDoublesToFifteenMinutes(t *testing.T) {
	want := map[int]time.Duration{0: 30 * time.Second, 1: 30 * time.Second, 2: time.Minute,
		3: 2 * time.Minute, 5: 8 * time.Minute, 6: 15 * time.Minute, 119: 15 * time.Minute,
		1 << 20: 15 * time.Minute}
	for receive, d := range want {
		if got := FinishBackoff(receive); got != d {
			t.Errorf("FinishBackoff(%d) = %s, want %s", receive, got, d)
		}
	}
}

func TestFinishRecordsAreToldFromMonitorRequests(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	envelope := finishEnvelope(t, hz.finished(t))
	body := func(change func(map[string]any)) string {
		e := map[string]any{}
		for k, v := range envelope {
			e[k] = v
		}
		change(e)
		b, _ := json.Marshal(e)
		return string(b)
	}
	request, _ := json.Marshal(hz.request("0Af5g00000ABCDEFGH"))
	tests := []struct {
		name   string
		body   string
		finish bool
	}{
		{"finish event", body(func(map[string]any) {}), true},
		{"monitor request", string(request), false},
		{"monitor requested event", body(func(e map[string]any) {
			e["detail-type"] = monitor.DetailTypeRequested
		}), false},
		{"another source", body(func(e map[string]any) { e["source"] = "aws.events" }), false},
		{"keys in another case", body(func(e map[string]any) {
			e["Source"], e["Detail-Type"] = e["source"], e["detail-type"]
			delete(e, "source")
			delete(e, "detail-type")
		}), false},
		{"detail type not a string", body(func(e map[string]any) {
			e["detail-type"] = []string{monitor.DetailTypeFinished}
		}), false},
		{"not JSON", "Deployment Finished", false},
		{"a JSON list", `["source","detail-type"]`, false},
	}
	for _, tt := range tests {
		if got := isFinishRecord(tt.body); got != tt.finish {
			t.Errorf("%s: isFinishRecord = %v, want %v", tt.name, got, tt.finish)
		}
	}
}

func TestFinishRecordDispatchesOnce(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	gh := withGitHub(t, hz)
	event := finishEnvelope(t, hz.finished(t))
	for receive := 1; receive <= 2; receive++ {
		resp := hz.h.HandleSQS(context.Background(), batch(finishMessage(t, 1, receive, event)))
		if got := failed(resp); len(got) != 0 {
			t.Fatalf("delivery %d kept %v; logs:\n%s", receive, got, hz.logs.String())
		}
	}
	if n := len(gh.Dispatches()); n != 1 {
		t.Errorf("%d dispatches for two deliveries, want 1", n)
	}
	if n := len(hz.aws.Calls(visibility)) + len(hz.aws.Calls(putEvents)); n != 0 {
		t.Errorf("%d visibility changes or finish events for a dispatched finish", n)
	}
	if n := len(hz.org.Requests()); n != 0 {
		t.Errorf("%d org requests for a finish event, want none", n)
	}
	hz.assertNoSecret(t, "github_pat_faults_test_token")
}

func TestFinishRecordIsRetriedWithBackoffWhileGitHubFails(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	gh := withGitHub(t, hz)
	gh.Fail(cifake.GitHubDispatchRoute, 502)
	event := finishEnvelope(t, hz.finished(t))
	for _, receive := range []int{1, 2, 3, 7} {
		resp := hz.h.HandleSQS(context.Background(), batch(finishMessage(t, 1, receive, event)))
		if got := failed(resp); len(got) != 1 || got[0] != "msg-1" {
			t.Fatalf("receive %d: kept %v, want [msg-1]; logs:\n%s", receive, got,
				hz.logs.String())
		}
	}
	if got, want := hz.visibilities(t), []float64{30, 60, 120, 900}; !slices.Equal(got, want) {
		t.Errorf("visibility changes %v, want %v", got, want)
	}
	if !strings.Contains(hz.logs.String(), "finish dispatch failed; retrying") {
		t.Errorf("no log line for the retry:\n%s", hz.logs.String())
	}

	gh.Fail(cifake.GitHubDispatchRoute, 0) // GitHub is back
	resp := hz.h.HandleSQS(context.Background(), batch(finishMessage(t, 1, 8, event)))
	if len(failed(resp)) != 0 || len(gh.Dispatches()) != 1 {
		t.Fatalf("after the outage: kept %v, %d dispatches; want none kept, 1 dispatch",
			failed(resp), len(gh.Dispatches()))
	}
}

func TestFinishRecordNeedingAFixWaitsForTheDeadLetterQueue(t *testing.T) {
	tests := []struct {
		name  string
		setup func(hz *harness, gh *cifake.GitHub)
		fix   string
	}{
		{"workflow missing (422)", func(_ *harness, gh *cifake.GitHub) {
			gh.Fail(cifake.GitHubDispatchRoute, 422)
		}, "with a workflow_dispatch trigger"},
		{"repository unknown to the token (404)", func(_ *harness, gh *cifake.GitHub) {
			gh.Fail(cifake.GitHubDispatchRoute, 404)
		}, ".github/workflows/sf-async-deploy-finish.yml must exist"},
		{"no token configured", func(hz *harness, _ *cifake.GitHub) {
			hz.h.Config.GitHubTokenSecret = ""
		}, "GITHUB_TOKEN_SECRET is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hz := newHarness(t, fakeorg.Options{})
			gh := withGitHub(t, hz)
			tt.setup(hz, gh)
			msg := finishMessage(t, 1, 1, finishEnvelope(t, hz.finished(t)))
			resp := hz.h.HandleSQS(context.Background(), batch(msg))
			if got := failed(resp); len(got) != 1 {
				t.Fatalf("kept %v, want the message kept for the dead-letter queue", got)
			}
			if got := hz.visibilities(t); !slices.Equal(got, []float64{900}) {
				t.Errorf("visibility changes %v, want the longest backoff, 900 s", got)
			}
			line := logLine(t, hz.logs.String(), "configuration is fixed")
			if line["level"] != "ERROR" || !strings.Contains(line["error"].(string), tt.fix) ||
				!strings.Contains(line["msg"].(string), "FinishDeadLetterQueue") {
				t.Errorf("log line %v, want an ERROR naming %q and the dead-letter queue",
					line, tt.fix)
			}
			if n := len(gh.Dispatches()); n != 0 {
				t.Errorf("%d dispatches", n)
			}
		})
	}
}

func TestForgedFinishRecordIsDroppedWithoutCalls(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	f := hz.finished(t)
	f.RepoPath = "mallory/app"
	resp := hz.h.HandleSQS(context.Background(),
		batch(finishMessage(t, 1, 1, finishEnvelope(t, f))))
	if len(failed(resp)) != 0 || len(hz.triggers.got) != 0 || len(hz.aws.Calls("")) != 0 {
		t.Fatalf("forged finish: kept %v, %d triggers, %d AWS calls", failed(resp),
			len(hz.triggers.got), len(hz.aws.Calls("")))
	}
}

// TestInvokeRoutesBothFinishPaths: a batch mixing a monitor request with a queued finish
// event, and a finish event invoked directly by EventBridge, as before the queue.
func TestInvokeRoutesBothFinishPaths(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	hz.aws.SetSecret("gh-token", "ghp_secretTokenForTests000000000000000")
	pending := sqsMessage(t, 1, hz.request(hz.deployment(t)))
	queued := finishMessage(t, 2, 1, finishEnvelope(t, hz.finished(t)))
	payload, _ := json.Marshal(batch(pending, queued))
	out, err := hz.h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	if got := failed(out.(events.SQSEventResponse)); len(got) != 1 || got[0] != "msg-1" {
		t.Errorf("kept %v, want only the pending monitor request", got)
	}

	direct, _ := json.Marshal(finishEnvelope(t, hz.finished(t)))
	if _, err := hz.h.Invoke(context.Background(), direct); err != nil {
		t.Fatalf("direct EventBridge invocation: %v", err)
	}
	if n := len(hz.triggers.got); n != 2 {
		t.Errorf("%d finish jobs triggered, want 2 (queued and direct)", n)
	}
}

// logLine decodes the first JSON log line containing text.
func logLine(t *testing.T, logs, text string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		if !strings.Contains(l, text) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		return m
	}
	t.Fatalf("no log line with %q:\n%s", text, logs)
	return nil
}
