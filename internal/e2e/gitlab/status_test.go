package gitlabe2e

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/prcomment"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// mergeRequest is the merge request the finish job's pipeline belongs to.
const mergeRequest = 3

// setNoteVars sets the finish job's variables: the fake as its instance API, the merge
// request of its pipeline, and the token that comments.
func (s *scenario) setNoteVars(gitlabURL string) {
	s.noteMu.Lock()
	defer s.noteMu.Unlock()
	s.noteVars = []string{"--variable", "CI_API_V4_URL=" + gitlabURL + "/api/v4",
		"--variable", "CI_MERGE_REQUEST_IID=" + strconv.Itoa(mergeRequest),
		"--variable", "SF_ASYNC_DEPLOY_GITLAB_TOKEN=" + glToken}
}

func (s *scenario) noteArgs() []string {
	s.noteMu.Lock()
	defer s.noteMu.Unlock()
	return slices.Clone(s.noteVars)
}

// checkStatuses checks the external statuses the Lambda posted on the pipeline: Pending
// while the deployment waited, linked to its page in the org, then its outcome, linked to
// the finish job; the redelivered finish event posted nothing.
func (s *scenario) checkStatuses(t *testing.T, req monitor.Request, pipeline int64) {
	t.Helper()
	org, err := url.Parse(req.OrgURL)
	if err != nil {
		t.Fatal(err)
	}
	outcome := map[bool]string{true: "success|Succeeded: 5/5 components, 4/4 tests",
		false: "failed|Failed: 5/5 components, 3/4 tests (1 failed)"}[s.c.exit == 0]
	want := []string{"pending|Pending: waiting in the org's deployment queue|" +
		salesforce.DeployStatusURL(org, req.DeploymentID),
		outcome + "|" + s.gl.URL() + "/" + projectPath + "/-/jobs/7002"}
	var got []string
	for _, p := range s.gl.rec.Posts() {
		got = append(got, p.State+"|"+p.Description+"|"+p.TargetURL)
		if p.Project != projectPath || p.SHA != s.repo.sha || p.Pipeline != pipeline ||
			p.Name != "sf-async-deploy-org" {
			t.Errorf("status %+v, want it on %s %s, pipeline %d", p, projectPath, s.repo.sha,
				pipeline)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("external statuses:\n%s\nwant:\n%s", strings.Join(got, "\n"),
			strings.Join(want, "\n"))
	}
}

// checkNote checks the one note the finish job posted on the merge request.
func (s *scenario) checkNote(t *testing.T, project string) {
	t.Helper()
	heading := map[bool]string{true: "## ✅ Deployment succeeded",
		false: "## ❌ Deployment failed"}[s.c.exit == 0]
	notes := s.gl.rec.Notes()
	if len(notes) != 1 {
		t.Fatalf("%d notes, want 1", len(notes))
	}
	n := notes[0]
	if n.Project != project || n.MR != mergeRequest ||
		!strings.HasPrefix(n.Body, prcomment.Marker+"\n"+heading) ||
		!strings.Contains(n.Body, "[the finish job](<https://"+serverHost+"/") {
		t.Errorf("note on !%d of project %q:\n%s", n.MR, n.Project, n.Body)
	}
}
