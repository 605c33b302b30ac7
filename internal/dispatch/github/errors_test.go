package github

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

func TestTriggerClassifiesErrors(t *testing.T) {
	reset := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Second)
	rateHeaders := map[string]string{
		"X-RateLimit-Limit":     "5000",
		"X-RateLimit-Remaining": "0",
		"X-RateLimit-Reset":     strconv.FormatInt(reset.Unix(), 10),
		"X-RateLimit-Resource":  "core",
	}
	tests := []struct {
		name      string
		endpoint  string
		fail      failure
		permanent bool
		contains  []string
	}{
		{"unknown input", "dispatch", failure{422, "error_422_inputs.json", nil}, true,
			[]string{"inputs deployment-id and status", "default branch", "422"}},
		{"unknown ref", "dispatch", failure{422, "error_422_ref.json", nil}, true,
			[]string{`ref "main" must exist`, "No ref found"}},
		{"workflow not found", "dispatch", failure{404, "error_404.json", nil}, true,
			[]string{".github/workflows/sf-async-deploy-finish.yml must exist", "Actions write"}},
		{"listing not found", "list", failure{404, "error_404.json", nil}, true,
			[]string{"list runs of workflow", "must exist on the default branch"}},
		{"bad credentials", "dispatch", failure{401, "error_401.json", nil}, true,
			[]string{"invalid or expired"}},
		{"no actions write", "dispatch", failure{403, "error_403_forbidden.json", nil}, true,
			[]string{"needs Actions write on acme/app"}},
		{"server error", "dispatch", failure{500, "error_500.json", nil}, false,
			[]string{"500"}},
		{"bad gateway on listing", "list", failure{502, "error_500.json", nil}, false,
			[]string{"502"}},
		{"primary rate limit", "list", failure{403, "error_403_rate_limit.json", rateHeaders},
			false, []string{"rate limit exceeded, resets at " + reset.Format(time.RFC3339)}},
		{"secondary rate limit", "dispatch", failure{429, "error_secondary_rate_limit.json",
			map[string]string{"Retry-After": "60"}}, false,
			[]string{"secondary rate limit, retry after 1m0s"}},
		{"too many requests", "dispatch", failure{429, "error_500.json", nil}, false,
			[]string{"429"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeGitHub(t, "runs_none.json")
			fake.echoAuth = true
			fake.fail[tt.endpoint] = tt.fail

			out, err := newDispatcher(t, srv.URL).Trigger(context.Background(), finished())
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
			// The fake echoes the Authorization header into its message.
			if strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "***") {
				t.Errorf("error holds the token or lost the masked echo: %q", err)
			}
			if tt.endpoint == "list" && len(fake.calls(http.MethodPost)) != 0 {
				t.Errorf("dispatched although the listing failed")
			}
		})
	}
}

func TestTriggerRejectsBadEvents(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(f *monitor.Finished)
		field string
	}{
		{"no repository", func(f *monitor.Finished) { f.RepoPath = "" }, "repoPath is empty"},
		{"no owner", func(f *monitor.Finished) { f.RepoPath = "app" }, `"app" is not owner/repo`},
		{"nested path", func(f *monitor.Finished) { f.RepoPath = "a/b/c" }, "not owner/repo"},
		{"dot dot", func(f *monitor.Finished) { f.RepoPath = "acme/.." }, "not owner/repo"},
		{"query", func(f *monitor.Finished) { f.RepoPath = "acme/app?x=1" }, "not owner/repo"},
		{"no ref", func(f *monitor.Finished) { f.Ref = "" }, "ref is empty"},
		{"no deployment", func(f *monitor.Finished) { f.DeploymentID = "" }, "SFDCdeploymentId"},
		{"workflow path", func(f *monitor.Finished) { f.PipelineFinishJobID = "../x.yml" },
			"not a workflow file name"},
		{"workflow job name", func(f *monitor.Finished) { f.PipelineFinishJobID = "finish" },
			"not a workflow file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeGitHub(t, "runs_none.json")
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

func TestTriggerHonoursCanceledContext(t *testing.T) {
	_, srv := newFakeGitHub(t, "runs_none.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newDispatcher(t, srv.URL).Trigger(ctx, finished())
	if err == nil || errors.Is(err, dispatch.ErrPermanent) {
		t.Errorf("error = %v, want a retryable error", err)
	}
}
