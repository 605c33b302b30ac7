package lambdae2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsfake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/e2e/rie"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

const (
	githubToken = "github_pat_11AAAAAAA0FakeTokenForTheEmulatorTest"
	gitlabToken = "glpat-FakeTokenForTheEmulatorTest01"
)

// stack is the built Lambda under the emulator with every dependency faked on loopback.
type stack struct {
	org    *fakeorg.Org
	aws    *awsfake.Server
	github *cifake.GitHub
	gitlab *cifake.GitLab
	rie    *rie.Emulator
}

func newStack(t *testing.T) *stack {
	t.Helper()
	emulator := rie.Find(t)
	s := &stack{org: fakeorg.New(fakeorg.Options{}), aws: awsfake.New(),
		github: cifake.NewGitHub(),
		gitlab: cifake.NewGitLab("7", 99, []cifake.Job{
			{ID: 501, Name: "sf-async-deploy", Stage: "deploy", Status: "success"},
			{ID: 502, Name: "sf-async-deploy-finish", Stage: "deploy", Status: "manual"}})}
	s.org.Start()
	t.Cleanup(func() { s.org.Close(); s.aws.Close(); s.github.Close(); s.gitlab.Close() })
	s.aws.SetSecret("gh-token", githubToken)
	s.aws.SetSecret("gl-token", gitlabToken)
	s.rie = rie.Start(t, emulator, rie.BuildBootstrap(t), map[string]string{
		"EVENT_BUS_NAME": "sf-async-deploy", "ALLOWED_ORG_HOSTS": "127.0.0.1",
		"ALLOWED_REPOSITORIES": "acme/*", "GITHUB_API_URL": s.github.URL(),
		"GITLAB_URL": s.gitlab.URL(), "GITHUB_TOKEN_SECRET": "gh-token",
		"GITLAB_TOKEN_SECRET": "gl-token", "MIN_TICK": "30s", "MAX_TICK": "15m",
		"MAX_WATCH": "12h", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEMULATOR",
		"AWS_SECRET_ACCESS_KEY": "emulatorsecretkey", "AWS_ENDPOINT_URL_SQS": s.aws.URL(),
		"AWS_ENDPOINT_URL_EVENTBRIDGE": s.aws.URL(), "AWS_ENDPOINT_URL_SECRETS_MANAGER": s.aws.URL(),
		"AWS_LAMBDA_LOG_FORMAT": "JSON",
	})
	return s
}

func (s *stack) request(id, ci string) monitor.Request {
	now := time.Now().UTC()
	r := monitor.Request{RepoPath: "acme/app", DeploymentID: id, SessionID: s.org.AccessToken(),
		OrgURL: s.org.URL(), SchemaVersion: 1, CI: ci, Ref: "main", CommitSHA: "0123abcd",
		TickSeconds: 60, RequestedAt: now.Add(-time.Minute).Format(time.RFC3339),
		Deadline: now.Add(6 * time.Hour).Format(time.RFC3339)}
	if ci == monitor.CIGitHub {
		r.PipelineFinishJobID = monitor.DefaultFinishWorkflow
	} else {
		r.ProjectID, r.PipelineID, r.FinishJobName = "7", "99", "sf-async-deploy-finish"
	}
	return r
}

func sqsEvent(t *testing.T, id string, receive string, req any) string {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return rie.SQSEvent(id, receive, string(body))
}

func TestBootstrapMonitorsAndDispatchesGitHub(t *testing.T) {
	s := newStack(t)
	id := s.org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true, TestLevel: "RunLocalTests"})
	req := s.request(id, monitor.CIGitHub)

	answer := s.rie.Invoke(t, sqsEvent(t, "msg-1", "1", req))
	if got := rie.BatchFailures(t, answer); len(got) != 1 || got[0] != "msg-1" {
		t.Fatalf("pending: batchItemFailures %v, want [msg-1]\n%s", got, s.rie.Logs.String())
	}
	vis := s.aws.Calls("AmazonSQS.ChangeMessageVisibility")
	if len(vis) != 1 || vis[0].Body["VisibilityTimeout"] != float64(60) {
		t.Fatalf("pending: visibility changes %v, want one of 60 s", vis)
	}
	if n := len(s.aws.Calls("AWSEvents.PutEvents")); n != 0 {
		t.Fatalf("pending: %d PutEvents", n)
	}

	if err := s.org.Complete(id); err != nil {
		t.Fatal(err)
	}
	answer = s.rie.Invoke(t, sqsEvent(t, "msg-1", "2", req))
	if got := rie.BatchFailures(t, answer); len(got) != 0 {
		t.Fatalf("finished: batchItemFailures %v, want none", got)
	}
	puts := s.aws.Calls("AWSEvents.PutEvents")
	if len(puts) != 1 || len(s.aws.Calls("AmazonSQS.ChangeMessageVisibility")) != 1 {
		t.Fatalf("finished: %d PutEvents, want 1", len(puts))
	}
	entry := puts[0].Body["Entries"].([]any)[0].(map[string]any)
	if entry["DetailType"] != monitor.DetailTypeFinished {
		t.Fatalf("finished: detail type %v", entry["DetailType"])
	}
	finishEvent := rie.FinishEvent("evt-1", entry["Detail"].(string))
	for range 2 {
		if answer := s.rie.Invoke(t, finishEvent); strings.Contains(answer, "errorMessage") {
			t.Fatalf("dispatch failed: %s\n%s", answer, s.rie.Logs.String())
		}
	}
	d := s.github.Dispatches()
	if len(d) != 1 {
		t.Fatalf("%d dispatches for two deliveries, want 1\n%s", len(d), s.rie.Logs.String())
	}
	if d[0].Repo != "acme/app" || d[0].Workflow != monitor.DefaultFinishWorkflow ||
		d[0].Ref != "main" || d[0].Inputs["deployment-id"] != id ||
		d[0].Inputs["status"] != "Succeeded" || d[0].Token != githubToken {
		t.Errorf("dispatch = %+v", d[0])
	}
	s.assertNoSecrets(t)
}

func TestBootstrapPlaysTheGitLabJobOnce(t *testing.T) {
	s := newStack(t)
	id := s.org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	f := monitor.Finished{Request: s.request(id, monitor.CIGitLab).WithoutSecrets(),
		Status: "Succeeded", Success: true}
	detail, _ := json.Marshal(f)
	event := rie.FinishEvent("evt-2", string(detail))
	for range 2 {
		if answer := s.rie.Invoke(t, event); strings.Contains(answer, "errorMessage") {
			t.Fatalf("play failed: %s\n%s", answer, s.rie.Logs.String())
		}
		s.gitlab.Wait()
	}
	plays := s.gitlab.Plays()
	if len(plays) != 1 || plays[0].JobID != 502 || plays[0].Token != gitlabToken {
		t.Fatalf("plays = %+v, want one of job 502\n%s", plays, s.rie.Logs.String())
	}
	s.assertNoSecrets(t)
}

func TestBootstrapMakesNoCallForForgedRequests(t *testing.T) {
	s := newStack(t)
	id := s.org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	host := s.request(id, monitor.CIGitHub)
	host.OrgURL = "https://attacker.example.com"
	repo := s.request(id, monitor.CIGitHub)
	repo.RepoPath = "mallory/app"
	for i, req := range []monitor.Request{host, repo} {
		answer := s.rie.Invoke(t, sqsEvent(t, "forged", "1", req))
		if got := rie.BatchFailures(t, answer); len(got) != 0 {
			t.Errorf("case %d: forged message kept: %v", i, got)
		}
	}
	f := monitor.Finished{Request: repo.WithoutSecrets(), Status: "Succeeded"}
	detail, _ := json.Marshal(f)
	s.rie.Invoke(t, rie.FinishEvent("evt-3", string(detail)))
	if calls := s.aws.Calls(""); len(calls) != 0 {
		t.Errorf("AWS calls for forged requests: %v", calls)
	}
	if n := len(s.org.Requests()); n != 0 {
		t.Errorf("%d org requests for forged requests", n)
	}
	if n := len(s.github.Dispatches()); n != 0 {
		t.Errorf("%d dispatches for a forged event", n)
	}
	if !strings.Contains(s.rie.Logs.String(), "not in ALLOWED_REPOSITORIES") {
		t.Errorf("no log line for the forged repository:\n%s", s.rie.Logs.String())
	}
	s.assertNoSecrets(t)
}

// TestBootstrapDispatchesFinishEventsFromTheQueue: FinishRule queues the whole event on
// FinishQueue; a delivery dispatches once, a redelivery dispatches nothing, and a GitHub
// outage keeps the record, hidden for its backoff.
func TestBootstrapDispatchesFinishEventsFromTheQueue(t *testing.T) {
	s := newStack(t)
	finishEvent := func(eventID string) string {
		id := s.org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
		f := monitor.Finished{Request: s.request(id, monitor.CIGitHub).WithoutSecrets(),
			Status: "Succeeded", Success: true}
		detail, _ := json.Marshal(f)
		return rie.FinishEvent(eventID, string(detail))
	}

	event := finishEvent("evt-q1")
	for _, receive := range []string{"1", "2"} {
		answer := s.rie.Invoke(t, rie.FinishSQSEvent("fin-1", receive, event))
		if got := rie.BatchFailures(t, answer); len(got) != 0 {
			t.Fatalf("receive %s: batchItemFailures %v, want none\n%s", receive, got,
				s.rie.Logs.String())
		}
	}
	if n := len(s.github.Dispatches()); n != 1 {
		t.Fatalf("%d dispatches for two deliveries, want 1\n%s", n, s.rie.Logs.String())
	}
	if n := len(s.aws.Calls("AmazonSQS.ChangeMessageVisibility")); n != 0 {
		t.Fatalf("%d visibility changes for a dispatched finish event", n)
	}

	s.github.Fail(cifake.GitHubDispatchRoute, 503)
	answer := s.rie.Invoke(t, rie.FinishSQSEvent("fin-2", "3", finishEvent("evt-q2")))
	if got := rie.BatchFailures(t, answer); len(got) != 1 || got[0] != "fin-2" {
		t.Fatalf("GitHub 503: batchItemFailures %v, want [fin-2]\n%s", got, s.rie.Logs.String())
	}
	vis := s.aws.Calls("AmazonSQS.ChangeMessageVisibility")
	if len(vis) != 1 || vis[0].Body["VisibilityTimeout"] != float64(120) ||
		!strings.HasSuffix(vis[0].Body["QueueUrl"].(string), "/sf-async-deploy-finish") {
		t.Fatalf("GitHub 503: visibility changes %v, want one of 120 s (third receive) on "+
			"the finish queue", vis)
	}
	if n := len(s.github.Dispatches()); n != 1 {
		t.Errorf("%d dispatches after the outage's attempt, want still 1", n)
	}
	s.assertNoSecrets(t)
}

// assertNoSecrets scans every line the function logged.
func (s *stack) assertNoSecrets(t *testing.T) {
	t.Helper()
	logs := s.rie.Logs.String()
	for _, secret := range []string{s.org.AccessToken(), githubToken, gitlabToken,
		"emulatorsecretkey"} {
		if strings.Contains(logs, secret) {
			t.Errorf("secret %.8s… in the function's logs", secret)
		}
	}
}
