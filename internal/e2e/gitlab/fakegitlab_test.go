package gitlabe2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
)

// finishRun is what running the played finish job gave.
type finishRun struct {
	run
	err error
}

// fakeGitLab answers the two jobs endpoints the GitLab dispatcher calls, for one pipeline
// of one project, and the commit status and merge request note endpoints. Playing the
// manual finish job makes it pending, as GitLab does, and runs it in the background with
// play, as a runner would; playing any other job answers 400 "Unplayable Job".
type fakeGitLab struct {
	srv       *httptest.Server
	token     string
	projectID string
	path      string
	pipeline  int64
	play      func() finishRun
	// rec answers the commit status, merge request and note endpoints.
	rec cifake.GitLabRecords

	mu     sync.Mutex
	jobs   []*fakeJob
	lists  int
	plays  int
	done   chan struct{}
	result finishRun
}

type fakeJob struct {
	id     int64
	name   string
	status string
}

func newFakeGitLab(t *testing.T, token, projectID string, pipeline int64,
	play func() finishRun) *fakeGitLab {
	t.Helper()
	f := &fakeGitLab{token: token, projectID: projectID, path: projectPath,
		pipeline: pipeline, play: play, done: make(chan struct{}),
		jobs: []*fakeJob{{id: 7001, name: deployJob, status: "success"},
			{id: 7002, name: finishJob, status: "manual"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/projects/{project}/pipelines/{pipeline}/jobs", f.list)
	mux.HandleFunc("POST /api/v4/projects/{project}/jobs/{job}/play", f.playJob)
	f.rec.Routes(mux)
	f.srv = httptest.NewServer(f.authorized(mux))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the instance's base URL, the Lambda's GITLAB_URL.
func (f *fakeGitLab) URL() string { return f.srv.URL }

func (f *fakeGitLab) authorized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Private-Token") != f.token {
			answer(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// knows answers 404 for any project but the pipeline's, by id or by path.
func (f *fakeGitLab) knows(w http.ResponseWriter, r *http.Request) bool {
	if p := r.PathValue("project"); p != f.projectID && p != f.path {
		answer(w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
		return false
	}
	return true
}

func (f *fakeGitLab) list(w http.ResponseWriter, r *http.Request) {
	if !f.knows(w, r) {
		return
	}
	if r.PathValue("pipeline") != strconv.FormatInt(f.pipeline, 10) {
		answer(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	var out []map[string]any
	for _, j := range f.jobs {
		out = append(out, f.jobJSON(j))
	}
	answer(w, http.StatusOK, out)
}

func (f *fakeGitLab) playJob(w http.ResponseWriter, r *http.Request) {
	if !f.knows(w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var job *fakeJob
	for _, j := range f.jobs {
		if strconv.FormatInt(j.id, 10) == r.PathValue("job") {
			job = j
		}
	}
	switch {
	case job == nil:
		answer(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
		return
	case job.status != "manual":
		answer(w, http.StatusBadRequest,
			map[string]string{"message": "400 Bad request - Unplayable Job"})
		return
	}
	f.plays++
	job.status = "pending"
	go f.runJob(job)
	answer(w, http.StatusOK, f.jobJSON(job))
}

// runJob runs the played job and records how it ended.
func (f *fakeGitLab) runJob(job *fakeJob) {
	f.setStatus(job, "running")
	res := f.play()
	status := "success"
	if res.err != nil || res.code != 0 {
		status = "failed"
	}
	if code, ok := res.jobExit(job.name); ok && code != 0 {
		status = "failed" // allow_failure: GitLab shows it failed, the pipeline passes
	}
	f.mu.Lock()
	job.status, f.result = status, res
	f.mu.Unlock()
	close(f.done)
}

func (f *fakeGitLab) setStatus(job *fakeJob, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	job.status = status
}

// wait returns the finish job's run once it has ended.
func (f *fakeGitLab) wait(ctx context.Context) (finishRun, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		return finishRun{}, fmt.Errorf("wait for the finish job: %w", ctx.Err())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.result, nil
}

// counts returns how often the jobs were listed and a job was played.
func (f *fakeGitLab) counts() (lists, plays int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists, f.plays
}

func (f *fakeGitLab) status(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		if j.name == name {
			return j.status
		}
	}
	return ""
}

// jobJSON is a job as GET /projects/:id/pipelines/:pipeline_id/jobs answers it, trimmed to
// the fields the dispatcher reads; the caller holds f.mu.
func (f *fakeGitLab) jobJSON(j *fakeJob) map[string]any {
	projectID, _ := strconv.ParseInt(f.projectID, 10, 64)
	return map[string]any{
		"id": j.id, "name": j.name, "status": j.status, "stage": "deploy", "ref": "main",
		"web_url":  fmt.Sprintf("%s/%s/-/jobs/%d", f.srv.URL, f.path, j.id),
		"pipeline": map[string]any{"id": f.pipeline, "project_id": projectID},
	}
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
