package github

import (
	"errors"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// FuzzTarget: whatever a finish event says, a target that passes names one repository and
// one workflow file, with nothing that could leave the repository's API path.
func FuzzTarget(f *testing.F) {
	f.Add("0Af5g0000000001CAA", "acme/app", "main", "sf-async-deploy-finish.yml")
	f.Add("0Af", "acme/../x", "", "../../etc/passwd")
	f.Add("0Af", "a/b/c", "refs/heads/x", "123")
	f.Fuzz(func(t *testing.T, id, repo, ref, workflow string) {
		fin := monitor.Finished{Request: monitor.Request{DeploymentID: id, RepoPath: repo,
			Ref: ref, PipelineFinishJobID: workflow}}
		got, err := target(fin)
		if err != nil {
			if !errors.Is(err, dispatch.ErrPermanent) {
				t.Fatalf("validation error is not permanent: %v", err)
			}
			return
		}
		for _, part := range []string{got.owner, got.repo, got.workflow} {
			if part == "" || part == "." || part == ".." || strings.ContainsAny(part, "/?#%\\ ") {
				t.Fatalf("target %+v has an unsafe path part %q", got, part)
			}
		}
		if got.ref == "" {
			t.Fatal("empty ref passed")
		}
	})
}
