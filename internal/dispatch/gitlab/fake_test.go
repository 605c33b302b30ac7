package gitlab

import (
	"bytes"
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

// recorded is one request the fake GitLab received.
type recorded struct {
	Method, Path, Query, Body, Token string
}

// failure makes the fake answer an endpoint with an error fixture; times > 0 makes it
// fail only that many times.
type failure struct {
	status  int
	fixture string
	header  map[string]string
	times   int
}

// fakeGitLab speaks the three jobs endpoints the dispatcher uses and records every request.
// Playing a manual job makes it pending, as GitLab does; playing any other job answers 400
// "Unplayable Job" (finished jobs would really be retried, which the dispatcher must avoid).
type fakeGitLab struct {
	t        *testing.T
	prefix   string   // path before /api/v4, for instances under a relative URL
	projects []string // the project ids or escaped paths the fake knows
	pipeline int64
	pageSize int  // jobs per page when the request asks for more; 0 means as asked
	echo     bool // put the Private-Token header into error messages

	mu       sync.Mutex
	requests []recorded
	jobs     []map[string]any
	fail     map[string]failure // by endpoint: "list", "get", "play"
}

func newFakeGitLab(t *testing.T, jobsFixture string) (*fakeGitLab, *httptest.Server) {
	t.Helper()
	f := &fakeGitLab{
		t:        t,
		projects: []string{"acme%2Fsalesforce%2Forg", "61234567"},
		pipeline: 2211334455,
		fail:     map[string]failure{},
	}
	dec := json.NewDecoder(bytes.NewReader(readFixture(t, jobsFixture)))
	dec.UseNumber()
	if err := dec.Decode(&f.jobs); err != nil {
		t.Fatalf("decode %s: %v", jobsFixture, err)
	}
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

func (f *fakeGitLab) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, recorded{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		Body: string(body), Token: r.Header.Get("Private-Token"),
	})

	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), f.prefix+"/api/v4/projects/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) < 3 || !f.knows(parts[0]) {
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404_project.json"})
		return
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 4 && parts[1] == "pipelines" &&
		parts[3] == "jobs":
		f.list(w, r, parts[2])
	case r.Method == http.MethodGet && len(parts) == 3 && parts[1] == "jobs":
		f.get(w, r, parts[2])
	case r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "jobs" &&
		parts[3] == "play":
		f.play(w, r, parts[2])
	default:
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404.json"})
	}
}

func (f *fakeGitLab) knows(project string) bool {
	for _, p := range f.projects {
		if p == project {
			return true
		}
	}
	return false
}

func (f *fakeGitLab) list(w http.ResponseWriter, r *http.Request, pipeline string) {
	if f.failing(w, r, "list") {
		return
	}
	if pipeline != strconv.FormatInt(f.pipeline, 10) {
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404.json"})
		return
	}
	q := r.URL.Query()
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 20
	}
	if f.pageSize > 0 && f.pageSize < perPage {
		perPage = f.pageSize
	}
	page := max(1, atoi(q.Get("page")))
	start := min((page-1)*perPage, len(f.jobs))
	end := min(start+perPage, len(f.jobs))
	pages := (len(f.jobs) + perPage - 1) / perPage
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Total", strconv.Itoa(len(f.jobs)))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Prev-Page", "")
	h.Set("X-Next-Page", "")
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
	}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
	}
	f.json(w, http.StatusOK, f.jobs[start:end])
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (f *fakeGitLab) get(w http.ResponseWriter, r *http.Request, id string) {
	if f.failing(w, r, "get") {
		return
	}
	job := f.job(id)
	if job == nil {
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404.json"})
		return
	}
	f.json(w, http.StatusOK, job)
}

func (f *fakeGitLab) play(w http.ResponseWriter, r *http.Request, id string) {
	if f.failing(w, r, "play") {
		return
	}
	job := f.job(id)
	if job == nil {
		f.answer(w, r, failure{status: http.StatusNotFound, fixture: "error_404.json"})
		return
	}
	if job["status"] != "manual" {
		f.answer(w, r, failure{http.StatusBadRequest, "error_400_unplayable.json", nil, 0})
		return
	}
	job["status"] = "pending"
	f.json(w, http.StatusOK, job)
}

// failing answers with the endpoint's failure, if it has one left.
func (f *fakeGitLab) failing(w http.ResponseWriter, r *http.Request, endpoint string) bool {
	fl, ok := f.fail[endpoint]
	if !ok {
		return false
	}
	if fl.times > 0 {
		if fl.times == 1 {
			delete(f.fail, endpoint)
		} else {
			fl.times--
			f.fail[endpoint] = fl
		}
	}
	f.answer(w, r, fl)
	return true
}

func (f *fakeGitLab) job(id string) map[string]any {
	for _, j := range f.jobs {
		if fmt.Sprint(j["id"]) == id {
			return j
		}
	}
	return nil
}

func (f *fakeGitLab) json(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.t.Errorf("encode answer: %v", err)
	}
}

func (f *fakeGitLab) answer(w http.ResponseWriter, r *http.Request, fl failure) {
	body := readFixture(f.t, fl.fixture)
	if f.echo && strings.HasSuffix(fl.fixture, ".json") {
		var msg map[string]any
		if err := json.Unmarshal(body, &msg); err == nil {
			msg["message"] = fmt.Sprintf("%v (sent %s)", msg["message"],
				r.Header.Get("Private-Token"))
			body, _ = json.Marshal(msg)
		}
	}
	for k, v := range fl.header {
		w.Header().Set(k, v)
	}
	if strings.HasSuffix(fl.fixture, ".json") {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(fl.status)
	_, _ = w.Write(body)
}

// calls returns the recorded requests with the given method.
func (f *fakeGitLab) calls(method string) []recorded {
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

// setStatus changes the status of the job with the given id.
func (f *fakeGitLab) setStatus(id int64, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if j := f.job(strconv.FormatInt(id, 10)); j != nil {
		j["status"] = status
	}
}
