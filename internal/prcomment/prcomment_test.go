package prcomment

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/github"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/gitlab"
)

// request is a real client on one pull or merge request of a fake API.
type request struct {
	api      API
	comments func() []cifake.Comment // GitLab notes as comments: Number is the iid
	fail     func(route string, code int)
	list     string // the listing route, to make it fail
	find     func() (int64, error)
}

func onGitHub(t *testing.T) request {
	t.Helper()
	fake := cifake.NewGitHub()
	t.Cleanup(fake.Close)
	fake.AddPullRequest("acme/app", 12, "feature/login")
	client, err := github.NewClient(github.Config{APIURL: fake.URL(), Token: "ghs_test"})
	if err != nil {
		t.Fatal(err)
	}
	return request{api: NewGitHub(client, "acme", "app", 12), comments: fake.Comments,
		fail: fake.Fail, list: "GET /repos/{owner}/{repo}/issues/{number}/comments",
		find: func() (int64, error) {
			n, err := FindGitHubPull(context.Background(), client, "acme", "app", "feature/login")
			return int64(n), err
		}}
}

func onGitLab(t *testing.T) request {
	t.Helper()
	fake := cifake.NewGitLab("7", 99, nil)
	t.Cleanup(fake.Close)
	fake.AddMergeRequest("7", 12, "feature/login")
	client, err := gitlab.NewClient(gitlab.Config{BaseURL: fake.URL(), Token: "glpat-test",
		DisableRetries: true})
	if err != nil {
		t.Fatal(err)
	}
	return request{api: NewGitLab(client, "7", 12), fail: fake.Fail,
		list: "GET /api/v4/projects/{project}/merge_requests/{iid}/notes",
		comments: func() []cifake.Comment {
			var out []cifake.Comment
			for _, n := range fake.Notes() {
				out = append(out, cifake.Comment{ID: n.ID, Number: int(n.MR), Body: n.Body,
					Edits: n.Edits})
			}
			return out
		},
		find: func() (int64, error) {
			return FindGitLabMR(context.Background(), client, "7", "feature/login")
		}}
}

var platforms = []struct {
	name  string
	start func(*testing.T) request
}{{"github", onGitHub}, {"gitlab", onGitLab}}

func TestPostCreatesOnceThenEdits(t *testing.T) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			r := p.start(t)
			ctx := context.Background()
			// Someone quoting the marker in a reply does not make theirs the comment to edit.
			if _, err := r.api.Create(ctx, "> "+Marker+"\nlooks good"); err != nil {
				t.Fatal(err)
			}
			first := Body("## ❌ Deployment failed\n", "footer", r.api.MaxBody())
			if _, created, err := Post(ctx, r.api, first); err != nil || !created {
				t.Fatalf("first post: created %t, %v", created, err)
			}
			second := Body("## ✅ Deployment succeeded\n", "footer", r.api.MaxBody())
			if _, created, err := Post(ctx, r.api, second); err != nil || created {
				t.Fatalf("second post: created %t, %v", created, err)
			}
			got := r.comments()
			if len(got) != 2 || got[1].Body != second || got[1].Edits != 1 || got[0].Edits != 0 {
				t.Errorf("comments = %+v", got)
			}
		})
	}
}

func TestPostReportsAPIErrors(t *testing.T) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			r := p.start(t)
			r.fail(r.list, http.StatusForbidden)
			_, _, err := Post(context.Background(), r.api, Body("summary", "footer", 0))
			if err == nil || !strings.Contains(err.Error(), "403") {
				t.Errorf("error %v, want one naming 403", err)
			}
			if n := len(r.comments()); n != 0 {
				t.Errorf("%d comments", n)
			}
		})
	}
}

func TestFindTheRequestOfABranch(t *testing.T) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			if n, err := p.start(t).find(); err != nil || n != 12 {
				t.Errorf("found %d, %v; want 12", n, err)
			}
		})
	}
}

func TestBodyFitsTheLimit(t *testing.T) {
	summary := "## ❌ Deployment failed\n\n| Type | Name |\n| --- | --- |\n" +
		strings.Repeat("| ApexClass | Ä very long name |\n", 200)
	for _, limit := range []int{0, 500, 2000, 100000} {
		body := Body(summary, "<sub>footer</sub>", limit)
		n := utf8.RuneCountInString(body)
		if limit > 0 && n > limit {
			t.Errorf("limit %d: %d characters", limit, n)
		}
		if !strings.HasPrefix(body, Marker+"\n## ❌") ||
			!strings.HasSuffix(body, "<sub>footer</sub>\n") {
			t.Errorf("limit %d: body starts or ends wrong:\n%s", limit, body)
		}
		cut := strings.Contains(body, "The summary is cut here")
		if cut != (limit > 0 && limit < len(summary)) {
			t.Errorf("limit %d: cut %t", limit, cut)
		}
		if cut && !strings.Contains(body, "| ApexClass | Ä very long name |\n\n_The summary") {
			t.Errorf("limit %d: not cut at a line:\n%s", limit, body)
		}
	}
}
