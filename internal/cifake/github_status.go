package cifake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// GitHub's limits, as its API enforces them.
const (
	gitHubStatusDescription = 140
	gitHubCommentBody       = 65536
)

// Status is one commit status GitHub accepted.
type Status struct {
	Repo        string
	SHA         string
	State       string
	Context     string
	Description string
	TargetURL   string
	Token       string
}

// PullRequest is an open pull request of the fake repository.
type PullRequest struct {
	Repo   string
	Number int
	Head   string // the head branch
}

// Comment is a pull request comment as it stands, with how often it was edited.
type Comment struct {
	ID     int64
	Repo   string
	Number int
	Body   string
	Edits  int
	Token  string
}

// githubRecords holds the commit statuses, pull requests and comments of the fake.
type githubRecords struct {
	mu       sync.Mutex
	statuses []Status
	pulls    []PullRequest
	comments []Comment
	fail     map[string]int
}

// routeStatuses adds the commit status, pull request and issue comment endpoints.
func (g *GitHub) routeStatuses(mux *http.ServeMux) {
	for pattern, h := range map[string]http.HandlerFunc{
		"POST /repos/{owner}/{repo}/statuses/{sha}":             g.createStatus,
		"GET /repos/{owner}/{repo}/commits/{ref}/status":        g.combinedStatus,
		"GET /repos/{owner}/{repo}/pulls":                       g.listPulls,
		"GET /repos/{owner}/{repo}/issues/{number}/comments":    g.listComments,
		"POST /repos/{owner}/{repo}/issues/{number}/comments":   g.createComment,
		"PATCH /repos/{owner}/{repo}/issues/comments/{comment}": g.editComment,
	} {
		mux.HandleFunc(pattern, g.records.failing(pattern, h))
	}
}

// Fail makes every request of route (such as "POST /repos/{owner}/{repo}/statuses/{sha}" or
// GitHubDispatchRoute) answer code, with GitHub's error body; code 0 lets them through again.
func (g *GitHub) Fail(route string, code int) {
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	if g.records.fail == nil {
		g.records.fail = map[string]int{}
	}
	g.records.fail[route] = code
}

// AddPullRequest opens pull request number of repo from the branch head.
func (g *GitHub) AddPullRequest(repo string, number int, head string) {
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	g.records.pulls = append(g.records.pulls, PullRequest{Repo: repo, Number: number, Head: head})
}

// Statuses returns the commit statuses accepted so far, in order.
func (g *GitHub) Statuses() []Status {
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	return append([]Status(nil), g.records.statuses...)
}

// Comments returns the comments as they stand, in the order they were created.
func (g *GitHub) Comments() []Comment {
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	return append([]Comment(nil), g.records.comments...)
}

func (r *githubRecords) failing(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		code := r.fail[route]
		r.mu.Unlock()
		if code != 0 {
			writeJSON(w, code, map[string]string{"message": http.StatusText(code),
				"documentation_url": "https://docs.github.com/rest"})
			return
		}
		h(w, req)
	}
}

func repoOf(r *http.Request) string { return r.PathValue("owner") + "/" + r.PathValue("repo") }

func bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func (g *GitHub) createStatus(w http.ResponseWriter, r *http.Request) {
	var body struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		validationFailed(w, "Status", "body", "is not JSON")
		return
	}
	switch {
	case !oneOf(body.State, "pending", "success", "failure", "error"):
		validationFailed(w, "Status", "state", "is not included in the list")
		return
	case utf8.RuneCountInString(body.Description) > gitHubStatusDescription:
		validationFailed(w, "Status", "description",
			"description is too long (maximum is 140 characters)")
		return
	}
	s := Status{Repo: repoOf(r), SHA: r.PathValue("sha"), State: body.State,
		Context: orDefault(body.Context, "default"), Description: body.Description,
		TargetURL: body.TargetURL, Token: bearer(r)}
	g.records.mu.Lock()
	g.records.statuses = append(g.records.statuses, s)
	id := len(g.records.statuses)
	g.records.mu.Unlock()
	writeJSON(w, http.StatusCreated, statusJSON(id, s))
}

// combinedStatus answers the newest status of each context of the commit.
func (g *GitHub) combinedStatus(w http.ResponseWriter, r *http.Request) {
	repo, sha := repoOf(r), r.PathValue("ref")
	latest := map[string]int{}
	var order []string
	all := g.Statuses()
	for i, s := range all {
		if s.Repo != repo || s.SHA != sha {
			continue
		}
		if _, ok := latest[s.Context]; !ok {
			order = append(order, s.Context)
		}
		latest[s.Context] = i
	}
	statuses := []map[string]any{}
	states := map[string]bool{}
	for _, c := range order {
		s := all[latest[c]]
		statuses = append(statuses, statusJSON(latest[c]+1, s))
		states[s.State] = true
	}
	state := "success"
	switch {
	case states["failure"] || states["error"]:
		state = "failure"
	case states["pending"] || len(statuses) == 0:
		state = "pending"
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": state, "sha": sha,
		"total_count": len(statuses), "statuses": statuses})
}

func statusJSON(id int, s Status) map[string]any {
	return map[string]any{"id": id, "state": s.State, "description": s.Description,
		"target_url": s.TargetURL, "context": s.Context,
		"created_at": "2026-11-30T10:20:00Z", "updated_at": "2026-11-30T10:20:00Z"}
}

// listPulls answers the open pull requests, filtered by head ("owner:branch") when given.
func (g *GitHub) listPulls(w http.ResponseWriter, r *http.Request) {
	repo := repoOf(r)
	head := r.URL.Query().Get("head")
	if state := r.URL.Query().Get("state"); state != "" && state != "open" && state != "all" {
		writeJSON(w, http.StatusOK, []any{})
		return
	}
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	out := []map[string]any{}
	for _, p := range g.records.pulls {
		label := r.PathValue("owner") + ":" + p.Head
		if p.Repo != repo || (head != "" && head != label) {
			continue
		}
		out = append(out, map[string]any{"number": p.Number, "state": "open",
			"html_url": fmt.Sprintf("https://github.com/%s/pull/%d", repo, p.Number),
			"head":     map[string]any{"ref": p.Head, "label": label}})
	}
	writeJSON(w, http.StatusOK, out)
}

func (g *GitHub) listComments(w http.ResponseWriter, r *http.Request) {
	number, ok := g.pull(w, r)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, c := range g.Comments() {
		if c.Repo == repoOf(r) && c.Number == number {
			out = append(out, commentJSON(c))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (g *GitHub) createComment(w http.ResponseWriter, r *http.Request) {
	number, ok := g.pull(w, r)
	if !ok {
		return
	}
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	g.records.mu.Lock()
	c := Comment{ID: int64(5000 + len(g.records.comments) + 1), Repo: repoOf(r),
		Number: number, Body: body, Token: bearer(r)}
	g.records.comments = append(g.records.comments, c)
	g.records.mu.Unlock()
	writeJSON(w, http.StatusCreated, commentJSON(c))
}

func (g *GitHub) editComment(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("comment"), 10, 64)
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	for i := range g.records.comments {
		c := &g.records.comments[i]
		if c.ID == id && c.Repo == repoOf(r) {
			c.Body, c.Token = body, bearer(r)
			c.Edits++
			writeJSON(w, http.StatusOK, commentJSON(*c))
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// pull reads the issue number of the path and answers 404 unless it is an open pull request.
func (g *GitHub) pull(w http.ResponseWriter, r *http.Request) (int, bool) {
	number, _ := strconv.Atoi(r.PathValue("number"))
	g.records.mu.Lock()
	defer g.records.mu.Unlock()
	for _, p := range g.records.pulls {
		if p.Repo == repoOf(r) && p.Number == number {
			return number, true
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	return 0, false
}

func commentBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var body struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Body == "" {
		validationFailed(w, "IssueComment", "body", "can't be blank")
		return "", false
	}
	if utf8.RuneCountInString(body.Body) > gitHubCommentBody {
		validationFailed(w, "IssueComment", "body", "is too long (maximum is 65536 characters)")
		return "", false
	}
	return body.Body, true
}

func commentJSON(c Comment) map[string]any {
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": "bot"},
		"html_url": fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", c.Repo,
			c.Number, c.ID)}
}

func validationFailed(w http.ResponseWriter, resource, field, message string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
		"errors": []map[string]string{{"resource": resource, "code": "custom", "field": field,
			"message": message}},
		"documentation_url": "https://docs.github.com/rest"})
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
