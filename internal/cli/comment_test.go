package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/prcomment"
)

const (
	commentToken = "ghs_commentTestToken0000000000000000"
	noteToken    = "glpat-note-test-token-0000000"
)

// onPullRequest makes inv a dispatched finish run on the branch of pull request 12 of a
// fake GitHub.
func onPullRequest(t *testing.T, inv *invocation) *cifake.GitHub {
	t.Helper()
	fake := cifake.NewGitHub()
	t.Cleanup(fake.Close)
	fake.AddPullRequest("acme/app", 12, "feature/login")
	inv.github()
	inv.vars["GITHUB_API_URL"] = fake.URL()
	inv.vars["GITHUB_REF_NAME"] = "feature/login"
	inv.vars["GITHUB_REF"] = "refs/heads/feature/login"
	inv.vars["GITHUB_EVENT_NAME"] = "workflow_dispatch"
	return fake
}

func TestFinishCommentsOnThePullRequest(t *testing.T) {
	org, id := finishedDeployment(t, fakeorg.OutcomeComponentFailure)
	inv := newInvocation(t, org)
	fake := onPullRequest(t, inv)
	args := append([]string{"finish", "--deployment-id", id, "--github-token", commentToken},
		inv.orgFlags()...)

	inv.run(args...)
	inv.want(ExitFailed)
	if !strings.Contains(inv.stdout.String(), "Posted the summary comment on pull request #12") {
		t.Errorf("stdout:\n%s", inv.stdout.String())
	}
	inv.run(args...)
	inv.want(ExitFailed)
	if !strings.Contains(inv.stdout.String(), "Updated the summary comment on pull request #12") {
		t.Errorf("stdout:\n%s", inv.stdout.String())
	}

	comments := fake.Comments()
	if len(comments) != 1 || comments[0].Edits != 1 || comments[0].Number != 12 ||
		comments[0].Token != commentToken {
		t.Fatalf("comments = %+v", comments)
	}
	body := comments[0].Body
	for _, want := range []string{prcomment.Marker + "\n## ❌ Deployment failed",
		"### Component failures", "force-app/main/default/classes/AccountService.cls",
		"[the finish job](<https://github.com/acme/app/actions/runs/42>)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, body)
		}
	}
	if body != prcomment.Body(inv.file("summary.md"), commentFooter(
		"https://github.com/acme/app/actions/runs/42", true), 65536) {
		t.Errorf("the comment is not summary.md with the marker and footer:\n%s", body)
	}
	inv.assertNoSecrets(commentToken)
}

func TestFinishFindsThePullRequest(t *testing.T) {
	for _, c := range []struct {
		name   string
		setup  func(t *testing.T, inv *invocation)
		args   []string
		number int
	}{
		{"option", nil, []string{"--pull-request", "#7"}, 7},
		{"pull request event", func(t *testing.T, inv *invocation) {
			path := filepath.Join(inv.dir, "event.json")
			if err := os.WriteFile(path, []byte(`{"number":7,"pull_request":{"number":7}}`),
				0o644); err != nil {
				t.Fatal(err)
			}
			inv.vars["GITHUB_EVENT_NAME"], inv.vars["GITHUB_EVENT_PATH"] = "pull_request", path
			inv.vars["GITHUB_REF"], inv.vars["GITHUB_HEAD_REF"] = "refs/pull/7/merge", "other"
		}, nil, 7},
		{"the open pull request of the branch", nil, nil, 12},
		{"a tag has none", func(_ *testing.T, inv *invocation) {
			inv.vars["GITHUB_REF"], inv.vars["GITHUB_REF_TYPE"] = "refs/tags/v1.0.0", "tag"
		}, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			org, id := finishedDeployment(t, fakeorg.OutcomeSuccess)
			inv := newInvocation(t, org)
			fake := onPullRequest(t, inv)
			fake.AddPullRequest("acme/app", 7, "other")
			if c.setup != nil {
				c.setup(t, inv)
			}
			inv.run(append(append([]string{"finish", "--deployment-id", id, "--github-token",
				commentToken}, c.args...), inv.orgFlags()...)...)
			inv.want(ExitOK)
			got := fake.Comments()
			if c.number == 0 {
				if len(got) != 0 || !strings.Contains(inv.stdout.String(), "No summary comment") {
					t.Errorf("comments %+v\n%s", got, inv.stdout.String())
				}
				return
			}
			if len(got) != 1 || got[0].Number != c.number {
				t.Errorf("comments = %+v, want one on #%d", got, c.number)
			}
		})
	}
}

func TestFinishCommentFailureKeepsTheOutcome(t *testing.T) {
	for _, c := range []struct {
		name    string
		outcome fakeorg.Outcome
		code    int
		route   string
	}{
		{"comment refused, deployment succeeded", fakeorg.OutcomeSuccess, ExitOK,
			"POST /repos/{owner}/{repo}/issues/{number}/comments"},
		{"listing fails, deployment failed", fakeorg.OutcomeTestFailure, ExitFailed,
			"GET /repos/{owner}/{repo}/issues/{number}/comments"},
		{"pull request lookup fails", fakeorg.OutcomeSuccess, ExitOK,
			"GET /repos/{owner}/{repo}/pulls"},
	} {
		t.Run(c.name, func(t *testing.T) {
			org, id := finishedDeployment(t, c.outcome)
			inv := newInvocation(t, org)
			fake := onPullRequest(t, inv)
			fake.Fail(c.route, 500)
			inv.run(append([]string{"finish", "--deployment-id", id, "--github-token",
				commentToken}, inv.orgFlags()...)...)
			inv.want(c.code)
			if !strings.Contains(inv.stdout.String(), "::warning::no summary comment") {
				t.Errorf("no warning:\n%s", inv.stdout.String())
			}
			if _, err := os.Stat(filepath.Join(inv.results, "junit.xml")); err != nil {
				t.Error(err)
			}
			inv.assertNoSecrets(commentToken)
		})
	}
}

func TestFinishCommentsOnTheMergeRequest(t *testing.T) {
	for _, c := range []struct {
		name string
		vars map[string]string
	}{
		{"merge request pipeline", map[string]string{"CI_MERGE_REQUEST_IID": "3"}},
		{"branch pipeline", map[string]string{"CI_COMMIT_BRANCH": "feature/login"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			org, id := finishedDeployment(t, fakeorg.OutcomeTestFailure)
			fake := cifake.NewGitLab("7", 99, nil)
			t.Cleanup(fake.Close)
			fake.AddMergeRequest("7", 3, "feature/login")
			inv := newInvocation(t, org).gitlab()
			inv.vars["CI_API_V4_URL"] = fake.URL() + "/api/v4"
			for k, v := range c.vars {
				inv.vars[k] = v
			}
			args := append([]string{"finish", "--deployment-id", id}, inv.orgFlags()...)
			inv.vars["SF_ASYNC_DEPLOY_GITLAB_TOKEN"] = noteToken
			for range 2 {
				inv.run(args...)
				inv.want(ExitFailed)
			}
			notes := fake.Notes()
			if len(notes) != 1 || notes[0].MR != 3 || notes[0].Edits != 1 ||
				!strings.Contains(notes[0].Body, "### Test failures") ||
				!strings.Contains(notes[0].Body, "(<https://gitlab.com/acme/app/-/jobs/1>)") {
				t.Errorf("notes = %+v", notes)
			}
			if !strings.Contains(inv.stdout.String(), "on merge request !3") {
				t.Errorf("stdout:\n%s", inv.stdout.String())
			}
			inv.assertNoSecrets(noteToken)
		})
	}
}

func TestFinishRefusesABadPullRequestNumber(t *testing.T) {
	org, id := finishedDeployment(t, fakeorg.OutcomeSuccess)
	inv := newInvocation(t, org).github()
	inv.run(append([]string{"finish", "--deployment-id", id, "--pull-request", "twelve"},
		inv.orgFlags()...)...)
	inv.want(ExitUsage)
	if !strings.Contains(inv.stderr.String(), "option pull-request") {
		t.Errorf("stderr:\n%s", inv.stderr.String())
	}
	if n := len(org.Requests()); n != 0 {
		t.Errorf("%d org requests before the refusal", n)
	}
}

func TestDeployAsksForCommitStatuses(t *testing.T) {
	for _, c := range []struct {
		value string
		code  int
		want  bool
	}{
		{"", ExitOK, false}, {"true", ExitOK, true}, {"false", ExitOK, false},
		{"yes", ExitUsage, false},
	} {
		t.Run("commit-status="+c.value, func(t *testing.T) {
			org := startOrg(t, fakeorg.Options{})
			inv := newInvocation(t, org).gitlab()
			pub := &recordingPublisher{}
			inv.pub = pub
			if c.value != "" {
				inv.vars["SF_ASYNC_DEPLOY_COMMIT_STATUS"] = c.value
			}
			inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata"},
				inv.orgFlags()...)...)
			inv.want(c.code)
			if c.code != ExitOK {
				if !strings.Contains(inv.stderr.String(), "option commit-status") ||
					len(org.Deployments()) != 0 {
					t.Errorf("stderr:\n%s", inv.stderr.String())
				}
				return
			}
			if len(pub.reqs) != 1 || pub.reqs[0].CommitStatus != c.want ||
				strings.Contains(inv.file("deployment.json"), "commitStatus") != c.want {
				t.Errorf("published %+v", pub.reqs)
			}
		})
	}
}
