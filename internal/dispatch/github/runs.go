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
const clockSkew = 2 * time.Minute

// existingRun returns the workflow_dispatch run of t.workflow whose display title holds the
// deployment id, or nil when there is none.
func (d *Dispatcher) existingRun(ctx context.Context, t dispatchTarget,
	f monitor.Finished) (*gh.WorkflowRun, error) {
	opts := &gh.ListWorkflowRunsOptions{
		Event:       "workflow_dispatch",
		Created:     createdSince(since(f)),
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
			if strings.Contains(run.GetDisplayTitle(), f.DeploymentID) && startedSince(run, f) {
				return run, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
	}
	return nil, nil
}

// since is when a finish run for f can have started: the deployment's end as the monitor saw
// it, so that a run started by hand while the deployment ran (it exits 3) does not count as
// the finish; for an event without finishedAt, the request.
func since(f monitor.Finished) string {
	if f.FinishedAt != "" {
		return f.FinishedAt
	}
	return f.RequestedAt
}

// startedSince checks a listed run against since(f) too, should the listing's filter be
// wider than asked.
func startedSince(run *gh.WorkflowRun, f monitor.Finished) bool {
	at, err := time.Parse(time.RFC3339, since(f))
	if err != nil || run.CreatedAt == nil {
		return true
	}
	return !run.GetCreatedAt().Time.Before(at.Add(-clockSkew))
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
