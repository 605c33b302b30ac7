package commitstatus

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/github"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/gitlab"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

const (
	sha       = "5f1c9e2d"
	deployURL = "https://acme.my.salesforce.com/lightning/setup/DeployStatus/page"
	runURL    = "https://github.com/acme/app/actions/runs/9001"
)

// platform is a real client against one fake API, and what that fake received.
type platform struct {
	api    API
	posted func() []string // "state|description|target URL" of every accepted post
	fail   func(route string, code int)
}

// Routes of the fakes that tests make fail.
const (
	ghPost = "POST /repos/{owner}/{repo}/statuses/{sha}"
	ghRead = "GET /repos/{owner}/{repo}/commits/{ref}/status"
	glPost = "POST /api/v4/projects/{project}/statuses/{sha}"
	glRead = "GET /api/v4/projects/{project}/repository/commits/{sha}/statuses"
)

func onGitHub(t *testing.T) platform {
	t.Helper()
	fake := cifake.NewGitHub()
	t.Cleanup(fake.Close)
	client, err := github.NewClient(github.Config{APIURL: fake.URL(), Token: "ghs_test"})
	if err != nil {
		t.Fatal(err)
	}
	return platform{api: NewGitHub(client, "acme", "app", sha), fail: fake.Fail,
		posted: func() []string {
			var out []string
			for _, s := range fake.Statuses() {
				if s.Repo != "acme/app" || s.SHA != sha || s.Context != GitHubContext {
					t.Errorf("status on %s %s as %q", s.Repo, s.SHA, s.Context)
				}
				out = append(out, s.State+"|"+s.Description+"|"+s.TargetURL)
			}
			return out
		}}
}

func onGitLab(t *testing.T) platform {
	t.Helper()
	fake := cifake.NewGitLab("7", 99, nil)
	t.Cleanup(fake.Close)
	client, err := gitlab.NewClient(gitlab.Config{BaseURL: fake.URL(), Token: "glpat-test",
		DisableRetries: true})
	if err != nil {
		t.Fatal(err)
	}
	return platform{api: NewGitLab(client, "7", sha, 99), fail: fake.Fail,
		posted: func() []string {
			var out []string
			for _, s := range fake.Posts() {
				if s.Project != "7" || s.SHA != sha || s.Pipeline != 99 || s.Name != GitLabName {
					t.Errorf("status %+v", s)
				}
				out = append(out, s.State+"|"+s.Description+"|"+s.TargetURL)
			}
			return out
		}}
}

// reads is a deployment polled from Pending to its end, some reads showing nothing new.
var reads = []salesforce.DeployResult{
	{Status: salesforce.StatusPending},
	{Status: salesforce.StatusPending},
	running(2, 5, 0, 0, 0),
	running(2, 5, 0, 0, 0),
	running(5, 5, 0, 0, 0),
	running(5, 5, 2, 4, 0),
}

var failedFinish = monitor.Finished{Status: "Failed", ComponentsDeployed: 5,
	ComponentsTotal: 5, TestsCompleted: 3, TestsTotal: 4, TestErrors: 1}

func TestUpdateFromPendingToFailed(t *testing.T) {
	pending := "|Pending: waiting in the org's deployment queue|" + deployURL
	comps2 := "|InProgress: 2/5 components, tests to follow|" + deployURL
	comps5 := "|InProgress: 5/5 components, tests to follow|" + deployURL
	tests2 := "|InProgress: 5/5 components, 2/4 tests|" + deployURL
	failed := "|Failed: 5/5 components, 3/4 tests (1 failed)|" + runURL
	for _, c := range []struct {
		name  string
		start func(*testing.T) platform
		posts []bool // per read, whether it posts
		want  []string
	}{
		{"github", onGitHub, []bool{true, false, true, false, true, true},
			[]string{"pending" + pending, "pending" + comps2, "pending" + comps5,
				"pending" + tests2, "failure" + failed}},
		// GitLab cannot change a running status's description: it shows the first one.
		{"gitlab", onGitLab, []bool{true, false, true, false, false, false},
			[]string{"pending" + pending, "running" + comps2, "failed" + failed}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.start(t)
			for i, s := range reads {
				posted, err := Update(context.Background(), p.api, Progress(s, deployURL))
				if err != nil || posted != c.posts[i] {
					t.Errorf("read %d: posted %t, %v; want %t", i, posted, err, c.posts[i])
				}
			}
			for range 2 { // a redelivered finish event shows nothing new
				if _, err := Update(context.Background(), p.api,
					Outcome(failedFinish, runURL)); err != nil {
					t.Fatal(err)
				}
			}
			if got := p.posted(); !slices.Equal(got, c.want) {
				t.Errorf("posted:\n%s\nwant:\n%s", strings.Join(got, "\n"),
					strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestUpdateFitsTheLimits(t *testing.T) {
	reason := strings.Repeat("the org kept answering 503 ", 12)
	longURL := runURL + "?" + strings.Repeat("x", 300)
	for _, c := range []struct {
		name     string
		start    func(*testing.T) platform
		length   int
		keepsURL bool
	}{
		{"github", onGitHub, 139, true},
		{"gitlab", onGitLab, 255, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.start(t)
			f := monitor.Finished{Status: monitor.StatusUnknown, Reason: reason}
			if _, err := Update(context.Background(), p.api, Outcome(f, longURL)); err != nil {
				t.Fatal(err)
			}
			got := p.posted()
			if len(got) != 1 {
				t.Fatalf("posted %q", got)
			}
			parts := strings.Split(got[0], "|")
			if n := len([]rune(parts[1])); n != c.length || !strings.HasSuffix(parts[1], "…") {
				t.Errorf("description of %d characters: %q", n, parts[1])
			}
			if (parts[2] == longURL) != c.keepsURL || (!c.keepsURL && parts[2] != "") {
				t.Errorf("target URL %q", parts[2])
			}
		})
	}
}

func TestUpdateReportsAPIErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		start func(*testing.T) platform
		route string
		code  int
	}{
		{"github refuses the post", onGitHub, ghPost, http.StatusForbidden},
		{"github cannot read back", onGitHub, ghRead, http.StatusInternalServerError},
		{"gitlab refuses the post", onGitLab, glPost, http.StatusForbidden},
		{"gitlab cannot read back", onGitLab, glRead, http.StatusTooManyRequests},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.start(t)
			p.fail(c.route, c.code)
			posted, err := Update(context.Background(), p.api, Progress(reads[0], deployURL))
			if err == nil || posted || !strings.Contains(err.Error(), fmt.Sprint(c.code)) {
				t.Errorf("posted %t, error %v; want an error naming %d", posted, err, c.code)
			}
			if got := p.posted(); len(got) != 0 {
				t.Errorf("posted %q", got)
			}
		})
	}
}
