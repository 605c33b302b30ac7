package commitstatus

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v93/github"
)

// gitHubDescription is the longest description posted: GitHub refuses one of more than 140
// characters with 422.
const gitHubDescription = 139

// GitHub sets the commit status of one commit of one repository.
type GitHub struct {
	client           *gh.Client
	owner, repo, sha string
}

var _ API = (*GitHub)(nil)

// NewGitHub returns the API for commit sha of owner/repo.
func NewGitHub(client *gh.Client, owner, repo, sha string) *GitHub {
	return &GitHub{client: client, owner: owner, repo: repo, sha: sha}
}

// Latest reads the commit's combined status, which holds the newest status of each context.
func (g *GitHub) Latest(ctx context.Context) (Remote, bool, error) {
	combined, _, err := g.client.Repositories.GetCombinedStatus(ctx, g.owner, g.repo, g.sha,
		&gh.ListOptions{PerPage: 100})
	if err != nil {
		return Remote{}, false, fmt.Errorf("get the combined status of %s in %s/%s: %w",
			g.sha, g.owner, g.repo, err)
	}
	for _, s := range combined.Statuses {
		if s.GetContext() == GitHubContext {
			return Remote{State: s.GetState(), Description: s.GetDescription(),
				TargetURL: s.GetTargetURL()}, true, nil
		}
	}
	return Remote{}, false, nil
}

// Set creates a status of the context; GitHub shows the newest one.
func (g *GitHub) Set(ctx context.Context, s Status) error {
	status := gh.RepoStatus{State: new(g.Wire(s.State)), Context: new(GitHubContext),
		Description: new(s.Description)}
	if s.TargetURL != "" {
		status.TargetURL = new(s.TargetURL)
	}
	if _, _, err := g.client.Repositories.CreateStatus(ctx, g.owner, g.repo, g.sha,
		status); err != nil {
		return fmt.Errorf("create a status on %s in %s/%s: %w", g.sha, g.owner, g.repo, err)
	}
	return nil
}

// Wire names the state: GitHub has pending, success, failure and error.
func (g *GitHub) Wire(s State) string {
	switch s {
	case Succeeded:
		return "success"
	case Failed, Canceled:
		return "failure"
	case Errored:
		return "error"
	}
	return "pending"
}

// Limits returns GitHub's: a short description, any link, statuses replaceable in place.
func (g *GitHub) Limits() Limits { return Limits{Description: gitHubDescription} }
