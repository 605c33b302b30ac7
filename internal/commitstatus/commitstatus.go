// Package commitstatus shows a deployment on its commit: a GitHub commit status or a GitLab
// external status on the pipeline, with a one-line description of the progress and a link.
//
// The monitor keeps no state between polls, so what was last shown is read back from the
// platform, and the text is built to change only at meaningful steps: Update posts only when
// the state, the description or the link would change.
package commitstatus

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// The names the statuses are set under: GitHub's context, and GitLab's status name, which
// must differ from every job name of the pipeline (the component's deploy job is called
// sf-async-deploy).
const (
	GitHubContext = "sf-async-deploy"
	GitLabName    = "sf-async-deploy-org"
)

// State is where a deployment stands, in the platform's terms once an API maps it.
type State int

// The states a status can show.
const (
	Queued    State = iota // waiting in the org's deployment queue
	Running                // components deploying or tests running
	Succeeded              // the deployment succeeded
	Failed                 // it failed or partly succeeded
	Canceled               // someone canceled it
	Errored                // the monitor could not tell the outcome
)

// Status is what to show on the commit.
type Status struct {
	State       State
	Description string
	TargetURL   string
}

// Remote is the status the platform holds, its state in the platform's own words.
type Remote struct {
	State       string
	Description string
	TargetURL   string
}

// Limits are what a platform accepts.
type Limits struct {
	// Description and TargetURL are the longest accepted lengths in characters; 0 means
	// no limit.
	Description int
	TargetURL   int
	// FrozenWhileActive: a pending or running status cannot be posted again in the same
	// state (GitLab answers 400), so its description cannot change until the state does.
	FrozenWhileActive bool
}

// API reads and sets the status of one commit under this product's name.
type API interface {
	// Latest returns the newest status of this product's name, and false when none exists.
	Latest(ctx context.Context) (Remote, bool, error)
	// Set posts a status.
	Set(ctx context.Context, s Status) error
	// Wire names a state as the platform does.
	Wire(s State) string
	// Limits returns what the platform accepts.
	Limits() Limits
}

// Update sets want unless the commit already shows it, or cannot show it yet; it reports
// whether it posted. want is fitted to the platform's limits first.
func Update(ctx context.Context, api API, want Status) (bool, error) {
	limits := api.Limits()
	want = Fit(want, limits)
	current, found, err := api.Latest(ctx)
	if err != nil {
		return false, fmt.Errorf("read the commit status: %w", err)
	}
	if found && redundant(current, api.Wire(want.State), want, limits) {
		return false, nil
	}
	if err := api.Set(ctx, want); err != nil {
		return false, fmt.Errorf("set the commit status: %w", err)
	}
	return true, nil
}

// redundant reports whether posting want would change nothing a person sees, or would be
// refused because the platform cannot change an active status in place.
func redundant(current Remote, wire string, want Status, l Limits) bool {
	if current.State == wire && current.Description == want.Description &&
		current.TargetURL == want.TargetURL {
		return true
	}
	if !l.FrozenWhileActive {
		return false
	}
	have, wantRank := activeRank(current.State), activeRank(wire)
	return have > 0 && wantRank > 0 && have >= wantRank
}

// activeRank orders the active states of GitLab's state machine: pending, then running;
// 0 for any other.
func activeRank(wire string) int {
	switch wire {
	case "pending":
		return 1
	case "running":
		return 2
	}
	return 0
}

// Fit cuts the description to the limit, ending it with an ellipsis, and drops a link
// that is too long (a cut link would lead nowhere).
func Fit(s Status, l Limits) Status {
	s.Description = Truncate(s.Description, l.Description)
	if l.TargetURL > 0 && utf8.RuneCountInString(s.TargetURL) > l.TargetURL {
		s.TargetURL = ""
	}
	return s
}

// Truncate returns text of at most limit characters, ending with "…" when it was cut;
// a limit of 0 or less keeps it whole.
func Truncate(text string, limit int) string {
	if limit <= 0 || utf8.RuneCountInString(text) <= limit {
		return text
	}
	runes := []rune(text)
	return string(runes[:limit-1]) + "…"
}
