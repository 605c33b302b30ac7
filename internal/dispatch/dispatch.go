// Package dispatch triggers the CI finish job once a deployment has finished: on GitHub by a
// workflow_dispatch of the finish workflow (package dispatch/github), on GitLab by playing the
// pipeline's manual finish job (package dispatch/gitlab).
//
// A trigger returns an Outcome for the caller to log, or an error. An error that wraps
// ErrPermanent will not go away by retrying (bad message, bad configuration, missing
// permission); any other error is worth retrying later.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// ErrPermanent marks an error that retrying cannot fix: the message or the configuration
// must change first.
var ErrPermanent = errors.New("permanent error")

// ErrNotReady marks a finish job that cannot be started yet but will be later; it is
// retryable and never wraps ErrPermanent.
var ErrNotReady = errors.New("finish job not ready")

// Trigger starts the finish job for a finished deployment.
type Trigger interface {
	Trigger(ctx context.Context, f monitor.Finished) (Outcome, error)
}

// Action names what a trigger did.
type Action string

// The actions a trigger reports.
const (
	// Dispatched: a workflow_dispatch created a new GitHub run.
	Dispatched Action = "dispatched"
	// Played: a manual GitLab job was started.
	Played Action = "played"
	// AlreadyDone: the finish job was already started, so nothing was done.
	AlreadyDone Action = "already-done"
)

// Outcome describes what a trigger did, enough for one log line.
type Outcome struct {
	Action Action
	// RunID is the GitHub workflow run id, when GitHub returned or listed it.
	RunID int64
	// JobID is the GitLab job id.
	JobID int64
	// URL is the run's or the job's web page, when known.
	URL string
	// Reason says why nothing was started (AlreadyDone only).
	Reason string
}

// String renders the outcome as one short line.
func (o Outcome) String() string {
	parts := []string{string(o.Action)}
	if o.RunID != 0 {
		parts = append(parts, fmt.Sprintf("run %d", o.RunID))
	}
	if o.JobID != 0 {
		parts = append(parts, fmt.Sprintf("job %d", o.JobID))
	}
	if o.URL != "" {
		parts = append(parts, o.URL)
	}
	if o.Reason != "" {
		parts = append(parts, "("+o.Reason+")")
	}
	return strings.Join(parts, " ")
}

// Router hands each event to the trigger for its CI system (Finished.CI).
type Router struct {
	GitHub Trigger
	GitLab Trigger
}

var _ Trigger = Router{}

// Trigger calls the GitHub or the GitLab trigger according to f.CI.
func (r Router) Trigger(ctx context.Context, f monitor.Finished) (Outcome, error) {
	var t Trigger
	switch f.CI {
	case monitor.CIGitHub:
		t = r.GitHub
	case monitor.CIGitLab:
		t = r.GitLab
	default:
		return Outcome{}, fmt.Errorf("route deployment %q: %w: ci is %q, want %q or %q",
			f.DeploymentID, ErrPermanent, f.CI, monitor.CIGitHub, monitor.CIGitLab)
	}
	if t == nil {
		return Outcome{}, fmt.Errorf("route deployment %q: %w: no %s token is configured",
			f.DeploymentID, ErrPermanent, f.CI)
	}
	return t.Trigger(ctx, f)
}

// Scrub returns err with every occurrence of secret in its message replaced by "***";
// errors.Is and errors.As still see the original chain. A nil err stays nil.
func Scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &scrubbed{err: err, msg: strings.ReplaceAll(err.Error(), secret, "***")}
}

type scrubbed struct {
	err error
	msg string
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }
