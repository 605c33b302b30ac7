package lambdafn

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

const (
	ghStatusToken = "github_pat_status_test_token_0000000000"
	glStatusToken = "glpat-status-test-token-000000"
)

// ciWorld is the harness with real triggers on fake GitHub and GitLab APIs.
type ciWorld struct {
	*harness
	github *cifake.GitHub
	gitlab *cifake.GitLab
}

func newCIWorld(t *testing.T, outcome fakeorg.Outcome) *ciWorld {
	t.Helper()
	w := &ciWorld{harness: newHarness(t, fakeorg.Options{Outcome: outcome}),
		github: cifake.NewGitHub(), gitlab: cifake.NewGitLab("7", 99, []cifake.Job{
			{ID: 501, Name: "sf-async-deploy", Stage: "deploy", Status: "success"},
			{ID: 502, Name: monitor.DefaultFinishJobName, Stage: "deploy", Status: "manual"}})}
	t.Cleanup(func() { w.github.Close(); w.gitlab.Close() })
	w.aws.SetSecret("gh-token", ghStatusToken)
	w.aws.SetSecret("gl-token", glStatusToken)
	w.h.Config.GitHubAPIURL, w.h.Config.GitLabURL = w.github.URL(), w.gitlab.URL()
	w.h.Triggers = NewTriggers(w.h.Config, w.h.HTTPClient)
	return w
}

// statusRequest is a request for a new deployment on ci that asks for commit statuses.
func (w *ciWorld) statusRequest(t *testing.T, ci string) monitor.Request {
	t.Helper()
	req := w.request(w.deployment(t))
	req.CommitStatus = true
	if ci == monitor.CIGitLab {
		req.CI, req.PipelineFinishJobID, req.ProjectID, req.PipelineID = ci, "", "7", "99"
		req.FinishJobName = monitor.DefaultFinishJobName
	}
	return req
}

// watch polls until the monitor lets the message go, then handles the finish event twice,
// as a redelivery would.
func (w *ciWorld) watch(t *testing.T, req monitor.Request) {
	t.Helper()
	for n := 1; ; n++ {
		resp := w.h.HandleSQS(context.Background(), batch(sqsMessage(t, n, req)))
		if len(failed(resp)) == 0 {
			break
		}
		if n == 20 {
			t.Fatalf("the deployment never finished:\n%s", w.logs.String())
		}
	}
	calls := w.aws.Calls(putEvents)
	entry := calls[len(calls)-1].Body["Entries"].([]any)[0].(map[string]any)
	event := events.EventBridgeEvent{ID: "evt-1", Source: monitor.Source,
		DetailType: monitor.DetailTypeFinished, Detail: []byte(entry["Detail"].(string))}
	for range 2 {
		if err := w.h.HandleFinished(context.Background(), event); err != nil {
			t.Fatalf("HandleFinished: %v\n%s", err, w.logs.String())
		}
	}
}

// posted is every status the fake of ci accepted, as "state|description|target URL".
func (w *ciWorld) posted(ci string) []string {
	var out []string
	if ci == monitor.CIGitLab {
		for _, s := range w.gitlab.Posts() {
			out = append(out, s.State+"|"+s.Description+"|"+s.TargetURL)
		}
		return out
	}
	for _, s := range w.github.Statuses() {
		out = append(out, s.State+"|"+s.Description+"|"+s.TargetURL)
	}
	return out
}

func TestCommitStatusFollowsTheDeployment(t *testing.T) {
	const (
		pending = "|Pending: waiting in the org's deployment queue|"
		comps2  = "|InProgress: 2/5 components, tests to follow|"
		comps5  = "|InProgress: 5/5 components, tests to follow|"
		runURL  = "https://github.com/acme/app/actions/runs/9001"
		jobURL  = "https://gitlab.example.com/acme/app/-/jobs/502"
	)
	for _, c := range []struct {
		name    string
		ci      string
		outcome fakeorg.Outcome
		want    []string // each "state|description|" followed by the deployment's page
		final   string
	}{
		{"github success", monitor.CIGitHub, fakeorg.OutcomeSuccess, []string{
			"pending" + pending, "pending" + comps2, "pending" + comps5,
			"pending|InProgress: 5/5 components, 2/4 tests|",
			"pending|InProgress: 5/5 components, 4/4 tests|"},
			"success|Succeeded: 5/5 components, 4/4 tests|" + runURL},
		{"github test failure", monitor.CIGitHub, fakeorg.OutcomeTestFailure, []string{
			"pending" + pending, "pending" + comps2, "pending" + comps5,
			"pending|InProgress: 5/5 components, 1/4 tests (1 failed)|",
			"pending|InProgress: 5/5 components, 3/4 tests (1 failed)|"},
			"failure|Failed: 5/5 components, 3/4 tests (1 failed)|" + runURL},
		{"gitlab component failure", monitor.CIGitLab, fakeorg.OutcomeComponentFailure,
			[]string{"pending" + pending,
				"running|InProgress: 1/5 components (1 error), tests to follow|"},
			"failed|Failed: 4/5 components (1 error)|" + jobURL},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newCIWorld(t, c.outcome)
			req := w.statusRequest(t, c.ci)
			w.watch(t, req)

			org, _ := w.h.Config.Rules.Hosts.OrgURL(req.OrgURL)
			page := salesforce.DeployStatusURL(org, req.DeploymentID)
			var want []string
			for _, s := range c.want {
				want = append(want, s+page)
			}
			want = append(want, c.final)
			if got := w.posted(c.ci); !slices.Equal(got, want) {
				t.Errorf("statuses:\n%s\nwant:\n%s\n%s", strings.Join(got, "\n"),
					strings.Join(want, "\n"), w.logs.String())
			}
			if !strings.Contains(w.logs.String(), `"url":"`+strings.Split(c.final, "|")[2]) {
				t.Errorf("the finish log line does not link the run:\n%s", w.logs.String())
			}
			w.assertNoSecret(t, ghStatusToken, glStatusToken)
		})
	}
}

func TestCommitStatusErrorsNeverStopTheFinish(t *testing.T) {
	for _, c := range []struct {
		name  string
		route string
		code  int
	}{
		{"statuses refused", "POST /repos/{owner}/{repo}/statuses/{sha}", http.StatusForbidden},
		{"read-back fails", "GET /repos/{owner}/{repo}/commits/{ref}/status",
			http.StatusInternalServerError},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newCIWorld(t, fakeorg.OutcomeSuccess)
			w.github.Fail(c.route, c.code)
			w.watch(t, w.statusRequest(t, monitor.CIGitHub))

			if n := len(w.github.Dispatches()); n != 1 {
				t.Errorf("%d dispatches, want 1", n)
			}
			if n := len(w.github.Statuses()); n != 0 {
				t.Errorf("%d statuses accepted", n)
			}
			if !strings.Contains(w.logs.String(), "commit status not set") {
				t.Errorf("no warning in the log:\n%s", w.logs.String())
			}
			w.assertNoSecret(t, ghStatusToken)
		})
	}
}

func TestCommitStatusIsOptIn(t *testing.T) {
	for _, c := range []struct {
		name    string
		request bool
		lambda  bool
	}{
		{"the request does not ask", false, true},
		{"COMMIT_STATUS is false", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newCIWorld(t, fakeorg.OutcomeSuccess)
			w.h.Config.CommitStatus = c.lambda
			req := w.statusRequest(t, monitor.CIGitHub)
			req.CommitStatus = c.request
			w.watch(t, req)
			if n := len(w.github.Statuses()); n != 0 || len(w.github.Dispatches()) != 1 {
				t.Errorf("%d statuses, %d dispatches; want 0 and 1", n,
					len(w.github.Dispatches()))
			}
		})
	}
}

func TestReadConfigCommitStatus(t *testing.T) {
	base := map[string]string{"EVENT_BUS_NAME": "bus", "ALLOWED_REPOSITORIES": "acme/*"}
	for _, c := range []struct {
		value string
		want  bool
		err   bool
	}{
		{"", true, false}, {"false", false, false}, {"TRUE", true, false}, {"maybe", false, true},
	} {
		vars := map[string]string{"COMMIT_STATUS": c.value}
		for k, v := range base {
			vars[k] = v
		}
		cfg, err := ReadConfig(mapEnv(vars))
		if (err != nil) != c.err || (err == nil && cfg.CommitStatus != c.want) {
			t.Errorf("COMMIT_STATUS=%q: %v, %v", c.value, cfg.CommitStatus, err)
		}
		if err != nil && !strings.Contains(err.Error(), "COMMIT_STATUS") {
			t.Errorf("the error does not name COMMIT_STATUS: %v", err)
		}
	}
}
