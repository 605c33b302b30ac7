package cifake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"
)

// gitLabStatusField is GitLab's limit of a status's name, description and target URL.
const gitLabStatusField = 255

// ExternalStatus is one external commit status GitLab holds, as its state machine left it.
type ExternalStatus struct {
	ID          int64
	Project     string
	SHA         string
	Pipeline    int64
	Name        string
	State       string
	Description string
	TargetURL   string
}

// Note is a merge request note as it stands, with how often it was edited.
type Note struct {
	ID      int64
	Project string
	MR      int64
	Body    string
	Edits   int
}

// GitLabRecords answers GitLab's commit status, merge request and note endpoints and records
// what they receive. GitLab and the end-to-end tests' own fake mount it with Routes.
//
// Statuses follow GitLab's state machine: a post finds the name's pending or running status
// on the pipeline, or starts a new one; posting an active status in its own state again, or
// running back to pending, is refused with 400 as GitLab refuses it.
type GitLabRecords struct {
	mu       sync.Mutex
	posts    []ExternalStatus // every accepted post, in order
	statuses []*ExternalStatus
	mrs      map[string]map[int64]string // project, iid: source branch
	notes    []Note
	fail     map[string]int
}

// Routes adds the endpoints to mux.
func (g *GitLabRecords) Routes(mux *http.ServeMux) {
	for pattern, h := range map[string]http.HandlerFunc{
		"POST /api/v4/projects/{project}/statuses/{sha}":                      g.postStatus,
		"GET /api/v4/projects/{project}/repository/commits/{sha}/statuses":    g.listStatuses,
		"GET /api/v4/projects/{project}/merge_requests":                       g.listMRs,
		"GET /api/v4/projects/{project}/merge_requests/{iid}/notes":           g.listNotes,
		"POST /api/v4/projects/{project}/merge_requests/{iid}/notes":          g.createNote,
		"PUT /api/v4/projects/{project}/merge_requests/{iid}/notes/{note_id}": g.editNote,
	} {
		mux.HandleFunc(pattern, g.failing(pattern, h))
	}
}

// Fail makes every request of route (such as "POST /api/v4/projects/{project}/statuses/{sha}")
// answer code; code 0 lets them through again.
func (g *GitLabRecords) Fail(route string, code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fail == nil {
		g.fail = map[string]int{}
	}
	g.fail[route] = code
}

// AddMergeRequest opens merge request iid of project (as the path names it) from branch.
func (g *GitLabRecords) AddMergeRequest(project string, iid int64, branch string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.mrs == nil {
		g.mrs = map[string]map[int64]string{}
	}
	if g.mrs[project] == nil {
		g.mrs[project] = map[int64]string{}
	}
	g.mrs[project][iid] = branch
}

// Posts returns every status post GitLab accepted, in order.
func (g *GitLabRecords) Posts() []ExternalStatus {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]ExternalStatus(nil), g.posts...)
}

// Notes returns the notes as they stand, in the order they were created.
func (g *GitLabRecords) Notes() []Note {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Note(nil), g.notes...)
}

func (g *GitLabRecords) failing(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		code := g.fail[route]
		g.mu.Unlock()
		if code != 0 {
			writeJSON(w, code, map[string]string{"message": strconv.Itoa(code) + " " +
				http.StatusText(code)})
			return
		}
		h(w, r)
	}
}

// statusPost is the body of a status post.
type statusPost struct {
	State       string `json:"state"`
	Name        string `json:"name"`
	Context     string `json:"context"`
	Description string `json:"description"`
	TargetURL   string `json:"target_url"`
	PipelineID  int64  `json:"pipeline_id"`
}

func (g *GitLabRecords) postStatus(w http.ResponseWriter, r *http.Request) {
	var p statusPost
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.State == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "400 Bad request - " +
			"state is missing"})
		return
	}
	p.Name = orDefault(orDefault(p.Name, p.Context), "default")
	for field, v := range map[string]string{"name": p.Name, "description": p.Description,
		"target_url": p.TargetURL} {
		if utf8.RuneCountInString(v) > gitLabStatusField {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": map[string][]string{
				field: {"is too long (maximum is 255 characters)"}}})
			return
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s, err := g.transition(r.PathValue("project"), r.PathValue("sha"), p)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	g.posts = append(g.posts, *s)
	writeJSON(w, http.StatusCreated, externalJSON(*s))
}

// transition applies a post as GitLab's state machine does; the caller holds g.mu.
func (g *GitLabRecords) transition(project, sha string, p statusPost) (*ExternalStatus, error) {
	var active *ExternalStatus
	for _, s := range g.statuses {
		if s.Project == project && s.SHA == sha && s.Name == p.Name &&
			s.Pipeline == p.PipelineID && (s.State == "pending" || s.State == "running") {
			active = s
		}
	}
	event := map[string]string{"pending": "enqueue", "running": "run", "success": "success",
		"failed": "drop", "canceled": "cancel"}[p.State]
	switch {
	case event == "":
		return nil, fmt.Errorf("invalid state")
	case active != nil && (p.State == "pending" || active.State == p.State):
		// GitLab's own message, capitalized as its API answers it.
		gitlabMessage := fmt.Sprintf("Cannot transition status via :%s from :%s (Reason(s): "+
			"Status cannot transition via \"%s\")", event, active.State, event)
		return nil, errors.New(gitlabMessage)
	}
	if active == nil {
		active = &ExternalStatus{ID: int64(700 + len(g.statuses) + 1), Project: project,
			SHA: sha, Pipeline: p.PipelineID, Name: p.Name}
		g.statuses = append(g.statuses, active)
	}
	active.State = p.State
	if p.Description != "" {
		active.Description = p.Description
	}
	if p.TargetURL != "" {
		active.TargetURL = p.TargetURL
	}
	return active, nil
}

// listStatuses answers the newest status of each name, filtered by name and pipeline_id.
func (g *GitLabRecords) listStatuses(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g.mu.Lock()
	defer g.mu.Unlock()
	newest := map[string]*ExternalStatus{}
	for _, s := range g.statuses {
		pipeline := strconv.FormatInt(s.Pipeline, 10)
		if s.Project != r.PathValue("project") || s.SHA != r.PathValue("sha") ||
			(q.Get("name") != "" && s.Name != q.Get("name")) ||
			(q.Get("pipeline_id") != "" && pipeline != q.Get("pipeline_id")) {
			continue
		}
		newest[s.Name] = s
	}
	out := []map[string]any{}
	for _, s := range newest {
		out = append(out, externalJSON(*s))
	}
	writeJSON(w, http.StatusOK, out)
}

func externalJSON(s ExternalStatus) map[string]any {
	return map[string]any{"id": s.ID, "sha": s.SHA, "status": s.State, "name": s.Name,
		"description": s.Description, "target_url": s.TargetURL, "pipeline_id": s.Pipeline,
		"allow_failure": false}
}

// listMRs answers the project's merge requests, filtered by source_branch.
func (g *GitLabRecords) listMRs(w http.ResponseWriter, r *http.Request) {
	branch, state := r.URL.Query().Get("source_branch"), r.URL.Query().Get("state")
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []map[string]any{}
	for iid, source := range g.mrs[r.PathValue("project")] {
		if (branch == "" || branch == source) && (state == "" || state == "opened") {
			out = append(out, map[string]any{"id": 10000 + iid, "iid": iid, "state": "opened",
				"source_branch": source, "web_url": fmt.Sprintf(
					"https://gitlab.example.com/-/merge_requests/%d", iid)})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (g *GitLabRecords) listNotes(w http.ResponseWriter, r *http.Request) {
	iid, ok := g.mr(w, r)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, n := range g.Notes() {
		if n.Project == r.PathValue("project") && n.MR == iid {
			out = append(out, noteJSON(n))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (g *GitLabRecords) createNote(w http.ResponseWriter, r *http.Request) {
	iid, ok := g.mr(w, r)
	if !ok {
		return
	}
	body, ok := noteBody(w, r)
	if !ok {
		return
	}
	g.mu.Lock()
	n := Note{ID: int64(8000 + len(g.notes) + 1), Project: r.PathValue("project"), MR: iid,
		Body: body}
	g.notes = append(g.notes, n)
	g.mu.Unlock()
	writeJSON(w, http.StatusCreated, noteJSON(n))
}

func (g *GitLabRecords) editNote(w http.ResponseWriter, r *http.Request) {
	iid, ok := g.mr(w, r)
	if !ok {
		return
	}
	body, ok := noteBody(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("note_id"), 10, 64)
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := range g.notes {
		n := &g.notes[i]
		if n.ID == id && n.MR == iid && n.Project == r.PathValue("project") {
			n.Body = body
			n.Edits++
			writeJSON(w, http.StatusOK, noteJSON(*n))
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
}

// mr reads the merge request iid of the path and answers 404 unless it exists.
func (g *GitLabRecords) mr(w http.ResponseWriter, r *http.Request) (int64, bool) {
	iid, _ := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	g.mu.Lock()
	_, ok := g.mrs[r.PathValue("project")][iid]
	g.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
	}
	return iid, ok
}

func noteBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var body struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Body == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "400 Bad request - " +
			"body is missing"})
		return "", false
	}
	return body.Body, true
}

func noteJSON(n Note) map[string]any {
	return map[string]any{"id": n.ID, "body": n.Body, "system": false, "noteable_iid": n.MR,
		"author": map[string]any{"username": "project_7_bot"}}
}
