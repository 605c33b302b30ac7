package gitlab

import (
	"errors"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// FuzzTarget: a target that passes has a positive pipeline id and a job to find.
func FuzzTarget(f *testing.F) {
	f.Add("0Af5g0000000001CAA", "acme/app", "7", "99", "", "sf-async-deploy-finish")
	f.Add("0Af", "acme/app", "", "-1", "12", "")
	f.Add("0Af", "", "x", "99999999999999999999", "abc", "x")
	f.Fuzz(func(t *testing.T, id, repo, project, pipeline, jobID, jobName string) {
		fin := monitor.Finished{Request: monitor.Request{DeploymentID: id, RepoPath: repo,
			ProjectID: project, PipelineID: pipeline, PipelineFinishJobID: jobID,
			FinishJobName: jobName}}
		got, err := target(fin)
		if err != nil {
			if !errors.Is(err, dispatch.ErrPermanent) {
				t.Fatalf("validation error is not permanent: %v", err)
			}
			return
		}
		if got.pipeline <= 0 || got.project == "" || (got.jobID <= 0 && got.jobName == "") {
			t.Fatalf("target %+v passed without a pipeline, project or job", got)
		}
	})
}
