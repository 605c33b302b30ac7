package fakeorg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuthorization(t *testing.T) {
	tests := []struct {
		name   string
		header string
		status int
		code   string
	}{
		{"bearer", "Bearer " + DefaultAccessToken, 201, ""},
		{"oauth scheme", "OAuth " + DefaultAccessToken, 201, ""},
		{"no header", "", 401, "INVALID_SESSION_ID"},
		{"unknown token", "Bearer 00D5g00000ABCDE!other", 401, "INVALID_SESSION_ID"},
		{"basic scheme", "Basic dXNlcjpwYXNz", 401, "INVALID_AUTH_HEADER"},
		{"scheme only", "Bearer", 401, "INVALID_AUTH_HEADER"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, Options{})
			body, ct := multipartBody(t, jsonPart(`{"deployOptions":{}}`),
				filePart(makeZip(t, "package.xml")))
			resp := send(t, org, http.MethodPost, testAPI, ct, body, tc.header)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, b)
			}
			if tc.code != "" && errorCode(t, b) != tc.code {
				t.Errorf("body %s, want %s", b, tc.code)
			}
		})
	}
}

func TestRevoke(t *testing.T) {
	org := startOrg(t, Options{AccessToken: "00D5g00000ABCDE!AQcustom"})
	id := startDeploy(t, org, `{}`)
	org.Revoke(org.AccessToken())
	status, b := call(t, org, http.MethodGet, testAPI+"/"+id, "", nil)
	if status != http.StatusUnauthorized || errorCode(t, b) != "INVALID_SESSION_ID" {
		t.Errorf("after Revoke: %d %s", status, b)
	}
}

func TestRequestLogAndUsage(t *testing.T) {
	org := startOrg(t, Options{APILimit: 3})
	id := startDeploy(t, org, `{"checkOnly":true}`)
	poll(t, org, id, true)
	org.Fail(1, Fault{Kind: FaultUnavailable})
	call(t, org, http.MethodGet, testAPI+"/"+id, "", nil)

	resp := send(t, org, http.MethodGet, testAPI+"/"+id, "", nil, "Bearer "+org.AccessToken())
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || errorCode(t, b) != "REQUEST_LIMIT_EXCEEDED" {
		t.Errorf("past the limit: %d %s", resp.StatusCode, b)
	}
	if got := resp.Header.Get("Sforce-Limit-Info"); got != "api-usage=4/3" {
		t.Errorf("Sforce-Limit-Info %q", got)
	}
	if org.APIUsage() != 4 {
		t.Errorf("APIUsage %d", org.APIUsage())
	}

	reqs := org.Requests()
	want := []struct {
		method, query string
		status        int
		fault         FaultKind
	}{
		{"POST", "", 201, FaultNone},
		{"GET", "includeDetails=true", 200, FaultNone},
		{"GET", "", 503, FaultUnavailable},
		{"GET", "", 403, FaultNone},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests logged, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Method != w.method || r.RawQuery != w.query || r.Status != w.status ||
			r.Fault != w.fault || r.Authorization != "Bearer "+DefaultAccessToken {
			t.Errorf("request %d: %+v, want %+v", i, r, w)
		}
	}
	if !strings.HasPrefix(reqs[0].Path, "/services/data/v62.0/") ||
		!bytes.Contains(reqs[0].Body, []byte(`"checkOnly":true`)) ||
		!strings.HasPrefix(reqs[0].Header.Get("Content-Type"), "multipart/form-data") {
		t.Errorf("first request %s %s", reqs[0].Path, reqs[0].Header)
	}
}

func TestStartTLS(t *testing.T) {
	org := New(Options{})
	if org.URL() != "" || org.Client() != nil {
		t.Errorf("an unstarted org has a URL or client")
	}
	url := org.StartTLS()
	defer org.Close()
	if !strings.HasPrefix(url, "https://127.0.0.1:") || org.StartTLS() != url {
		t.Fatalf("StartTLS %q", url)
	}
	id := startDeploy(t, org, `{}`)
	if res := poll(t, org, id, false); res["status"] != "Pending" {
		t.Errorf("over TLS: %v", res)
	}
	if _, err := http.Get(url + testAPI); err == nil {
		t.Errorf("the default client trusted the test certificate")
	}
}

// script runs the same requests against an org and returns every answer's body.
func script(t *testing.T, opts Options) []string {
	t.Helper()
	org := startOrg(t, opts)
	var out []string
	for range 2 {
		id := startDeploy(t, org, `{"testLevel":"RunLocalTests"}`)
		for range 7 {
			_, b := call(t, org, http.MethodGet, testAPI+"/"+id+"?includeDetails=true", "", nil)
			out = append(out, string(b))
		}
	}
	return out
}

func TestDeterministic(t *testing.T) {
	for _, out := range []Outcome{OutcomeSuccess, OutcomeComponentFailure, OutcomeTestFailure} {
		opts := Options{Outcome: out, Components: 9, Tests: 7}
		a, b := script(t, opts), script(t, opts)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("outcome %d, answer %d differs:\n%s\n%s", out, i, a[i], b[i])
			}
		}
	}
	fixed := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	got := script(t, Options{Now: func() time.Time { return fixed }})
	if !strings.Contains(got[0], `"createdDate":"2027-01-02T03:04:05.000+0000"`) {
		t.Errorf("Now was not used: %s", got[0])
	}
}

func TestConcurrent(t *testing.T) {
	org := startOrg(t, Options{Scenario: Scenario{PendingPolls: 3, ComponentPolls: 3}})
	body, ct := multipartBody(t, jsonPart(`{"deployOptions":{}}`),
		filePart(makeZip(t, "package.xml")))
	var wg sync.WaitGroup
	ids := make([]string, 16)
	errs := make([]error, len(ids))
	for i := range ids {
		wg.Go(func() { ids[i], errs[i] = deployAndPoll(org, body, ct, 10) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, id := range ids {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[id] {
			t.Errorf("id %s issued twice", id)
		}
		seen[id] = true
		if s, err := org.Status(id); err != nil || s != "Succeeded" {
			t.Errorf("%s ended %s (%v)", id, s, err)
		}
	}
	if n := len(org.Deployments()); n != len(ids) {
		t.Errorf("%d deployments recorded", n)
	}
}

// deployAndPoll starts a deployment and polls it n times, without the testing.T helpers,
// so it can run on its own goroutine.
func deployAndPoll(org *Org, body []byte, ct string, n int) (string, error) {
	do := func(method, path, ct string, body []byte) ([]byte, error) {
		req, err := http.NewRequest(method, org.URL()+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+org.AccessToken())
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := org.Client().Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
	b, err := do(http.MethodPost, testAPI, ct, body)
	if err != nil {
		return "", err
	}
	var created struct{ ID string }
	if err := json.Unmarshal(b, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("start deployment: %s (%v)", b, err)
	}
	for range n {
		if _, err := do(http.MethodGet, testAPI+"/"+created.ID, "", nil); err != nil {
			return "", err
		}
		org.Requests()
	}
	return created.ID, nil
}

func TestIDs(t *testing.T) {
	tests := []struct{ id15, id18 string }{
		{"0Af5g0000000001", "0Af5g0000000001CAA"},
		{"001000000000001", "001000000000001AAA"},
		{"a0BZZZZZAAAAAbc", "a0BZZZZZAAAAAbc25H"},
	}
	for _, tc := range tests {
		if got := withChecksum(tc.id15); got != tc.id18 {
			t.Errorf("withChecksum(%q) = %q, want %q", tc.id15, got, tc.id18)
		}
	}
}

func TestLoggerHasNoTokens(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	org := startOrg(t, Options{Logger: logger, RefreshToken: testRefresh,
		ClientID: testClientID})
	id := startDeploy(t, org, `{}`)
	org.Fail(1, Fault{Kind: FaultSessionExpired})
	call(t, org, http.MethodGet, testAPI+"/"+id, "", nil)
	token(t, org, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {testRefresh},
		"client_id": {testClientID}})
	out := buf.String()
	if strings.Count(out, "fakeorg request") != 3 || !strings.Contains(out, "session-expired") {
		t.Errorf("log:\n%s", out)
	}
	for _, secret := range []string{org.AccessToken(), testRefresh, "!AQ"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
