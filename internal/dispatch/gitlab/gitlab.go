// Package gitlab triggers the finish job on GitLab: it finds the pipeline's finish job and
// plays it when, and only when, the job is waiting as manual. Playing a finished job would run
// it again, so a redelivered event finds the job pending, running or finished and plays
// nothing.
package gitlab

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// DefaultBaseURL is gitlab.com.
const DefaultBaseURL = "https://gitlab.com"

// Client defaults for production: bounded retries of idempotent requests (reads) on network
// errors, 429 and 5xx, with short waits; EventBridge retries the whole Lambda after that.
const (
	defaultTimeout = 30 * time.Second
	retryMax       = 2
	retryWaitMin   = 500 * time.Millisecond
	retryWaitMax   = 2 * time.Second
)

// Config configures the GitLab trigger. It comes from the Lambda's configuration, never from
// a message, so that a forged message cannot send the token elsewhere.
type Config struct {
	// BaseURL is the GitLab instance, with or without the /api/v4 suffix; empty means
	// https://gitlab.com.
	BaseURL string
	// Token is a personal, project or group access token with the api scope.
	Token string
	// HTTPClient sends the requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// DisableRetries turns off the client's own retries (tests set it).
	DisableRetries bool
}

// Dispatcher plays finish jobs through the GitLab REST API.
type Dispatcher struct {
	client *gl.Client
	token  string
	root   string // the instance's path prefix in web URLs: "" on gitlab.com
}

var _ dispatch.Trigger = (*Dispatcher)(nil)

// New validates cfg and returns a Dispatcher.
func New(cfg Config) (*Dispatcher, error) {
	client, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	_, root, _ := baseURL(cfg.BaseURL) // NewClient has checked it
	return &Dispatcher{client: client, token: cfg.Token, root: root}, nil
}

// NewClient validates cfg and returns a REST client with its token, for the dispatcher and
// for the commit statuses and notes that other packages set with the same settings.
func NewClient(cfg Config) (*gl.Client, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("configure gitlab: %w: the token is empty", dispatch.ErrPermanent)
	}
	base, _, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	opts := []gl.ClientOptionFunc{
		gl.WithURLWarningLogger(slog.New(slog.DiscardHandler)),
		gl.WithBaseURL(base),
		gl.WithHTTPClient(hc),
	}
	if cfg.DisableRetries {
		opts = append(opts, gl.WithoutRetries())
	} else {
		opts = append(opts, gl.WithOnlyIdempotentRetries(), gl.WithCustomRetryMax(retryMax),
			gl.WithCustomBackoff(backoff))
	}
	client, err := gl.NewClient(cfg.Token, opts...)
	if err != nil {
		return nil, dispatch.Scrub(fmt.Errorf("configure gitlab: %w", err), cfg.Token)
	}
	return client, nil
}

// baseURL checks the configured instance URL and returns it with the /api/v4/ suffix, and
// the instance's own path prefix.
func baseURL(raw string) (string, string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("configure gitlab: %w: url %q must be an http(s) URL "+
			"with a host and no user info, query or fragment", dispatch.ErrPermanent, raw)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v4")
	u.Path = p + "/api/v4/"
	u.RawPath = ""
	return u.String(), p, nil
}

// backoff waits a little longer on each retry, ignoring the server's reset time: a long
// wait is better spent by EventBridge than inside a billed Lambda.
func backoff(_, _ time.Duration, attempt int, _ *http.Response) time.Duration {
	d := retryWaitMin << attempt
	if d <= 0 || d > retryWaitMax {
		return retryWaitMax
	}
	return d
}

// Trigger plays the finish job of f's pipeline, or reports why it need not be played.
func (d *Dispatcher) Trigger(ctx context.Context, f monitor.Finished) (dispatch.Outcome, error) {
	out, err := d.trigger(ctx, f)
	return out, dispatch.Scrub(err, d.token)
}

func (d *Dispatcher) trigger(ctx context.Context, f monitor.Finished) (dispatch.Outcome, error) {
	t, err := target(f)
	if err != nil {
		return dispatch.Outcome{}, err
	}
	job, err := d.findJob(ctx, t)
	if err != nil {
		return dispatch.Outcome{}, err
	}
	if err := d.checkProject(t, job); err != nil {
		return dispatch.Outcome{}, err
	}
	out, playable, err := decide(t, job)
	if err != nil || !playable {
		return out, err
	}
	return d.play(ctx, t, job)
}

// jobTarget is the validated project, pipeline and finish job of an event.
type jobTarget struct {
	project  string // the project id, or its path
	repoPath string
	pipeline int64
	jobID    int64 // zero: find the job by name
	jobName  string
}

// target validates what f names; every failure is permanent.
func target(f monitor.Finished) (jobTarget, error) {
	fail := func(format string, args ...any) (jobTarget, error) {
		return jobTarget{}, fmt.Errorf("validate finish event for deployment %q: %w: %s",
			f.DeploymentID, dispatch.ErrPermanent, fmt.Sprintf(format, args...))
	}
	if f.DeploymentID == "" {
		return fail("SFDCdeploymentId is empty")
	}
	if f.RepoPath == "" {
		return fail("repoPath is empty; want the project's path, group/project")
	}
	if f.PipelineID == "" {
		return fail("pipelineId is empty; want the deploy job's CI_PIPELINE_ID")
	}
	pipeline, err := strconv.ParseInt(f.PipelineID, 10, 64)
	if err != nil || pipeline <= 0 {
		return fail("pipelineId %q is not a pipeline id", f.PipelineID)
	}
	t := jobTarget{project: f.RepoPath, repoPath: f.RepoPath, pipeline: pipeline}
	if f.ProjectID != "" {
		t.project = f.ProjectID
	}
	if id, err := strconv.ParseInt(f.PipelineFinishJobID, 10, 64); err == nil && id > 0 {
		t.jobID = id
	}
	t.jobName = f.FinishJobName
	if t.jobName == "" {
		t.jobName = monitor.DefaultFinishJobName
	}
	return t, nil
}

// checkProject makes sure a project id names the project of repoPath, the name the Lambda's
// repository allowlist checked: the job's web URL must be under that project's path.
func (d *Dispatcher) checkProject(t jobTarget, job *gl.Job) error {
	if t.project == t.repoPath {
		return nil
	}
	want := strings.ToLower(d.root + "/" + t.repoPath + "/-/jobs/")
	u, err := url.Parse(job.WebURL)
	if err != nil || !strings.HasPrefix(strings.ToLower(u.Path), want) {
		return fmt.Errorf("check project %q: %w: its job %d is at %q, outside %q",
			t.project, dispatch.ErrPermanent, job.ID, job.WebURL, t.repoPath)
	}
	return nil
}
