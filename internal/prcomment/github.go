package prcomment

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v93/github"
)

// Listing bounds: a page is GitHub's largest, and the pages stop a runaway listing.
const (
	perPage  = 100
	maxPages = 20
)

// gitHubMaxBody is the longest comment GitHub accepts.
const gitHubMaxBody = 65536

// GitHub comments on one pull request.
type GitHub struct {
	client      *gh.Client
	owner, repo string
	number      int
}

var _ API = (*GitHub)(nil)

// NewGitHub returns the API for pull request number of owner/repo.
func NewGitHub(client *gh.Client, owner, repo string, number int) *GitHub {
	return &GitHub{client: client, owner: owner, repo: repo, number: number}
}

// List returns the pull request's comments, oldest first.
func (g *GitHub) List(ctx context.Context) ([]Comment, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	var out []Comment
	for page := 1; page <= maxPages; page++ {
		opts.Page = page
		comments, resp, err := g.client.Issues.ListComments(ctx, g.owner, g.repo, g.number,
			opts)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s/%s#%d: %w", g.owner, g.repo,
				g.number, err)
		}
		for _, c := range comments {
			out = append(out, Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL()})
		}
		if resp.NextPage == 0 {
			break
		}
	}
	return out, nil
}

// Create adds a comment.
func (g *GitHub) Create(ctx context.Context, body string) (Comment, error) {
	c, _, err := g.client.Issues.CreateComment(ctx, g.owner, g.repo, g.number,
		gh.IssueCommentRequest{Body: body})
	if err != nil {
		return Comment{}, fmt.Errorf("comment on %s/%s#%d: %w", g.owner, g.repo, g.number, err)
	}
	return Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL()}, nil
}

// Edit replaces a comment's body.
func (g *GitHub) Edit(ctx context.Context, id int64, body string) (Comment, error) {
	c, _, err := g.client.Issues.UpdateComment(ctx, g.owner, g.repo, id,
		gh.IssueCommentRequest{Body: body})
	if err != nil {
		return Comment{}, fmt.Errorf("edit comment %d of %s/%s: %w", id, g.owner, g.repo, err)
	}
	return Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL()}, nil
}

// MaxBody is GitHub's limit.
func (g *GitHub) MaxBody() int { return gitHubMaxBody }

// FindGitHubPull returns the number of the open pull request whose head is branch of
// owner/repo, or 0 when there is none.
func FindGitHubPull(ctx context.Context, client *gh.Client, owner, repo, branch string) (
	int, error) {
	pulls, _, err := client.PullRequests.List(ctx, owner, repo, &gh.PullRequestListOptions{
		State: "open", Head: owner + ":" + branch, ListOptions: gh.ListOptions{PerPage: 10}})
	if err != nil {
		return 0, fmt.Errorf("list the open pull requests of %s/%s from %q: %w", owner, repo,
			branch, err)
	}
	if len(pulls) == 0 {
		return 0, nil
	}
	return pulls[0].GetNumber(), nil
}
