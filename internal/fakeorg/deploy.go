package fakeorg

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrUnknownDeployment is returned for a deployment id the org never issued.
var ErrUnknownDeployment = errors.New("unknown deployment")

// deployment is one deployRequest the org holds; o.mu guards it.
type deployment struct {
	id          string
	validatedID string // for a quick deploy: the validation it promotes
	options     DeployOptions
	quick       bool
	promoted    bool // a validation that was already quick-deployed
	plan        plan
	pos         int
	created     time.Time
	started     time.Time
	modified    time.Time
	completed   time.Time
}

func (d *deployment) current() step { return d.plan.steps[d.pos] }

var apiVersionRE = regexp.MustCompile(`^v([0-9]{2,3})\.0$`)

// routeData serves /services/data/vNN.0/metadata/deployRequest[/{id}].
func (o *Org) routeData(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/services/data/"), "/")
	m := apiVersionRE.FindStringSubmatch(parts[0])
	if m == nil {
		writeNotFound(w)
		return
	}
	version, _ := strconv.Atoi(m[1])
	tooNew := o.opts.MaxAPIVersion > 0 && version > o.opts.MaxAPIVersion
	if version < o.opts.MinAPIVersion || tooNew {
		writeNotFound(w)
		return
	}
	if len(parts) < 3 || len(parts) > 4 || parts[1] != "metadata" ||
		parts[2] != "deployRequest" || len(parts) == 4 && parts[3] == "" {
		writeNotFound(w)
		return
	}
	if len(parts) == 3 {
		if r.Method != http.MethodPost {
			methodNotAllowed(w, r, "POST")
			return
		}
		o.handleCreate(w, r, version)
		return
	}
	switch id := parts[3]; r.Method {
	case http.MethodGet:
		o.handleStatus(w, r, id)
	case http.MethodPatch:
		o.handleCancel(w, r, id)
	case http.MethodPost:
		o.handleQuickDeploy(w, r, id, version)
	default:
		methodNotAllowed(w, r, "GET,PATCH,POST")
	}
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed string) {
	w.Header().Set("Allow", strings.ReplaceAll(allowed, ",", ", "))
	writeErrors(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
		fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", r.Method, allowed))
}

// handleCreate starts a deployment from a multipart upload.
func (o *Org) handleCreate(w http.ResponseWriter, r *http.Request, version int) {
	up, err := parseUpload(r, version)
	if err != nil {
		writeError(w, err)
		return
	}
	o.mu.Lock()
	d := o.newDeployment(up.options, "")
	o.received = append(o.received, Deployment{
		ID: d.id, APIVersion: fmt.Sprintf("%d.0", version), Options: cloneOptions(up.options),
		OptionsJSON: up.rawJSON, FileName: up.fileName, Files: up.files,
	})
	body := o.requestBody(d, false, true)
	o.tick()
	o.mu.Unlock()
	writeJSON(w, http.StatusCreated, body)
}

// newDeployment registers a Pending deployment; the caller holds o.mu.
func (o *Org) newDeployment(opts DeployOptions, validatedID string) *deployment {
	quick := validatedID != ""
	d := &deployment{
		id:          makeID(deployIDPrefix, len(o.order)+1),
		validatedID: validatedID,
		options:     cloneOptions(opts),
		quick:       quick,
		plan:        newPlan(o.opts, o.outcome, opts.runsTests(), quick),
		created:     o.now(),
	}
	if quick {
		d.options.CheckOnly = false
	}
	d.modified = d.created
	o.deployments[d.id] = d
	o.order = append(o.order, d.id)
	return d
}

// lookup finds a deployment by its 18- or 15-character id; the caller holds o.mu.
func (o *Org) lookup(id string) *deployment {
	if len(id) == 15 {
		id = withChecksum(id)
	}
	return o.deployments[id]
}

// handleStatus advances the deployment one step and answers its state.
func (o *Org) handleStatus(w http.ResponseWriter, r *http.Request, id string) {
	details := strings.EqualFold(r.URL.Query().Get("includeDetails"), "true")
	o.mu.Lock()
	d := o.lookup(id)
	if d == nil {
		o.mu.Unlock()
		writeNotFound(w)
		return
	}
	o.advance(d)
	body := o.requestBody(d, details, o.opts.StatusEcho)
	o.tick()
	o.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// advance moves d one step along its timeline, stamping its dates; the caller holds o.mu.
func (o *Org) advance(d *deployment) {
	if d.pos >= len(d.plan.steps)-1 {
		return
	}
	d.pos++
	now := o.now()
	d.modified = now
	s := d.current()
	if s.started && d.started.IsZero() {
		d.started = now
	}
	if s.done && d.completed.IsZero() {
		d.completed = now
	}
}
