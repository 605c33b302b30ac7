package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/ci"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/github"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/gitlab"
	"github.com/sf-async-deploy/sf-async-deploy/internal/prcomment"
)

// commentOptions are finish's options for the summary comment on the pull or merge request.
var commentOptions = []option{
	{name: "github-token", usage: "GitHub: a token that may comment on pull requests " +
		"(GITHUB_TOKEN with pull-requests: write); finish then posts its summary on the " +
		"pull request", secret: true},
	{name: "gitlab-token", usage: "GitLab: a token with the api scope; finish then posts " +
		"its summary on the merge request", secret: true},
	{name: "pull-request", usage: "the pull or merge request to comment on, by number " +
		"(default: the run's own, or the open one from the run's branch)"},
}

// commentTimeout bounds the whole comment: finding the request, listing, posting.
const commentTimeout = 30 * time.Second

// commentPlan is the validated comment part of a finish.
type commentPlan struct {
	githubToken string
	gitlabToken string
	number      int64 // 0: find it from the CI environment
}

func readCommentPlan(o *options) (commentPlan, error) {
	p := commentPlan{githubToken: o.str("github-token"), gitlabToken: o.str("gitlab-token")}
	if v := o.str("pull-request"); v != "" {
		n, err := strconv.ParseInt(strings.TrimLeft(v, "#!"), 10, 64)
		if err != nil || n <= 0 {
			return p, usageErrorf("option pull-request: %q is not a pull or merge request "+
				"number, such as 12", v)
		}
		p.number = n
	}
	return p, nil
}

// commentTarget is the comment API of one pull or merge request, and how to name it.
type commentTarget struct {
	api    prcomment.API
	name   string
	footer string
}

// comment posts the summary on the pull or merge request, or edits the comment posted
// there before. A failure is a warning: the comment never changes finish's outcome.
func (r *run) comment(ctx context.Context, p commentPlan, resultsDir string) {
	ctx, cancel := context.WithTimeout(ctx, commentTimeout)
	defer cancel()
	target, err := r.commentTarget(ctx, p)
	if err != nil {
		r.out.Warnf("no summary comment: %s", err)
		return
	}
	if target == nil {
		return
	}
	summary, err := os.ReadFile(filepath.Join(resultsDir, "summary.md"))
	if err != nil {
		r.out.Warnf("no summary comment: read summary.md: %s", err)
		return
	}
	body := prcomment.Body(string(summary), target.footer, target.api.MaxBody())
	c, created, err := prcomment.Post(ctx, target.api, body)
	if err != nil {
		r.out.Warnf("no summary comment on %s: %s", target.name, err)
		return
	}
	verb := "Updated the summary comment"
	if created {
		verb = "Posted the summary comment"
	}
	r.out.Printf("%s on %s %s", verb, target.name, c.URL)
}

// commentTarget finds the request to comment on; nil without a token for this platform,
// or when the run belongs to no open request.
func (r *run) commentTarget(ctx context.Context, p commentPlan) (*commentTarget, error) {
	switch {
	case r.out.Kind() == ci.GitHub && p.githubToken != "":
		return r.githubTarget(ctx, p)
	case r.out.Kind() == ci.GitLab && p.gitlabToken != "":
		return r.gitlabTarget(ctx, p)
	case p.githubToken != "" || p.gitlabToken != "":
		r.out.Printf("No summary comment: the token given is not for this CI platform")
	}
	return nil, nil
}

func (r *run) githubTarget(ctx context.Context, p commentPlan) (*commentTarget, error) {
	getenv := r.env.Getenv
	owner, repo, ok := strings.Cut(getenv("GITHUB_REPOSITORY"), "/")
	if !ok {
		return nil, fmt.Errorf("GITHUB_REPOSITORY %q is not owner/repo",
			getenv("GITHUB_REPOSITORY"))
	}
	client, err := github.NewClient(github.Config{APIURL: getenv("GITHUB_API_URL"),
		Token: p.githubToken, HTTPClient: r.env.HTTPClient})
	if err != nil {
		return nil, err
	}
	number := cmp.Or(p.number, eventPullRequest(getenv))
	if branch := githubBranch(getenv); number == 0 && branch != "" {
		n, err := prcomment.FindGitHubPull(ctx, client, owner, repo, branch)
		if err != nil {
			return nil, err
		}
		number = int64(n)
	}
	if number == 0 {
		r.out.Printf("No summary comment: this run belongs to no open pull request")
		return nil, nil
	}
	footer := commentFooter(fmt.Sprintf("%s/%s/actions/runs/%s", getenv("GITHUB_SERVER_URL"),
		getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")), getenv("GITHUB_RUN_ID") != "")
	return &commentTarget{api: prcomment.NewGitHub(client, owner, repo, int(number)),
		name: fmt.Sprintf("pull request #%d", number), footer: footer}, nil
}

// pullRef matches the ref of a pull request's merge commit.
var pullRef = regexp.MustCompile(`^refs/pull/([0-9]+)/(merge|head)$`)

// eventPullRequest is the pull request of a run started by a pull request event, or 0.
func eventPullRequest(getenv func(string) string) int64 {
	if m := pullRef.FindStringSubmatch(getenv("GITHUB_REF")); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return n
	}
	if !strings.HasPrefix(getenv("GITHUB_EVENT_NAME"), "pull_request") {
		return 0
	}
	raw, err := os.ReadFile(getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return 0
	}
	var event struct {
		Number      int64 `json:"number"`
		PullRequest struct {
			Number int64 `json:"number"`
		} `json:"pull_request"`
	}
	if json.Unmarshal(raw, &event) != nil {
		return 0
	}
	return cmp.Or(event.PullRequest.Number, event.Number)
}

// githubBranch is the branch the run is on, such as the dispatched finish run's ref, which
// deploy set to the pull request's head branch; "" for a tag.
func githubBranch(getenv func(string) string) string {
	if head := getenv("GITHUB_HEAD_REF"); head != "" {
		return head
	}
	if getenv("GITHUB_REF_TYPE") == "tag" || strings.HasPrefix(getenv("GITHUB_REF"),
		"refs/tags/") {
		return ""
	}
	return getenv("GITHUB_REF_NAME")
}

func (r *run) gitlabTarget(ctx context.Context, p commentPlan) (*commentTarget, error) {
	getenv := r.env.Getenv
	project := cmp.Or(getenv("CI_PROJECT_ID"), getenv("CI_PROJECT_PATH"))
	if project == "" {
		return nil, fmt.Errorf("CI_PROJECT_ID is not set")
	}
	client, err := gitlab.NewClient(gitlab.Config{
		BaseURL: cmp.Or(getenv("CI_API_V4_URL"), getenv("CI_SERVER_URL")),
		Token:   p.gitlabToken, HTTPClient: r.env.HTTPClient})
	if err != nil {
		return nil, err
	}
	iid := p.number
	if iid == 0 {
		iid, _ = strconv.ParseInt(getenv("CI_MERGE_REQUEST_IID"), 10, 64)
	}
	if branch := getenv("CI_COMMIT_BRANCH"); iid == 0 && branch != "" {
		if iid, err = prcomment.FindGitLabMR(ctx, client, project, branch); err != nil {
			return nil, err
		}
	}
	if iid == 0 {
		r.out.Printf("No summary comment: this pipeline belongs to no open merge request")
		return nil, nil
	}
	return &commentTarget{api: prcomment.NewGitLab(client, project, iid),
		name:   fmt.Sprintf("merge request !%d", iid),
		footer: commentFooter(getenv("CI_JOB_URL"), getenv("CI_JOB_URL") != "")}, nil
}

// commentFooter says where the comment comes from and that it is kept up to date.
func commentFooter(runURL string, known bool) string {
	from := "the finish job"
	if known {
		from = "[the finish job](<" + runURL + ">)"
	}
	return "<sub>Posted by sf-async-deploy from " + from + "; the next finish of this " +
		"request updates this comment.</sub>"
}
