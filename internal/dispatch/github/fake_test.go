package github

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// recorded is one request the fake GitHub received.
type recorded struct {
	Method, Path, Query, Body, Auth string
}

// failure makes the fake answer an endpoint with an error fixture.
type failure struct {
	status  int
	fixture string
	header  map[string]string
}

// fakeGitHub speaks the two Actions endpoints the dispatcher uses and records every request.
// A successful dispatch adds a run titled after the deployment id, as a finish workflow with
// `run-name: Finish deployment ${{ inputs.deployment-id }}` would.
type fakeGitHub struct {
	t        *testing.T
	prefix   string // API path prefix, "/api/v3" for GitHub Enterprise Server
	pageSize int    // runs per page when the request asks for more; 0 means as asked
	echoAuth bool   // put the Authorization header into error messages

	mu       sync.Mutex
	requests []recorded
	runs     []map[string]any
	fail     map[string]failure // by endpoint: "dispatch", "list"
}

func newFakeGitHub(t *testing.T, runsFixture string) (*fakeGitHub, *httptest.Server) {
	t.Helper()
	var list struct {
		WorkflowRuns []map[string]any `json:"workflow_runs"`
	}
	if err := json.Unmarshal(readFixture(t, runsFixture), &list); err != nil {
		t.Fatalf("decode %s: %v", runsFixture, err)
	}
	f := &fakeGitHub{t: t, runs: list.WorkflowRuns, fail: map[string]failure{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, recorded{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		Body: string(body), Auth: r.Header.Get("Authorization"),
	})

	rest, ok := strings.CutPrefix(r.URL.Path, f.prefix+"/repos/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 6 || parts[2] != "actions" || parts[3] != "workflows" {
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404.json"})
		return
	}
	switch {
	case r.Method == http.MethodPost && parts[5] == "dispatches":
		f.dispatch(w, r, body)
	case r.Method == http.MethodGet && parts[5] == "runs":
		f.list(w, r)
	default:
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404.json"})
	}
}

func (f *fakeGitHub) dispatch(w http.ResponseWriter, r *http.Request, body []byte) {
	if fl, ok := f.fail["dispatch"]; ok {
		f.answer(w, r, fl)
		return
	}
	var req struct {
		Inputs map[string]string `json:"inputs"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		f.answer(w, r, failure{status: http.StatusBadRequest, fixture: "error_422_inputs.json"})
		return
	}
	var run map[string]any
	if err := json.Unmarshal(readFixture(f.t, "run_new.json"), &run); err != nil {
		f.t.Errorf("decode run_new.json: %v", err)
	}
	run["display_title"] = "Finish deployment " + req.Inputs["deployment-id"]
	f.runs = append([]map[string]any{run}, f.runs...)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(readFixture(f.t, "dispatch_run_details.json"))
}

func (f *fakeGitHub) list(w http.ResponseWriter, r *http.Request) {
	if fl, ok := f.fail["list"]; ok {
		f.answer(w, r, fl)
		return
	}
	q := r.URL.Query()
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 30
	}
	if f.pageSize > 0 && f.pageSize < perPage {
		perPage = f.pageSize
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	start := min((page-1)*perPage, len(f.runs))
	end := min(start+perPage, len(f.runs))
	if end < len(f.runs) {
		next := *r.URL
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next"`, r.Host, next.String()))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"total_count":   len(f.runs),
		"workflow_runs": f.runs[start:end],
	})
}

func (f *fakeGitHub) answer(w http.ResponseWriter, r *http.Request, fl failure) {
	body := readFixture(f.t, fl.fixture)
	if f.echoAuth {
		var msg map[string]any
		if err := json.Unmarshal(body, &msg); err == nil {
			msg["message"] = fmt.Sprintf("%v (sent %s)", msg["message"],
				r.Header.Get("Authorization"))
			body, _ = json.Marshal(msg)
		}
	}
	for k, v := range fl.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(fl.status)
	_, _ = w.Write(body)
}

// calls returns the recorded requests with the given method.
func (f *fakeGitHub) calls(method string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}
