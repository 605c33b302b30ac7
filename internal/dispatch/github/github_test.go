package github

import (
	"context"
	"encoding/json"
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
	testToken    = "github_pat_11AAAAAAA0test0token0value"
	dispatchPath = "/repos/acme/app/actions/workflows/sf-async-deploy-finish.yml/dispatches"
)

func finished() monitor.Finished {
	return monitor.Finished{
		Request: monitor.Request{
			RepoPath:            "acme/app",
			PipelineFinishJobID: "sf-async-deploy-finish.yml",
			DeploymentID:        "0Af5g00000DEPLOY1",
			CI:                  monitor.CIGitHub,
			Ref:                 "main",
			RequestedAt:         "2026-03-02T11:00:00+01:00",
		},
		Status:  "Succeeded",
		Success: true,
	}
}

func newDispatcher(t *testing.T, apiURL string) *Dispatcher {
	t.Helper()
	d, err := New(Config{APIURL: apiURL, Token: testToken})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func TestTriggerDispatchesOnce(t *testing.T) {
	fake, srv := newFakeGitHub(t, "runs_other.json")
	d := newDispatcher(t, srv.URL+"/")

	out, err := d.Trigger(context.Background(), finished())
	if err != nil {
		t.Fatalf("Trigger: %v", err)
	}
	want := dispatch.Outcome{
		Action: dispatch.Dispatched,
		RunID:  22334455667,
		URL:    "https://github.com/acme/app/actions/runs/22334455667",
	}
	if out != want {
		t.Errorf("outcome = %+v, want %+v", out, want)
	}

	posts := fake.calls(http.MethodPost)
	if len(posts) != 1 {
		t.Fatalf("dispatches = %d, want 1", len(posts))
	}
	p := posts[0]
	if p.Path != dispatchPath {
		t.Errorf("dispatch path = %q", p.Path)
	}
	var body struct {
		Ref              string            `json:"ref"`
		Inputs           map[string]string `json:"inputs"`
		ReturnRunDetails bool              `json:"return_run_details"`
	}
	if err := json.Unmarshal([]byte(p.Body), &body); err != nil {
		t.Fatalf("decode dispatch body %q: %v", p.Body, err)
	}
	if body.Ref != "main" || !body.ReturnRunDetails || len(body.Inputs) != 2 ||
		body.Inputs["deployment-id"] != "0Af5g00000DEPLOY1" ||
		body.Inputs["status"] != "Succeeded" {
		t.Errorf("dispatch body = %s", p.Body)
	}

	gets := fake.calls(http.MethodGet)
	if len(gets) != 1 {
		t.Fatalf("run listings = %d, want 1", len(gets))
	}
	q, _ := url.ParseQuery(gets[0].Query)
	if q.Get("event") != "workflow_dispatch" || q.Get("created") != ">=2026-03-02T09:58:00Z" {
		t.Errorf("list query = %q", gets[0].Query)
	}
	for _, r := range append(posts, gets...) {
		if r.Auth != "Bearer "+testToken {
			t.Errorf("%s %s: Authorization = %q", r.Method, r.Path, r.Auth)
		}
	}

	// The same event again: the fake now lists a run titled with the deployment id.
	out, err = d.Trigger(context.Background(), finished())
	if err != nil {
		t.Fatalf("second Trigger: %v", err)
	}
	if out.Action != dispatch.AlreadyDone || out.RunID != 22334455667 ||
		out.URL != want.URL || !strings.Contains(out.Reason, "0Af5g00000DEPLOY1") {
		t.Errorf("second outcome = %+v, want already done with the run", out)
	}
	if n := len(fake.calls(http.MethodPost)); n != 1 {
		t.Errorf("dispatches after redelivery = %d, want 1", n)
	}
}

func TestTriggerVariants(t *testing.T) {
	tests := []struct {
		name      string
		apiURL    func(srv string) string
		prefix    string
		pageSize  int
		runs      string
		edit      func(f *monitor.Finished)
		action    dispatch.Action
		wantPath  string
		wantQuery url.Values
		inputs    map[string]string
	}{
		{
			name:     "no trailing slash",
			apiURL:   func(s string) string { return s },
			runs:     "runs_none.json",
			action:   dispatch.Dispatched,
			wantPath: dispatchPath,
		},
		{
			name:     "enterprise api path",
			apiURL:   func(s string) string { return s + "/api/v3/" },
			prefix:   "/api/v3",
			runs:     "runs_none.json",
			action:   dispatch.Dispatched,
			wantPath: "/api/v3" + dispatchPath,
		},
		{
			name:   "default workflow and unknown status",
			apiURL: func(s string) string { return s },
			runs:   "runs_none.json",
			edit: func(f *monitor.Finished) {
				f.PipelineFinishJobID = ""
				f.Status = ""
				f.RequestedAt = ""
			},
			action:   dispatch.Dispatched,
			wantPath: dispatchPath,
			wantQuery: url.Values{
				"event": {"workflow_dispatch"}, "per_page": {"100"}, "page": {"1"},
			},
			inputs: map[string]string{"deployment-id": "0Af5g00000DEPLOY1", "status": "Unknown"},
		},
		{
			name:     "custom workflow",
			apiURL:   func(s string) string { return s },
			runs:     "runs_none.json",
			edit:     func(f *monitor.Finished) { f.PipelineFinishJobID = "finish.yaml" },
			action:   dispatch.Dispatched,
			wantPath: "/repos/acme/app/actions/workflows/finish.yaml/dispatches",
		},
		{
			name:     "run of the deployment on the second page",
			apiURL:   func(s string) string { return s },
			pageSize: 1,
			runs:     "runs_other.json",
			edit:     func(f *monitor.Finished) { f.DeploymentID = "0Af5g00000OTHER1" },
			action:   dispatch.AlreadyDone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeGitHub(t, tt.runs)
			fake.prefix, fake.pageSize = tt.prefix, tt.pageSize
			if tt.pageSize > 0 {
				// Put a newer unrelated run in front, so the match is on page 2.
				fake.runs = append([]map[string]any{{"id": 1, "display_title": "x"}}, fake.runs...)
			}
			f := finished()
			if tt.edit != nil {
				tt.edit(&f)
			}

			out, err := newDispatcher(t, tt.apiURL(srv.URL)).Trigger(context.Background(), f)
			if err != nil {
				t.Fatalf("Trigger: %v", err)
			}
			if out.Action != tt.action {
				t.Errorf("action = %q, want %q", out.Action, tt.action)
			}
			checkRequests(t, fake, tt.wantPath, tt.wantQuery, tt.inputs)
		})
	}
}

func checkRequests(t *testing.T, fake *fakeGitHub, path string, query url.Values,
	inputs map[string]string) {
	t.Helper()
	posts := fake.calls(http.MethodPost)
	if path == "" {
		if len(posts) != 0 {
			t.Errorf("dispatches = %d, want 0", len(posts))
		}
		return
	}
	if len(posts) != 1 || posts[0].Path != path {
		t.Fatalf("dispatches = %+v, want one to %q", posts, path)
	}
	if query != nil {
		got, _ := url.ParseQuery(fake.calls(http.MethodGet)[0].Query)
		if got.Encode() != query.Encode() {
			t.Errorf("list query = %q, want %q", got.Encode(), query.Encode())
		}
	}
	if inputs != nil {
		var body struct {
			Inputs map[string]string `json:"inputs"`
		}
		_ = json.Unmarshal([]byte(posts[0].Body), &body)
		for k, v := range inputs {
			if body.Inputs[k] != v {
				t.Errorf("input %q = %q, want %q", k, body.Inputs[k], v)
			}
		}
	}
}

// roundTrip answers every request with 200 and an empty run list, and records the URLs.
type roundTrip struct{ urls []string }

func (rt *roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.urls = append(rt.urls, r.URL.String())
	body := `{"total_count":0,"workflow_runs":[]}`
	if r.Method == http.MethodPost {
		body = `{"workflow_run_id":1,"run_url":"u","html_url":"h"}`
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}, nil
}

func TestDefaultAPIURL(t *testing.T) {
	rt := &roundTrip{}
	d, err := New(Config{Token: testToken, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := d.Trigger(context.Background(), finished()); err != nil {
		t.Fatalf("Trigger: %v", err)
	}
	want := "https://api.github.com/repos/acme/app/actions/workflows/" +
		"sf-async-deploy-finish.yml/dispatches"
	if len(rt.urls) != 2 || rt.urls[1] != want {
		t.Errorf("urls = %q, want the listing, then %q", rt.urls, want)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"empty token", Config{APIURL: "https://api.github.com"}},
		{"not a url", Config{APIURL: "api.github.com", Token: testToken}},
		{"ftp", Config{APIURL: "ftp://api.github.com", Token: testToken}},
		{"user info", Config{APIURL: "https://u:p@api.github.com", Token: testToken}},
		{"query", Config{APIURL: "https://api.github.com/?x=1", Token: testToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if !errors.Is(err, dispatch.ErrPermanent) {
				t.Errorf("New error = %v, want ErrPermanent", err)
			}
		})
	}
}

// TestARunStartedByHandBeforeTheEndIsNotTheFinish: a finish run started by hand while the
// deployment ran (it exited 3) must not stop the dispatch after the deployment ends.
func TestARunStartedByHandBeforeTheEndIsNotTheFinish(t *testing.T) {
	fake, srv := newFakeGitHub(t, "runs_other.json")
	d := newDispatcher(t, srv.URL)
	f := finished()
	f.DeploymentID = "0Af5g00000OTHER1"
	f.FinishedAt = "2026-03-02T11:30:00Z" // the listed run is from 10:12
	out, err := d.Trigger(context.Background(), f)
	if err != nil || out.Action != dispatch.Dispatched {
		t.Fatalf("Trigger = %+v, %v; want a dispatch", out, err)
	}
	if n := len(fake.calls(http.MethodPost)); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
}
