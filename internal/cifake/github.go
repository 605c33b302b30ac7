// Package cifake holds loopback stand-ins for the GitHub and GitLab REST APIs that the
// dispatcher, the commit statuses and the summary comment call, for the demo and the tests.
// They record what they receive and call back when a finish job is started.
package cifake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Dispatch is one workflow_dispatch GitHub received.
type Dispatch struct {
	Repo     string
	Workflow string
	Ref      string
	Inputs   map[string]string
	Token    string
}

// The workflow routes, for Fail.
const (
	GitHubDispatchRoute = "POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches"
	GitHubRunsRoute     = "GET /repos/{owner}/{repo}/actions/workflows/{file}/runs"
)

// GitHub answers the workflow dispatch and workflow run listing endpoints, and those of
// commit statuses, pull requests and their comments.
type GitHub struct {
	srv *httptest.Server
	// RunName renders a run's title from its inputs, as the finish workflow's run-name does.
	RunName func(inputs map[string]string) string
	// OnDispatch, when set, runs after each dispatch is recorded (outside the request).
	OnDispatch func(Dispatch)

	mu         sync.Mutex
	dispatches []Dispatch
	wg         sync.WaitGroup
	records    githubRecords
}

// NewGitHub starts a fake GitHub API on loopback.
func NewGitHub() *GitHub {
	g := &GitHub{RunName: func(in map[string]string) string {
		return "Finish Salesforce deployment " + in["deployment-id"]
	}}
	mux := http.NewServeMux()
	mux.HandleFunc(GitHubDispatchRoute, g.records.failing(GitHubDispatchRoute, g.dispatch))
	mux.HandleFunc(GitHubRunsRoute, g.records.failing(GitHubRunsRoute, g.runs))
	g.routeStatuses(mux)
	g.srv = httptest.NewServer(mux)
	return g
}

// URL is the API root to configure as GITHUB_API_URL.
func (g *GitHub) URL() string { return g.srv.URL + "/" }

// Close waits for callbacks and stops the server.
func (g *GitHub) Close() {
	g.wg.Wait()
	g.srv.Close()
}

// Wait blocks until every OnDispatch callback has returned.
func (g *GitHub) Wait() { g.wg.Wait() }

// Dispatches returns the dispatches received so far.
func (g *GitHub) Dispatches() []Dispatch {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Dispatch(nil), g.dispatches...)
}

func (g *GitHub) dispatch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ref    string         `json:"ref"`
		Inputs map[string]any `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Ref == "" {
		writeJSON(w, 422, map[string]string{"message": "Invalid request.\n\n\"ref\" wasn't supplied.",
			"documentation_url": "https://docs.github.com/rest"})
		return
	}
	d := Dispatch{Repo: r.PathValue("owner") + "/" + r.PathValue("repo"),
		Workflow: r.PathValue("file"), Ref: body.Ref, Inputs: map[string]string{},
		Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	for k, v := range body.Inputs {
		d.Inputs[k] = fmt.Sprint(v)
	}
	g.mu.Lock()
	g.dispatches = append(g.dispatches, d)
	id := int64(9000 + len(g.dispatches))
	g.mu.Unlock()
	html := fmt.Sprintf("https://github.com/%s/actions/runs/%d", d.Repo, id)
	writeJSON(w, 200, map[string]any{"workflow_run_id": id,
		"run_url": fmt.Sprintf("%srepos/%s/actions/runs/%d", g.URL(), d.Repo, id), "html_url": html})
	if g.OnDispatch != nil {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			g.OnDispatch(d)
		}()
	}
}

// runs lists the workflow's runs newest first, a page at a time, as GitHub does.
func (g *GitHub) runs(w http.ResponseWriter, r *http.Request) {
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	all := g.Dispatches()
	var runs []map[string]any
	for i := len(all) - 1; i >= 0; i-- {
		d := all[i]
		if d.Repo != repo || d.Workflow != r.PathValue("file") {
			continue
		}
		id := 9001 + i
		runs = append(runs, map[string]any{"id": id, "name": "Finish Salesforce deployment",
			"display_title": g.RunName(d.Inputs), "event": "workflow_dispatch",
			"status": "completed", "conclusion": "success", "head_branch": d.Ref,
			"html_url":   fmt.Sprintf("https://github.com/%s/actions/runs/%d", repo, id),
			"created_at": time.Now().UTC().Format(time.RFC3339)})
	}
	total := len(runs)
	perPage, page := pageOf(r, "per_page", 30), pageOf(r, "page", 1)
	lo, hi := min((page-1)*perPage, total), min(page*perPage, total)
	if hi < total {
		w.Header().Set("Link", fmt.Sprintf(`<%s?page=%d&per_page=%d>; rel="next"`,
			g.srv.URL+r.URL.Path, page+1, perPage))
	}
	pageRuns := runs[lo:hi]
	if pageRuns == nil {
		pageRuns = []map[string]any{}
	}
	writeJSON(w, 200, map[string]any{"total_count": total, "workflow_runs": pageRuns})
}

func pageOf(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n < 1 {
		return def
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
