package gitlab

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

func TestTriggerReadsJobStatus(t *testing.T) {
	tests := []struct {
		status    string
		action    dispatch.Action
		permanent bool
		notReady  bool
	}{
		{status: "manual", action: dispatch.Played},
		{status: "created", notReady: true},
		{status: "scheduled", action: dispatch.AlreadyDone},
		{status: "waiting_for_resource", action: dispatch.AlreadyDone},
		{status: "preparing", action: dispatch.AlreadyDone},
		{status: "pending", action: dispatch.AlreadyDone},
		{status: "running", action: dispatch.AlreadyDone},
		{status: "success", action: dispatch.AlreadyDone},
		{status: "failed", action: dispatch.AlreadyDone},
		{status: "canceling", action: dispatch.AlreadyDone},
		{status: "canceled", action: dispatch.AlreadyDone},
		{status: "skipped", permanent: true},
		{status: "mysterious"},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
			fake.setStatus(finishJobID, tt.status)

			out, err := newDispatcher(t, srv.URL).Trigger(context.Background(), finished())
			wantErr := tt.action == ""
			if (err != nil) != wantErr {
				t.Fatalf("Trigger = %+v, %v; want error %v", out, err, wantErr)
			}
			if out.Action != tt.action {
				t.Errorf("action = %q, want %q", out.Action, tt.action)
			}
			if got := errors.Is(err, dispatch.ErrPermanent); got != tt.permanent {
				t.Errorf("permanent = %v, want %v: %v", got, tt.permanent, err)
			}
			if got := errors.Is(err, dispatch.ErrNotReady); got != tt.notReady {
				t.Errorf("not ready = %v, want %v: %v", got, tt.notReady, err)
			}
			wantPlays := 0
			if tt.action == dispatch.Played {
				wantPlays = 1
			}
			if n := len(fake.calls(http.MethodPost)); n != wantPlays {
				t.Errorf("plays = %d, want %d", n, wantPlays)
			}
		})
	}
}

func TestTriggerPlayedByOtherFirst(t *testing.T) {
	fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
	fake.fail["play"] = failure{http.StatusBadRequest, "error_400_unplayable.json", nil, 0}

	out, err := newDispatcher(t, srv.URL).Trigger(context.Background(), finished())
	if err != nil {
		t.Fatalf("Trigger: %v", err)
	}
	if out.Action != dispatch.AlreadyDone || out.JobID != finishJobID || out.URL != finishURL {
		t.Errorf("outcome = %+v, want already done", out)
	}
}

func TestTriggerClassifiesErrors(t *testing.T) {
	reset := time.Now().Add(time.Minute).UTC().Truncate(time.Second)
	limited := map[string]string{
		"RateLimit-Limit":     "2000",
		"RateLimit-Remaining": "0",
		"RateLimit-Reset":     strconv.FormatInt(reset.Unix(), 10),
		"Retry-After":         "60",
	}
	tests := []struct {
		name      string
		endpoint  string
		fail      failure
		edit      func(f *monitor.Finished)
		permanent bool
		contains  []string
	}{
		{name: "unknown project", edit: func(f *monitor.Finished) { f.RepoPath = "acme/gone" },
			permanent: true,
			contains:  []string{`project "acme/gone"`, "project or pipeline does not exist"}},
		{name: "unknown pipeline", edit: func(f *monitor.Finished) { f.PipelineID = "1" },
			permanent: true, contains: []string{"pipeline 1 ", "does not exist"}},
		{name: "unknown job id", edit: func(f *monitor.Finished) { f.PipelineFinishJobID = "42" },
			permanent: true, contains: []string{"get job 42"}},
		{name: "job of another pipeline",
			edit: func(f *monitor.Finished) {
				f.PipelineFinishJobID = "9876543202"
				f.PipelineID = "2211334400"
			},
			permanent: true, contains: []string{"belongs to pipeline 2211334455, not 2211334400"}},
		{name: "no job of that name",
			edit:      func(f *monitor.Finished) { f.FinishJobName = "finish-it" },
			permanent: true, contains: []string{`no job is named "finish-it"`}},
		{name: "project id of another project",
			edit: func(f *monitor.Finished) {
				f.RepoPath = "acme/salesforce"
				f.ProjectID = "61234567"
			},
			permanent: true, contains: []string{`outside "acme/salesforce"`}},
		{name: "bad token", endpoint: "list", fail: failure{401, "error_401.json", nil, 0},
			permanent: true, contains: []string{"invalid, expired or revoked"}},
		{name: "no right to play", endpoint: "play", fail: failure{403, "error_403.json", nil, 0},
			permanent: true, contains: []string{"needs the api scope", "play job 9876543202"}},
		{name: "server error", endpoint: "list", fail: failure{500, "error_500.json", nil, 0},
			contains: []string{"500"}},
		{name: "play unavailable", endpoint: "play", fail: failure{503, "error_500.json", nil, 0},
			contains: []string{"503"}},
		{name: "rate limited", endpoint: "list", fail: failure{429, "error_429.txt", limited, 0},
			contains: []string{"rate limit exceeded, resets at " + reset.Format(time.RFC3339)}},
		{name: "rate limited, retry after",
			endpoint: "get",
			fail:     failure{429, "error_429.txt", map[string]string{"Retry-After": "30"}, 0},
			edit:     func(f *monitor.Finished) { f.PipelineFinishJobID = "9876543202" },
			contains: []string{"rate limit exceeded, retry after 30s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
			fake.echo = true
			if tt.endpoint != "" {
				fake.fail[tt.endpoint] = tt.fail
			}
			f := finished()
			if tt.edit != nil {
				tt.edit(&f)
			}

			out, err := newDispatcher(t, srv.URL).Trigger(context.Background(), f)
			if err == nil {
				t.Fatalf("Trigger = %+v, want an error", out)
			}
			if got := errors.Is(err, dispatch.ErrPermanent); got != tt.permanent {
				t.Errorf("permanent = %v, want %v: %v", got, tt.permanent, err)
			}
			for _, want := range tt.contains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error holds the token: %q", err)
			}
			if tt.endpoint != "play" && len(fake.calls(http.MethodPost)) != 0 {
				t.Errorf("played although an earlier step failed")
			}
		})
	}
}

func TestTriggerMasksEchoedToken(t *testing.T) {
	fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
	fake.echo = true
	fake.fail["play"] = failure{http.StatusForbidden, "error_403.json", nil, 0}

	_, err := newDispatcher(t, srv.URL).Trigger(context.Background(), finished())
	if err == nil || strings.Contains(err.Error(), testToken) ||
		!strings.Contains(err.Error(), "(sent ***)") {
		t.Errorf("error = %v, want the echoed token masked", err)
	}
}

func TestTriggerRejectsBadEvents(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(f *monitor.Finished)
		field string
	}{
		{"no repository", func(f *monitor.Finished) { f.RepoPath = "" }, "repoPath is empty"},
		{"no pipeline", func(f *monitor.Finished) { f.PipelineID = "" }, "pipelineId is empty"},
		{"bad pipeline", func(f *monitor.Finished) { f.PipelineID = "12a" }, `"12a" is not`},
		{"zero pipeline", func(f *monitor.Finished) { f.PipelineID = "0" }, `"0" is not`},
		{"no deployment", func(f *monitor.Finished) { f.DeploymentID = "" }, "SFDCdeploymentId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
			f := finished()
			tt.edit(&f)

			_, err := newDispatcher(t, srv.URL).Trigger(context.Background(), f)
			if !errors.Is(err, dispatch.ErrPermanent) {
				t.Fatalf("error = %v, want ErrPermanent", err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not mention %q", err, tt.field)
			}
			if n := len(fake.calls(http.MethodGet)) + len(fake.calls(http.MethodPost)); n != 0 {
				t.Errorf("requests = %d, want none", n)
			}
		})
	}
}
