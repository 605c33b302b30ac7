package commitstatus

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// gitLabLimit is GitLab's limit of a status's description and target URL, in characters.
const gitLabLimit = 255

// GitLab sets the external status of one commit on one pipeline. GitLab runs it through
// the state machine of a job: pending, then running, then an end state; a status cannot be
// posted twice in the same active state, so its description changes only with its state.
type GitLab struct {
	client   *gl.Client
	project  string
	sha      string
	pipeline int64
}

var _ API = (*GitLab)(nil)

// NewGitLab returns the API for commit sha of project (an id or a path) on pipeline, or on
// the commit's newest pipeline when pipeline is 0.
func NewGitLab(client *gl.Client, project, sha string, pipeline int64) *GitLab {
	return &GitLab{client: client, project: project, sha: sha, pipeline: pipeline}
}

// Latest reads the commit's newest status of this name on the pipeline.
func (g *GitLab) Latest(ctx context.Context) (Remote, bool, error) {
	opts := &gl.GetCommitStatusesOptions{Name: gl.Ptr(GitLabName),
		ListOptions: gl.ListOptions{PerPage: 100}}
	if g.pipeline != 0 {
		opts.PipelineID = gl.Ptr(g.pipeline)
	}
	statuses, _, err := g.client.Commits.GetCommitStatuses(g.project, g.sha, opts,
		gl.WithContext(ctx))
	if err != nil {
		return Remote{}, false, fmt.Errorf("list the statuses of %s in project %q: %w",
			g.sha, g.project, err)
	}
	var newest *gl.CommitStatus
	for _, s := range statuses {
		if s.Name == GitLabName && (newest == nil || s.ID > newest.ID) {
			newest = s
		}
	}
	if newest == nil {
		return Remote{}, false, nil
	}
	return Remote{State: newest.Status, Description: newest.Description,
		TargetURL: newest.TargetURL}, true, nil
}

// Set posts the status on the pipeline. No ref is sent: a merge request pipeline's ref is
// not the branch, and GitLab takes the pipeline's own.
func (g *GitLab) Set(ctx context.Context, s Status) error {
	opts := &gl.SetCommitStatusOptions{State: gl.BuildStateValue(g.Wire(s.State)),
		Name: gl.Ptr(GitLabName), Description: gl.Ptr(s.Description)}
	if s.TargetURL != "" {
		opts.TargetURL = gl.Ptr(s.TargetURL)
	}
	if g.pipeline != 0 {
		opts.PipelineID = gl.Ptr(g.pipeline)
	}
	if _, _, err := g.client.Commits.SetCommitStatus(g.project, g.sha, opts,
		gl.WithContext(ctx)); err != nil {
		return fmt.Errorf("set the status of %s in project %q: %w", g.sha, g.project, err)
	}
	return nil
}

// Wire names the state: pending, running, success, failed or canceled.
func (g *GitLab) Wire(s State) string {
	switch s {
	case Queued:
		return string(gl.Pending)
	case Running:
		return string(gl.Running)
	case Succeeded:
		return string(gl.Success)
	case Canceled:
		return string(gl.Canceled)
	}
	return string(gl.Failed)
}

// Limits returns GitLab's: 255 characters each, active statuses frozen in their state.
func (g *GitLab) Limits() Limits {
	return Limits{Description: gitLabLimit, TargetURL: gitLabLimit, FrozenWhileActive: true}
}
