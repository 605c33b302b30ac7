package prcomment

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// gitLabMaxBody is the longest note GitLab accepts.
const gitLabMaxBody = 1_000_000

// GitLab comments on one merge request.
type GitLab struct {
	client  *gl.Client
	project string
	iid     int64
}

var _ API = (*GitLab)(nil)

// NewGitLab returns the API for merge request iid of project (an id or a path).
func NewGitLab(client *gl.Client, project string, iid int64) *GitLab {
	return &GitLab{client: client, project: project, iid: iid}
}

// List returns the merge request's notes that people or tokens wrote, oldest first.
func (g *GitLab) List(ctx context.Context) ([]Comment, error) {
	opts := &gl.ListMergeRequestNotesOptions{ListOptions: gl.ListOptions{PerPage: perPage},
		OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("asc")}
	var out []Comment
	for page := int64(1); page <= maxPages; page++ {
		opts.Page = page
		notes, resp, err := g.client.Notes.ListMergeRequestNotes(g.project, g.iid, opts,
			gl.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("list notes of merge request !%d in project %q: %w", g.iid,
				g.project, err)
		}
		for _, n := range notes {
			if !n.System {
				out = append(out, Comment{ID: n.ID, Body: n.Body})
			}
		}
		if resp.NextPage == 0 {
			break
		}
	}
	return out, nil
}

// Create adds a note.
func (g *GitLab) Create(ctx context.Context, body string) (Comment, error) {
	n, _, err := g.client.Notes.CreateMergeRequestNote(g.project, g.iid,
		&gl.CreateMergeRequestNoteOptions{Body: gl.Ptr(body)}, gl.WithContext(ctx))
	if err != nil {
		return Comment{}, fmt.Errorf("comment on merge request !%d in project %q: %w", g.iid,
			g.project, err)
	}
	return Comment{ID: n.ID, Body: n.Body}, nil
}

// Edit replaces a note's body.
func (g *GitLab) Edit(ctx context.Context, id int64, body string) (Comment, error) {
	n, _, err := g.client.Notes.UpdateMergeRequestNote(g.project, g.iid, id,
		&gl.UpdateMergeRequestNoteOptions{Body: gl.Ptr(body)}, gl.WithContext(ctx))
	if err != nil {
		return Comment{}, fmt.Errorf("edit note %d of merge request !%d in project %q: %w", id,
			g.iid, g.project, err)
	}
	return Comment{ID: n.ID, Body: n.Body}, nil
}

// MaxBody is GitLab's limit.
func (g *GitLab) MaxBody() int { return gitLabMaxBody }

// FindGitLabMR returns the iid of the open merge request from branch of project, or 0 when
// there is none.
func FindGitLabMR(ctx context.Context, client *gl.Client, project, branch string) (int64,
	error) {
	mrs, _, err := client.MergeRequests.ListProjectMergeRequests(project,
		&gl.ListProjectMergeRequestsOptions{State: gl.Ptr("opened"),
			SourceBranch: gl.Ptr(branch), ListOptions: gl.ListOptions{PerPage: 10}},
		gl.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("list the open merge requests of project %q from %q: %w",
			project, branch, err)
	}
	if len(mrs) == 0 {
		return 0, nil
	}
	return mrs[0].IID, nil
}
