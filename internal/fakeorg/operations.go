package fakeorg

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// handleCancel asks a deployment to stop: 202 Canceling, and Canceled on the next poll.
func (o *Org) handleCancel(w http.ResponseWriter, r *http.Request, id string) {
	status, body := o.cancelAnswer(id, decodeCancel(r.Body))
	writeJSON(w, status, body)
}

// cancelAnswer cancels deployment id unless its request was bad (bodyErr) and returns the
// answer to send.
func (o *Org) cancelAnswer(id string, bodyErr error) (int, any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.lookup(id)
	if d == nil {
		return notFoundAnswer()
	}
	if bodyErr != nil {
		return errorAnswer(bodyErr)
	}
	if err := o.cancel(d); err != nil {
		return errorAnswer(err)
	}
	body := o.requestBody(d, false, true)
	o.tick()
	return http.StatusAccepted, body
}

// cancel rewrites the rest of d's timeline to Canceling then Canceled; the caller holds o.mu.
func (o *Org) cancel(d *deployment) error {
	cur := d.current()
	switch {
	case cur.status == statusCanceling:
		return nil
	case cur.done:
		return badRequest("INVALID_OPERATION", "the deployment has already finished")
	case cur.status != statusPending && cur.status != statusInProgress:
		return badRequest("INVALID_OPERATION", "a finalizing deployment cannot be canceled")
	}
	canceling := cur
	canceling.status, canceling.stateDetail = statusCanceling, ""
	canceling.canceledBy, canceling.canceledByName = userID, userName
	canceled := canceling
	canceled.status, canceled.done = statusCanceled, true
	d.plan.steps = append(d.plan.steps[:d.pos+1:d.pos+1], canceling, canceled)
	d.pos++
	d.modified = o.now()
	return nil
}

// handleQuickDeploy deploys a successful validation again without running its tests.
func (o *Org) handleQuickDeploy(w http.ResponseWriter, r *http.Request, id string, version int) {
	raw, err := io.ReadAll(r.Body)
	var bodyID string
	if err == nil {
		bodyID, err = decodeQuickDeploy(raw)
	}
	status, body := o.quickDeployAnswer(id, bodyID, err, raw, version)
	writeJSON(w, status, body)
}

// quickDeployAnswer starts a quick deploy of validation id and returns the answer to send:
// 404 unless id is a check-only deployment that succeeded and was not quick-deployed yet.
func (o *Org) quickDeployAnswer(id, bodyID string, bodyErr error, raw []byte,
	version int) (int, any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	v := o.lookup(id)
	if v == nil || !v.options.CheckOnly || v.promoted || !v.current().done ||
		v.current().status != statusSucceeded {
		return notFoundAnswer()
	}
	if bodyErr != nil {
		return errorAnswer(bodyErr)
	}
	if o.lookup(bodyID) != v {
		return errorAnswer(badRequest("INVALID_INPUT",
			"validatedDeployRequestId %q does not match %q", bodyID, id))
	}
	v.promoted = true
	d := o.newDeployment(v.options, v.id)
	o.received = append(o.received, Deployment{
		ID: d.id, APIVersion: fmt.Sprintf("%d.0", version), ValidatedID: v.id,
		Options: cloneOptions(d.options), OptionsJSON: raw,
	})
	body := o.requestBody(d, false, true)
	o.tick()
	return http.StatusCreated, body
}

// decodeCancel reads the body of a cancel: {"deployResult":{"status":"Canceling"}}.
func decodeCancel(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read cancel body: %w", err)
	}
	var body struct {
		DeployResult json.RawMessage `json:"deployResult"`
	}
	if err := decodeStrict(raw, &body, "deployResult"); err != nil {
		return err
	}
	var result struct {
		Status string `json:"status"`
	}
	if len(body.DeployResult) == 0 {
		return badRequest("INVALID_INPUT", "deployResult is required")
	}
	if err := decodeStrict(body.DeployResult, &result, "status"); err != nil {
		return err
	}
	if result.Status != statusCanceling {
		return badRequest("INVALID_INPUT", "deployResult.status must be %q, not %q",
			statusCanceling, result.Status)
	}
	return nil
}
