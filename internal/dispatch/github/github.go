// Package github triggers the finish workflow on GitHub: a workflow_dispatch of the workflow
// file named in the finished event, with the inputs deployment-id and status, unless a run for
// the deployment already exists.
//
// The idempotency check matches the deployment id in the runs' display titles, so the finish
// workflow must name its runs after the id, for example
// `run-name: finish ${{ inputs.deployment-id }}`.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// DefaultAPIURL is the REST API of github.com.
const DefaultAPIURL = "https://api.github.com"

// Input names the finish workflow must declare.
const (
	InputDeploymentID = "deployment-id"
	InputStatus       = "status"
)

// defaultTimeout bounds each request when the caller gives no HTTP client.
const defaultTimeout = 30 * time.Second

// Config configures the GitHub trigger. It comes from the Lambda's configuration, never from
// a message, so that a forged message cannot send the token elsewhere.
type Config struct {
	// APIURL is the REST API root: https://api.github.com (the default when empty), or a
	// GitHub Enterprise Server's https://HOST/api/v3.
	APIURL string
	// Token is a fine-grained token or GitHub App token with Actions write.
	Token string
	// HTTPClient sends the requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
}

// Dispatcher triggers finish workflows through the GitHub REST API.
type Dispatcher struct {
	client *gh.Client
	token  string
}

var _ dispatch.Trigger = (*Dispatcher)(nil)

// New validates cfg and returns a Dispatcher.
func New(cfg Config) (*Dispatcher, error) {
	client, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return &Dispatcher{client: client, token: cfg.Token}, nil
}

// NewClient validates cfg and returns a REST client with its token, for the dispatcher and
// for the commit statuses and comments that other packages set with the same settings.
func NewClient(cfg Config) (*gh.Client, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("configure github: %w: the token is empty", dispatch.ErrPermanent)
	}
	base, err := apiURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	client, err := gh.NewClient(
		gh.WithHTTPClient(hc),
		gh.WithURLs(&base, &base),
		gh.WithAuthToken(cfg.Token),
	)
	if err != nil {
		return nil, dispatch.Scrub(fmt.Errorf("configure github: %w", err), cfg.Token)
	}
	return client, nil
}

// apiURL checks the configured API URL and gives it the trailing slash go-github wants.
func apiURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("configure github: %w: api url %q must be an http(s) URL "+
			"with a host and no user info, query or fragment", dispatch.ErrPermanent, raw)
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/"
	u.RawPath = ""
	return u.String(), nil
}

// Trigger dispatches the finish workflow for f, or reports the run that already exists.
func (d *Dispatcher) Trigger(ctx context.Context, f monitor.Finished) (dispatch.Outcome, error) {
	out, err := d.trigger(ctx, f)
	return out, dispatch.Scrub(err, d.token)
}

func (d *Dispatcher) trigger(ctx context.Context, f monitor.Finished) (dispatch.Outcome, error) {
	t, err := target(f)
	if err != nil {
		return dispatch.Outcome{}, err
	}

	run, err := d.existingRun(ctx, t, f)
	if err != nil {
		return dispatch.Outcome{}, err
	}
	if run != nil {
		return dispatch.Outcome{
			Action: dispatch.AlreadyDone,
			RunID:  run.GetID(),
			URL:    run.GetHTMLURL(),
			Reason: fmt.Sprintf("run %d is titled %q", run.GetID(), run.GetDisplayTitle()),
		}, nil
	}

	status := f.Status
	if status == "" {
		status = monitor.StatusUnknown
	}
	req := gh.CreateWorkflowDispatchEventRequest{
		Ref:              f.Ref,
		Inputs:           map[string]any{InputDeploymentID: f.DeploymentID, InputStatus: status},
		ReturnRunDetails: new(true),
	}
	details, _, err := d.client.Actions.CreateWorkflowDispatchEventByFileName(
		ctx, t.owner, t.repo, t.workflow, req)
	if err != nil {
		return dispatch.Outcome{}, classify(err, fmt.Sprintf("dispatch workflow %q in %q on %q",
			t.workflow, f.RepoPath, f.Ref), t)
	}
	return dispatch.Outcome{
		Action: dispatch.Dispatched,
		RunID:  details.GetWorkflowRunID(),
		URL:    details.GetHTMLURL(),
	}, nil
}

// dispatchTarget is the validated repository, workflow and ref of an event.
type dispatchTarget struct {
	owner, repo, workflow, ref string
}

var (
	namePattern     = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	workflowPattern = regexp.MustCompile(`^([A-Za-z0-9_.-]+\.ya?ml|[0-9]+)$`)
)

// target validates what f names; every failure is permanent.
func target(f monitor.Finished) (dispatchTarget, error) {
	fail := func(format string, args ...any) (dispatchTarget, error) {
		return dispatchTarget{}, fmt.Errorf("validate finish event for deployment %q: %w: %s",
			f.DeploymentID, dispatch.ErrPermanent, fmt.Sprintf(format, args...))
	}
	if f.DeploymentID == "" {
		return fail("SFDCdeploymentId is empty")
	}
	if f.RepoPath == "" {
		return fail("repoPath is empty; want owner/repo")
	}
	owner, repo, ok := strings.Cut(f.RepoPath, "/")
	if !ok || !validName(owner) || !validName(repo) {
		return fail("repoPath %q is not owner/repo", f.RepoPath)
	}
	if f.Ref == "" {
		return fail("ref is empty; want the branch or tag the finish workflow runs on")
	}
	workflow := f.PipelineFinishJobID
	if workflow == "" {
		workflow = monitor.DefaultFinishWorkflow
	}
	if !workflowPattern.MatchString(workflow) {
		return fail("pipelineFinishJobId %q is not a workflow file name such as %q",
			workflow, monitor.DefaultFinishWorkflow)
	}
	return dispatchTarget{owner: owner, repo: repo, workflow: workflow, ref: f.Ref}, nil
}

func validName(s string) bool {
	return namePattern.MatchString(s) && s != "." && s != ".."
}

// classify wraps a GitHub API error: permanent for what configuration must fix, plain for
// what a later retry may clear.
func classify(err error, what string, t dispatchTarget) error {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Errorf("%s: rate limit exceeded, resets at %s: %w",
			what, rl.Rate.Reset.UTC().Format(time.RFC3339), err)
	}
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &abuse) {
		if d := abuse.GetRetryAfter(); d > 0 {
			return fmt.Errorf("%s: secondary rate limit, retry after %s: %w", what, d, err)
		}
		return fmt.Errorf("%s: secondary rate limit: %w", what, err)
	}
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	code := er.Response.StatusCode
	switch {
	case code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("%s: %w", what, err)
	case code == http.StatusUnauthorized:
		return fmt.Errorf("%s: %w: the token is invalid or expired: %w",
			what, dispatch.ErrPermanent, err)
	case code == http.StatusForbidden:
		return fmt.Errorf("%s: %w: the token needs Actions write on %s/%s: %w",
			what, dispatch.ErrPermanent, t.owner, t.repo, err)
	case code == http.StatusNotFound || code == http.StatusUnprocessableEntity:
		return fmt.Errorf("%s: %w: %s: %w", what, dispatch.ErrPermanent, fixHint(t), err)
	default:
		return fmt.Errorf("%s: %w: %w", what, dispatch.ErrPermanent, err)
	}
}

// fixHint tells what to check when GitHub does not know the workflow, the inputs or the ref.
func fixHint(t dispatchTarget) string {
	return fmt.Sprintf("the workflow file .github/workflows/%s must exist on the default "+
		"branch of %s/%s with a workflow_dispatch trigger and the inputs %s and %s, ref %q "+
		"must exist, and the token needs Actions write",
		t.workflow, t.owner, t.repo, InputDeploymentID, InputStatus, t.ref)
}
