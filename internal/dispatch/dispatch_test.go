package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// fakeTrigger records the events it is given.
type fakeTrigger struct {
	name   string
	events []monitor.Finished
}

var _ Trigger = (*fakeTrigger)(nil)

func (f *fakeTrigger) Trigger(_ context.Context, e monitor.Finished) (Outcome, error) {
	f.events = append(f.events, e)
	return Outcome{Action: Dispatched, Reason: f.name}, nil
}

func TestRouter(t *testing.T) {
	tests := []struct {
		name      string
		ci        string
		noGitLab  bool
		want      string
		permanent bool
	}{
		{name: "github", ci: monitor.CIGitHub, want: "github"},
		{name: "gitlab", ci: monitor.CIGitLab, want: "gitlab"},
		{name: "empty", ci: "", permanent: true},
		{name: "unknown", ci: "jenkins", permanent: true},
		{name: "not configured", ci: monitor.CIGitLab, noGitLab: true, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh, gl := &fakeTrigger{name: "github"}, &fakeTrigger{name: "gitlab"}
			r := Router{GitHub: gh, GitLab: gl}
			if tt.noGitLab {
				r.GitLab = nil
			}
			f := monitor.Finished{Request: monitor.Request{CI: tt.ci, DeploymentID: "0Af1"}}

			out, err := r.Trigger(context.Background(), f)
			if got := errors.Is(err, ErrPermanent); got != tt.permanent {
				t.Fatalf("permanent = %v, want %v: %v", got, tt.permanent, err)
			}
			if out.Reason != tt.want {
				t.Errorf("routed to %q, want %q", out.Reason, tt.want)
			}
			if n := len(gh.events) + len(gl.events); (n == 1) != (tt.want != "") {
				t.Errorf("triggers called %d times", n)
			}
		})
	}
}

func TestOutcomeString(t *testing.T) {
	tests := []struct {
		out  Outcome
		want string
	}{
		{Outcome{Action: Dispatched, RunID: 7, URL: "https://github.com/a/b/actions/runs/7"},
			"dispatched run 7 https://github.com/a/b/actions/runs/7"},
		{Outcome{Action: Played, JobID: 9, URL: "https://gitlab.com/a/b/-/jobs/9"},
			"played job 9 https://gitlab.com/a/b/-/jobs/9"},
		{Outcome{Action: AlreadyDone, JobID: 9, Reason: "finish job is pending"},
			"already-done job 9 (finish job is pending)"},
		{Outcome{Action: Dispatched}, "dispatched"},
	}
	for _, tt := range tests {
		if got := tt.out.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestScrub(t *testing.T) {
	cause := fmt.Errorf("call api: %w", ErrPermanent)
	err := Scrub(fmt.Errorf("sent token s3cr3t-token: %w", cause), "s3cr3t-token")
	if strings.Contains(err.Error(), "s3cr3t-token") || !strings.Contains(err.Error(), "***") {
		t.Errorf("Scrub = %q", err)
	}
	if !errors.Is(err, ErrPermanent) {
		t.Errorf("Scrub lost the chain: %v", err)
	}
	if Scrub(nil, "x") != nil {
		t.Errorf("Scrub(nil) is not nil")
	}
	if clean := errors.New("clean"); Scrub(clean, "s3cr3t-token") != clean {
		t.Errorf("Scrub changed an error without the secret")
	}
}
