package fakeorg

import (
	"errors"
	"net/http"
	"testing"
)

const cancelBody = `{"deployResult":{"status":"Canceling"}}`

func TestCancel(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		polls  int // status polls before the cancel
		body   string
		status int
		code   string
	}{
		{name: "pending", polls: 0, body: cancelBody, status: 202},
		{name: "in progress", polls: 2, body: cancelBody, status: 202},
		{name: "finished", polls: 6, body: cancelBody, status: 400, code: "INVALID_OPERATION"},
		{name: "finalizing", opts: Options{Scenario: Scenario{Finalizing: true}}, polls: 1,
			body: cancelBody, status: 400, code: "INVALID_OPERATION"},
		{name: "other status", body: `{"deployResult":{"status":"Canceled"}}`, status: 400,
			code: "INVALID_INPUT"},
		{name: "lower case key", body: `{"deployresult":{"status":"Canceling"}}`, status: 400,
			code: "JSON_PARSER_ERROR"},
		{name: "empty body", body: ``, status: 400, code: "JSON_PARSER_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, tc.opts)
			id := startDeploy(t, org, `{}`)
			for range tc.polls {
				poll(t, org, id, false)
			}
			status, b := call(t, org, http.MethodPatch, testAPI+"/"+id, "application/json",
				[]byte(tc.body))
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %s", status, tc.status, b)
			}
			if tc.code != "" {
				if got := errorCode(t, b); got != tc.code {
					t.Errorf("errorCode %q, want %q", got, tc.code)
				}
				return
			}
			res := decode(t, b)["deployResult"].(map[string]any)
			if res["status"] != "Canceling" || res["done"] != false {
				t.Errorf("cancel answered %v done %v", res["status"], res["done"])
			}
			next := poll(t, org, id, true)
			if next["status"] != "Canceled" || next["done"] != true || next["success"] != false ||
				next["canceledByName"] != "Deploy Bot" || next["completedDate"] == nil {
				t.Errorf("after cancel: %v", next)
			}
		})
	}
}

func TestCancelUnknown(t *testing.T) {
	org := startOrg(t, Options{})
	status, b := call(t, org, http.MethodPatch, testAPI+"/0Af5g0000000099CAA",
		"application/json", []byte(cancelBody))
	if status != http.StatusNotFound || errorCode(t, b) != "NOT_FOUND" {
		t.Errorf("status %d, body %s", status, b)
	}
}

func TestQuickDeploy(t *testing.T) {
	validation := `{"checkOnly":true,"testLevel":"RunLocalTests"}`
	tests := []struct {
		name    string
		outcome Outcome
		options string
		done    bool
		bodyID  string // "" means the validation's own id
		twice   bool
		status  int
	}{
		{name: "validated", options: validation, done: true, status: 201},
		{name: "second time", options: validation, done: true, twice: true, status: 404},
		{name: "not check-only", options: `{}`, done: true, status: 404},
		{name: "still running", options: validation, status: 404},
		{name: "failed validation", outcome: OutcomeTestFailure, options: validation,
			done: true, status: 404},
		{name: "body names another id", options: validation, done: true,
			bodyID: "0Af5g0000000042CAA", status: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, Options{Outcome: tc.outcome})
			vid := startDeploy(t, org, tc.options)
			if tc.done {
				if err := org.Complete(vid); err != nil {
					t.Fatal(err)
				}
			}
			bodyID := vid
			if tc.bodyID != "" {
				bodyID = tc.bodyID
			}
			body := []byte(`{"validatedDeployRequestId":"` + bodyID + `"}`)
			path := testAPI + "/" + vid
			status, b := call(t, org, http.MethodPost, path, "application/json", body)
			if tc.twice {
				status, b = call(t, org, http.MethodPost, path, "application/json", body)
			}
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %s", status, tc.status, b)
			}
			if status == http.StatusCreated {
				checkQuickDeploy(t, org, decode(t, b), vid)
			}
		})
	}
}

func checkQuickDeploy(t *testing.T, org *Org, m map[string]any, vid string) {
	t.Helper()
	id, _ := m["id"].(string)
	if id == "" || id == vid || m["validatedDeployRequestId"] != vid {
		t.Errorf("quick deploy answered id %v, validated %v", id, m["validatedDeployRequestId"])
	}
	var res map[string]any
	for range 10 {
		if res = poll(t, org, id, false); res["done"] == true {
			break
		}
	}
	if res["status"] != "Succeeded" || res["checkOnly"] != false ||
		res["runTestsEnabled"] != false || num(res["numberTestsTotal"]) != 0 {
		t.Errorf("quick deploy ended %v", res)
	}
	got := org.Deployments()
	if len(got) != 2 || got[1].ValidatedID != vid || got[1].ID != id {
		t.Errorf("recorded %+v", got)
	}
}

func TestRoutes(t *testing.T) {
	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown id", "GET", testAPI + "/0Af5g0000000099CAA", 404, "NOT_FOUND"},
		{"malformed id", "GET", testAPI + "/nope", 404, "NOT_FOUND"},
		{"old api version", "GET", "/services/data/v42.0/metadata/deployRequest/x", 404,
			"NOT_FOUND"},
		{"not a version", "GET", "/services/data/62.0/metadata/deployRequest/x", 404,
			"NOT_FOUND"},
		{"other resource", "GET", "/services/data/v62.0/sobjects", 404, "NOT_FOUND"},
		{"list deployments", "GET", testAPI, 405, "METHOD_NOT_ALLOWED"},
		{"delete", "DELETE", testAPI + "/0Af5g0000000001CAA", 405, "METHOD_NOT_ALLOWED"},
		{"outside the api", "GET", "/secur/frontdoor.jsp", 404, "NOT_FOUND"},
	}
	org := startOrg(t, Options{})
	startDeploy(t, org, `{}`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, b := call(t, org, tc.method, tc.path, "", nil)
			if status != tc.status || errorCode(t, b) != tc.code {
				t.Errorf("status %d, body %s; want %d %s", status, b, tc.status, tc.code)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	org := startOrg(t, Options{Outcome: OutcomeComponentFailure})
	id := org.CreateDeployment(DeployOptions{CheckOnly: true})
	if err := org.Advance(id, 2); err != nil {
		t.Fatal(err)
	}
	if s, _ := org.Status(id); s != "InProgress" {
		t.Errorf("after two steps: %s", s)
	}
	if err := org.Complete(id); err != nil {
		t.Fatal(err)
	}
	if res := poll(t, org, id, false); res["status"] != "Failed" || res["checkOnly"] != true {
		t.Errorf("completed deployment %v", res)
	}
	if err := org.Complete("0Af5g0000000099CAA"); !errors.Is(err, ErrUnknownDeployment) {
		t.Errorf("Complete of an unknown id: %v", err)
	}
	org.SetOutcome(OutcomeSuccess)
	second := org.CreateDeployment(DeployOptions{})
	if err := org.Complete(second); err != nil {
		t.Fatal(err)
	}
	if s, _ := org.Status(second); s != "Succeeded" {
		t.Errorf("after SetOutcome: %s", s)
	}
	if len(org.Deployments()) != 0 {
		t.Errorf("CreateDeployment was recorded as received")
	}
}
