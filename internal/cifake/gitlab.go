package cifake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Job is a job in the fake GitLab pipeline.
type Job struct {
	ID     int64
	Name   string
	Stage  string
	Status string
}

// Play is one play of a manual job GitLab received.
type Play struct {
	Project string
	JobID   int64
	Token   string
}

// GitLab answers the pipeline jobs, job and play endpoints for one pipeline, and through
// GitLabRecords those of commit statuses, merge requests and notes.
type GitLab struct {
	GitLabRecords
	srv *httptest.Server
	// ProjectPath is the project's path in job web URLs; empty means acme/app.
	ProjectPath string
	// OnPlay, when set, runs after a play is accepted (outside the request); its return
	// value becomes the job's final status (success or failed).
	OnPlay func(Play) string

	mu       sync.Mutex
	project  string
	pipeline int64
	jobs     []Job
	plays    []Play
	wg       sync.WaitGroup
}

// NewGitLab starts a fake GitLab API for project (an id or a path) and pipeline.
func NewGitLab(project string, pipeline int64, jobs []Job) *GitLab {
	g := &GitLab{project: project, pipeline: pipeline, jobs: jobs}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/projects/{project}/pipelines/{pipeline}/jobs", g.listJobs)
	mux.HandleFunc("GET /api/v4/projects/{project}/jobs/{job}", g.getJob)
	mux.HandleFunc("POST /api/v4/projects/{project}/jobs/{job}/play", g.play)
	g.Routes(mux)
	g.srv = httptest.NewServer(mux)
	return g
}

// URL is the instance URL to configure as GITLAB_URL.
func (g *GitLab) URL() string { return g.srv.URL }

// Close waits for callbacks and stops the server.
func (g *GitLab) Close() {
	g.wg.Wait()
	g.srv.Close()
}

// Wait blocks until every OnPlay callback has returned.
func (g *GitLab) Wait() { g.wg.Wait() }

// Plays returns the plays received so far.
func (g *GitLab) Plays() []Play {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Play(nil), g.plays...)
}

// Jobs returns the pipeline's jobs as they stand.
func (g *GitLab) Jobs() []Job {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Job(nil), g.jobs...)
}

func (g *GitLab) known(r *http.Request) bool {
	return r.PathValue("project") == g.project
}

func (g *GitLab) listJobs(w http.ResponseWriter, r *http.Request) {
	if !g.known(r) || r.PathValue("pipeline") != strconv.FormatInt(g.pipeline, 10) {
		writeJSON(w, 404, map[string]string{"message": "404 Not found"})
		return
	}
	var out []map[string]any
	for _, j := range g.Jobs() {
		out = append(out, g.render(j))
	}
	w.Header().Set("X-Total", strconv.Itoa(len(out)))
	w.Header().Set("X-Total-Pages", "1")
	w.Header().Set("X-Page", "1")
	writeJSON(w, 200, out)
}

func (g *GitLab) getJob(w http.ResponseWriter, r *http.Request) {
	j, ok := g.find(r)
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "404 Job Not Found"})
		return
	}
	writeJSON(w, 200, g.render(j))
}

func (g *GitLab) play(w http.ResponseWriter, r *http.Request) {
	j, ok := g.find(r)
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "404 Job Not Found"})
		return
	}
	if j.Status != "manual" {
		writeJSON(w, 400, map[string]string{"message": "400 Unplayable Job"})
		return
	}
	p := Play{Project: g.project, JobID: j.ID, Token: r.Header.Get("PRIVATE-TOKEN")}
	g.mu.Lock()
	g.plays = append(g.plays, p)
	g.setStatus(j.ID, "pending")
	g.mu.Unlock()
	j.Status = "pending"
	writeJSON(w, 200, g.render(j))
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		final := "success"
		if g.OnPlay != nil {
			final = g.OnPlay(p)
		}
		g.mu.Lock()
		g.setStatus(j.ID, final)
		g.mu.Unlock()
	}()
}

func (g *GitLab) setStatus(id int64, status string) {
	for i := range g.jobs {
		if g.jobs[i].ID == id {
			g.jobs[i].Status = status
		}
	}
}

func (g *GitLab) find(r *http.Request) (Job, bool) {
	if !g.known(r) {
		return Job{}, false
	}
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil {
		return Job{}, false
	}
	for _, j := range g.Jobs() {
		if j.ID == id {
			return j, true
		}
	}
	return Job{}, false
}

func (g *GitLab) render(j Job) map[string]any {
	return map[string]any{"id": j.ID, "name": j.Name, "stage": j.Stage, "status": j.Status,
		"ref": "main", "tag": false, "allow_failure": true,
		"created_at": time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC).Format(time.RFC3339),
		"web_url":    fmt.Sprintf("https://gitlab.example.com/%s/-/jobs/%d", g.path(), j.ID),
		"pipeline": map[string]any{"id": g.pipeline, "project_id": 7, "ref": "main",
			"status": "running"}}
}

func (g *GitLab) path() string {
	if g.ProjectPath == "" {
		return "acme/app"
	}
	return g.ProjectPath
}
