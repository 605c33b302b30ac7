package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
)

// Listing bounds: a page is GitLab's largest, and the pages stop a runaway listing.
const (
	jobsPerPage = 100
	maxJobPages = 20
)

// findJob returns the finish job: by id when the event holds one, else the newest job of
// the pipeline with the finish job's name.
func (d *Dispatcher) findJob(ctx context.Context, t jobTarget) (*gl.Job, error) {
	if t.jobID != 0 {
		job, _, err := d.client.Jobs.GetJob(t.project, t.jobID, gl.WithContext(ctx))
		if err != nil {
			return nil, classify(err, fmt.Sprintf("get job %d in project %q", t.jobID, t.project),
				"project or job")
		}
		if job.Pipeline.ID != t.pipeline {
			return nil, fmt.Errorf("get job %d in project %q: %w: it belongs to pipeline %d, "+
				"not %d", t.jobID, t.project, dispatch.ErrPermanent, job.Pipeline.ID, t.pipeline)
		}
		return job, nil
	}

	what := fmt.Sprintf("list jobs of pipeline %d in project %q", t.pipeline, t.project)
	opts := &gl.ListJobsOptions{
		ListOptions:    gl.ListOptions{PerPage: jobsPerPage},
		IncludeRetried: new(true),
	}
	var newest *gl.Job
	for page := int64(1); page <= maxJobPages; page++ {
		opts.Page = page
		jobs, resp, err := d.client.Jobs.ListPipelineJobs(t.project, t.pipeline, opts,
			gl.WithContext(ctx))
		if err != nil {
			return nil, classify(err, what, "project or pipeline")
		}
		for _, j := range jobs {
			if j.Name == t.jobName && (newest == nil || j.ID > newest.ID) {
				newest = j
			}
		}
		if resp.NextPage == 0 {
			break
		}
	}
	if newest == nil {
		return nil, fmt.Errorf("%s: %w: no job is named %q; set finish-job to the name of "+
			"the pipeline's manual finish job", what, dispatch.ErrPermanent, t.jobName)
	}
	return newest, nil
}

// decide reads the job's status: playable (manual), already started, or not ready yet.
//
// A created job still waits for the jobs it needs (the deploy job) and will turn manual, so
// it is a retryable ErrNotReady. A skipped job will never run: a job it needs failed.
func decide(t jobTarget, job *gl.Job) (dispatch.Outcome, bool, error) {
	done := dispatch.Outcome{Action: dispatch.AlreadyDone, JobID: job.ID, URL: job.WebURL}
	switch job.Status {
	case "manual":
		return dispatch.Outcome{}, true, nil
	case "created":
		return dispatch.Outcome{}, false, fmt.Errorf("play job %d (%q) in project %q: %w: "+
			"it is created, waiting for the jobs it needs", job.ID, job.Name, t.project,
			dispatch.ErrNotReady)
	case "scheduled":
		done.Reason = "finish job is scheduled and starts on its own"
		return done, false, nil
	case "waiting_for_resource", "preparing", "pending", "running",
		"success", "failed", "canceling", "canceled":
		done.Reason = "finish job is " + job.Status
		return done, false, nil
	case "skipped":
		return dispatch.Outcome{}, false, fmt.Errorf("play job %d (%q) in project %q: %w: "+
			"it was skipped because a job it needs failed", job.ID, job.Name, t.project,
			dispatch.ErrPermanent)
	default:
		return dispatch.Outcome{}, false, fmt.Errorf("play job %d (%q) in project %q: "+
			"unknown status %q", job.ID, job.Name, t.project, job.Status)
	}
}

// play starts the manual job; a job that someone played a moment earlier is already done.
func (d *Dispatcher) play(ctx context.Context, t jobTarget, job *gl.Job) (dispatch.Outcome,
	error) {
	played, _, err := d.client.Jobs.PlayJob(t.project, job.ID, &gl.PlayJobOptions{},
		gl.WithContext(ctx))
	if unplayable(err) {
		return dispatch.Outcome{
			Action: dispatch.AlreadyDone,
			JobID:  job.ID,
			URL:    job.WebURL,
			Reason: "finish job was played by someone else first",
		}, nil
	}
	if err != nil {
		return dispatch.Outcome{}, classify(err, fmt.Sprintf("play job %d (%q) in project %q",
			job.ID, job.Name, t.project), "project or job")
	}
	if played == nil || played.ID == 0 {
		played = job
	}
	return dispatch.Outcome{Action: dispatch.Played, JobID: played.ID, URL: played.WebURL}, nil
}

// unplayable reports GitLab's answer to playing a job that is no longer manual.
func unplayable(err error) bool {
	var er *gl.ErrorResponse
	return errors.As(err, &er) && er.StatusCode == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(er.Message), "unplayable")
}

// classify wraps a GitLab API error: permanent for what configuration must fix, plain for
// what a later retry may clear.
func classify(err error, what, missing string) error {
	var er *gl.ErrorResponse
	if !errors.As(err, &er) {
		return fmt.Errorf("%s: %w", what, err)
	}
	switch code := er.StatusCode; {
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("%s: rate limit exceeded%s: %w", what, resetHint(er.Response), err)
	case code >= 500:
		return fmt.Errorf("%s: %w", what, err)
	case code == http.StatusUnauthorized:
		return fmt.Errorf("%s: %w: the token is invalid, expired or revoked: %w",
			what, dispatch.ErrPermanent, err)
	case code == http.StatusForbidden:
		return fmt.Errorf("%s: %w: the token needs the api scope, at least the Developer "+
			"role, and the right to run jobs on the pipeline's ref: %w",
			what, dispatch.ErrPermanent, err)
	case code == http.StatusNotFound:
		return fmt.Errorf("%s: %w: the %s does not exist, or the token cannot see the "+
			"project: %w", what, dispatch.ErrPermanent, missing, err)
	default:
		return fmt.Errorf("%s: %w: %w", what, dispatch.ErrPermanent, err)
	}
}

// resetHint says when a rate limit lifts, from RateLimit-Reset or Retry-After.
func resetHint(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	reset := resp.Header.Get("RateLimit-Reset")
	if v, err := strconv.ParseInt(reset, 10, 64); err == nil && v > 0 {
		return ", resets at " + time.Unix(v, 0).UTC().Format(time.RFC3339)
	}
	after := resp.Header.Get("Retry-After")
	if s, err := strconv.Atoi(after); err == nil && s >= 0 {
		return ", retry after " + (time.Duration(s) * time.Second).String()
	}
	if after != "" {
		return fmt.Sprintf(", retry after %q", after)
	}
	return ""
}
