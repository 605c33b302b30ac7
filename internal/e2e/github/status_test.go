package githube2e

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/prcomment"
)

// pendingStatus is the commit status of a deployment waiting in the org's queue.
const pendingStatus = "pending|Pending: waiting in the org's deployment queue"

// runURL is the web page of the first run the fake GitHub dispatches.
const runURL = "https://github.com/acme/app/actions/runs/9001"

// dispatchedEnv is the job environment of the finish run that dispatch d started: on the
// dispatched ref, by workflow_dispatch, with the API the runner names.
func (w *world) dispatchedEnv(d cifake.Dispatch) map[string]string {
	env := maps.Clone(w.env)
	env["GITHUB_REF_NAME"], env["GITHUB_REF"], env["GITHUB_REF_TYPE"] = d.Ref,
		"refs/heads/"+d.Ref, "branch"
	env["GITHUB_EVENT_NAME"], env["GITHUB_RUN_ID"] = "workflow_dispatch", "9001"
	env["GITHUB_API_URL"] = w.github.URL()
	return env
}

// checkStatuses compares the commit statuses the Lambda set with want: every one but the
// last links to the deployment's page, the last (the outcome) to the finish run.
func (w *world) checkStatuses(t *testing.T, want []string, deployURL string) {
	t.Helper()
	var got []string
	statuses := w.github.Statuses()
	for i, s := range statuses {
		got = append(got, s.State+"|"+s.Description)
		link := deployURL
		if i == len(statuses)-1 {
			link = runURL
		}
		if s.Repo != "acme/app" || s.SHA != "5f1c9e2d" || s.Context != "sf-async-deploy" ||
			s.TargetURL != link || s.Token != githubToken {
			t.Errorf("status %d = %+v, want it on acme/app 5f1c9e2d linking %s", i, s, link)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("commit statuses:\n%s\nwant:\n%s\n%s", strings.Join(got, "\n"),
			strings.Join(want, "\n"), w.lambda.Logs.String())
	}
}

// checkComment checks the one comment the finish step posted on pull request 12.
func (w *world) checkComment(t *testing.T, status string) {
	t.Helper()
	heading := map[bool]string{true: "## ✅ Deployment succeeded",
		false: "## ❌ Deployment failed"}[status == "Succeeded"]
	comments := w.github.Comments()
	if len(comments) != 1 {
		t.Fatalf("%d comments, want 1", len(comments))
	}
	c := comments[0]
	if c.Number != 12 || c.Token != runToken || !strings.HasPrefix(c.Body,
		prcomment.Marker+"\n"+heading) || !strings.Contains(c.Body, "(<"+runURL+">)") {
		t.Errorf("comment on #%d:\n%s", c.Number, c.Body)
	}
}
