package github

import (
	"context"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// Listing bounds: a page is GitHub's largest, and the pages stop a runaway listing.
const (
	runsPerPage = 100
	maxRunPages = 10
)

// clockSkew widens the created filter, since the runner's clock that wrote requestedAt may
// run ahead of GitHub's.
const clockSkew = 10 * time.Minute

// existingRun returns the workflow_dispatch run of t.workflow whose display title holds the
// deployment id, or nil when there is none.
func (d *Dispatcher) existingRun(ctx context.Context, t dispatchTarget,
	f monitor.Finished) (*gh.WorkflowRun, error) {
	opts := &gh.ListWorkflowRunsOptions{
		Event:       "workflow_dispatch",
		Created:     createdSince(f.RequestedAt),
		ListOptions: gh.ListOptions{PerPage: runsPerPage},
	}
	for page := 1; page <= maxRunPages; page++ {
		opts.Page = page
		runs, resp, err := d.client.Actions.ListWorkflowRunsByFileName(
			ctx, t.owner, t.repo, t.workflow, opts)
		if err != nil {
			return nil, classify(err, fmt.Sprintf("list runs of workflow %q in %q",
				t.workflow, f.RepoPath), t)
		}
		for _, run := range runs.WorkflowRuns {
			if strings.Contains(run.GetDisplayTitle(), f.DeploymentID) {
				return run, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
	}
	return nil, nil
}

// createdSince turns requestedAt into GitHub's created filter; an empty or unreadable time
// gives no filter, which only lists more runs.
func createdSince(requestedAt string) string {
	if requestedAt == "" {
		return ""
	}
	at, err := time.Parse(time.RFC3339, requestedAt)
	if err != nil {
		return ""
	}
	return ">=" + at.Add(-clockSkew).UTC().Format("2006-01-02T15:04:05Z")
}
