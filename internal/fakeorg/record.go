package fakeorg

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
)

// Request is one request the org received, as its request log keeps it.
type Request struct {
	Method        string
	Path          string
	RawQuery      string
	Authorization string      // the Authorization header as sent
	Header        http.Header // every header as sent
	Body          []byte      // the body, up to its first MiB
	Status        int         // the status answered; 0 when nothing was (a reset)
	Fault         FaultKind   // the fault injected instead of serving it, or FaultNone
}

// Deployment is what the org received for one deployment it started.
type Deployment struct {
	ID          string
	APIVersion  string // "62.0"
	ValidatedID string // for a quick deploy: the validation's id
	Options     DeployOptions
	OptionsJSON []byte   // the json part (or, for a quick deploy, the body) as sent
	FileName    string   // the file part's filename
	Files       []string // the zip's file names, in zip order, without directories
}

// Requests returns a copy of the request log, oldest first.
func (o *Org) Requests() []Request {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Request, len(o.requests))
	for i, r := range o.requests {
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// Deployments returns what the org received for each deployment started over HTTP, oldest
// first.
func (o *Org) Deployments() []Deployment {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Deployment, len(o.received))
	for i, d := range o.received {
		d.Options = cloneOptions(d.Options)
		d.OptionsJSON = bytes.Clone(d.OptionsJSON)
		d.Files = slices.Clone(d.Files)
		out[i] = d
	}
	return out
}

// APIUsage returns how many requests the org has counted, as Sforce-Limit-Info reports.
func (o *Org) APIUsage() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.usage
}

// CreateDeployment starts a Pending deployment as if another tool had posted it, for tests
// that adopt a deployment by id, and returns its id. It is not added to Deployments.
func (o *Org) CreateDeployment(opts DeployOptions) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.newDeployment(opts, "").id
}

// Advance moves deployment id n steps along its timeline, as n status polls would.
func (o *Org) Advance(id string, n int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.lookup(id)
	if d == nil {
		return fmt.Errorf("advance deployment %q: %w", id, ErrUnknownDeployment)
	}
	for range n {
		o.advance(d)
		o.tick()
	}
	return nil
}

// Complete moves deployment id to its final state.
func (o *Org) Complete(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.lookup(id)
	if d == nil {
		return fmt.Errorf("complete deployment %q: %w", id, ErrUnknownDeployment)
	}
	for d.pos < len(d.plan.steps)-1 {
		o.advance(d)
		o.tick()
	}
	return nil
}

// Status returns the status deployment id reports now, without advancing it.
func (o *Org) Status(id string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.lookup(id)
	if d == nil {
		return "", fmt.Errorf("read deployment %q: %w", id, ErrUnknownDeployment)
	}
	return d.current().status, nil
}

func cloneOptions(d DeployOptions) DeployOptions {
	d.RunTests = slices.Clone(d.RunTests)
	return d
}
