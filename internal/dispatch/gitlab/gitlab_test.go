package gitlab

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

const (
	testToken   = "glpat-TEST0token0value0abcdef"
	finishJobID = 9876543202
	listPath    = "/api/v4/projects/acme%2Fsalesforce%2Forg/pipelines/2211334455/jobs"
	playPath    = "/api/v4/projects/acme%2Fsalesforce%2Forg/jobs/9876543202/play"
	finishURL   = "https://gitlab.com/acme/salesforce/org/-/jobs/9876543202"
)

func finished() monitor.Finished {
	return monitor.Finished{
		Request: monitor.Request{
			RepoPath:     "acme/salesforce/org",
			DeploymentID: "0Af5g00000DEPLOY1",
			CI:           monitor.CIGitLab,
			Ref:          "main",
			PipelineID:   "2211334455",
		},
		Status:  "Succeeded",
		Success: true,
	}
}

func newDispatcher(t *testing.T, baseURL string) *Dispatcher {
	t.Helper()
	d, err := New(Config{BaseURL: baseURL, Token: testToken, DisableRetries: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func TestTriggerPlaysOnce(t *testing.T) {
	fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
	d := newDispatcher(t, srv.URL)

	out, err := d.Trigger(context.Background(), finished())
	if err != nil {
		t.Fatalf("Trigger: %v", err)
	}
	want := dispatch.Outcome{Action: dispatch.Played, JobID: finishJobID, URL: finishURL}
	if out != want {
		t.Errorf("outcome = %+v, want %+v", out, want)
	}

	gets, posts := fake.calls(http.MethodGet), fake.calls(http.MethodPost)
	if len(gets) != 1 || gets[0].Path != listPath {
		t.Fatalf("GET requests = %+v, want one to %q", gets, listPath)
	}
	q, _ := url.ParseQuery(gets[0].Query)
	if q.Get("include_retried") != "true" || q.Get("per_page") != "100" {
		t.Errorf("list query = %q", gets[0].Query)
	}
	if len(posts) != 1 || posts[0].Path != playPath {
		t.Fatalf("POST requests = %+v, want one to %q", posts, playPath)
	}
	for _, r := range append(gets, posts...) {
		if r.Token != testToken {
			t.Errorf("%s %s: Private-Token = %q", r.Method, r.Path, r.Token)
		}
	}

	// The same event again: the job is pending now, then finished; nothing is played.
	for _, status := range []string{"pending", "success"} {
		fake.setStatus(finishJobID, status)
		out, err = d.Trigger(context.Background(), finished())
		if err != nil {
			t.Fatalf("Trigger with job %s: %v", status, err)
		}
		if out.Action != dispatch.AlreadyDone || out.JobID != finishJobID ||
			!strings.Contains(out.Reason, status) {
			t.Errorf("outcome with job %s = %+v, want already done", status, out)
		}
	}
	if n := len(fake.calls(http.MethodPost)); n != 1 {
		t.Errorf("plays after redelivery = %d, want 1", n)
	}
}

func TestTriggerFindsJob(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		baseURL  func(srv string) string
		prefix   string
		pageSize int
		edit     func(f *monitor.Finished)
		wantGet  string
		wantPlay string
	}{
		{
			name:     "base url with api suffix",
			fixture:  "pipeline_jobs.json",
			baseURL:  func(s string) string { return s + "/api/v4" },
			wantGet:  listPath,
			wantPlay: playPath,
		},
		{
			name:     "base url with api suffix and slash",
			fixture:  "pipeline_jobs.json",
			baseURL:  func(s string) string { return s + "/api/v4/" },
			wantGet:  listPath,
			wantPlay: playPath,
		},
		{
			name:     "relative url root",
			fixture:  "pipeline_jobs.json",
			baseURL:  func(s string) string { return s + "/gitlab/" },
			prefix:   "/gitlab",
			wantGet:  "/gitlab" + listPath,
			wantPlay: "/gitlab" + playPath,
		},
		{
			name:     "project id wins over path",
			fixture:  "pipeline_jobs.json",
			edit:     func(f *monitor.Finished) { f.ProjectID = "61234567" },
			wantGet:  "/api/v4/projects/61234567/pipelines/2211334455/jobs",
			wantPlay: "/api/v4/projects/61234567/jobs/9876543202/play",
		},
		{
			name:     "job by id",
			fixture:  "pipeline_jobs.json",
			edit:     func(f *monitor.Finished) { f.PipelineFinishJobID = "9876543202" },
			wantGet:  "/api/v4/projects/acme%2Fsalesforce%2Forg/jobs/9876543202",
			wantPlay: playPath,
		},
		{
			name:     "newest of retried jobs",
			fixture:  "pipeline_jobs_retried.json",
			wantGet:  listPath,
			wantPlay: "/api/v4/projects/acme%2Fsalesforce%2Forg/jobs/9876543299/play",
		},
		{
			name:     "job on a later page",
			fixture:  "pipeline_jobs_retried.json",
			pageSize: 1,
			edit:     func(f *monitor.Finished) { f.FinishJobName = "validate" },
			wantGet:  listPath,
			wantPlay: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeGitLab(t, tt.fixture)
			fake.prefix, fake.pageSize = tt.prefix, tt.pageSize
			base := srv.URL
			if tt.baseURL != nil {
				base = tt.baseURL(srv.URL)
			}
			f := finished()
			if tt.edit != nil {
				tt.edit(&f)
			}

			_, err := newDispatcher(t, base).Trigger(context.Background(), f)
			if err != nil {
				t.Fatalf("Trigger: %v", err)
			}
			gets, posts := fake.calls(http.MethodGet), fake.calls(http.MethodPost)
			if len(gets) == 0 || gets[0].Path != tt.wantGet {
				t.Errorf("first GET = %+v, want %q", gets, tt.wantGet)
			}
			if tt.pageSize > 0 && len(gets) != 4 {
				t.Errorf("pages read = %d, want 4", len(gets))
			}
			if tt.wantPlay == "" {
				if len(posts) != 0 {
					t.Errorf("plays = %+v, want none", posts)
				}
				return
			}
			if len(posts) != 1 || posts[0].Path != tt.wantPlay {
				t.Errorf("plays = %+v, want one to %q", posts, tt.wantPlay)
			}
		})
	}
}

// roundTrip answers every request with the manual finish job, and records the URLs.
type roundTrip struct{ urls []string }

func (rt *roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.urls = append(rt.urls, r.URL.String())
	body := `{"id":5,"name":"sf-async-deploy-finish","status":"manual",` +
		`"web_url":"https://gitlab.com/acme/salesforce/org/-/jobs/5",` +
		`"pipeline":{"id":2211334455}}`
	if r.Method == http.MethodGet {
		body = "[" + body + "]"
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}, nil
}

func TestDefaultBaseURL(t *testing.T) {
	rt := &roundTrip{}
	d, err := New(Config{Token: testToken, HTTPClient: &http.Client{Transport: rt},
		DisableRetries: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := d.Trigger(context.Background(), finished()); err != nil {
		t.Fatalf("Trigger: %v", err)
	}
	want := "https://gitlab.com/api/v4/projects/acme%2Fsalesforce%2Forg/jobs/5/play"
	if len(rt.urls) != 2 || rt.urls[1] != want {
		t.Errorf("urls = %q, want the listing, then %q", rt.urls, want)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"empty token", Config{BaseURL: "https://gitlab.com"}},
		{"no scheme", Config{BaseURL: "gitlab.com", Token: testToken}},
		{"user info", Config{BaseURL: "https://u:p@gitlab.com", Token: testToken}},
		{"fragment", Config{BaseURL: "https://gitlab.com/#x", Token: testToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, dispatch.ErrPermanent) {
				t.Errorf("New error = %v, want ErrPermanent", err)
			}
		})
	}
}

func TestProductionRetries(t *testing.T) {
	fake, srv := newFakeGitLab(t, "pipeline_jobs.json")
	fake.fail["list"] = failure{http.StatusBadGateway, "error_500.json", nil, 1}
	fake.fail["play"] = failure{http.StatusServiceUnavailable, "error_500.json", nil, 1}
	d, err := New(Config{BaseURL: srv.URL, Token: testToken})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	_, err = d.Trigger(context.Background(), finished())
	if err == nil || errors.Is(err, dispatch.ErrPermanent) {
		t.Fatalf("Trigger error = %v, want the play's retryable error", err)
	}
	if n := len(fake.calls(http.MethodGet)); n != 2 {
		t.Errorf("listings = %d, want 2: the failed one is retried", n)
	}
	if n := len(fake.calls(http.MethodPost)); n != 1 {
		t.Errorf("plays = %d, want 1: a POST is not retried", n)
	}
}
