package fakeorg

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// try GETs path with client and the org's token, returning the error instead of failing.
func try(org *Org, client *http.Client, path string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, org.URL()+path, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+org.AccessToken())
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

func noRedirects(c *http.Client) *http.Client {
	out := *c
	out.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &out
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    Fault
		timeout  time.Duration
		status   int
		code     string // errorCode of a JSON error array
		body     string // a substring of the body otherwise
		location string
		fresh    bool // use a new connection, which Go's Transport does not retry on
		fails    bool // the request itself fails (reset, timeout)
		advances bool // the faulted request still moved the deployment on
	}{
		{name: "session expired", fault: Fault{Kind: FaultSessionExpired}, status: 401,
			code: "INVALID_SESSION_ID"},
		{name: "bad auth header", fault: Fault{Kind: FaultBadAuthHeader}, status: 401,
			code: "INVALID_AUTH_HEADER"},
		{name: "limit exceeded", fault: Fault{Kind: FaultLimitExceeded}, status: 403,
			code: "REQUEST_LIMIT_EXCEEDED"},
		{name: "cross reference", fault: Fault{Kind: FaultCrossReference}, status: 500,
			code: "INVALID_CROSS_REFERENCE_KEY"},
		{name: "bad gateway", fault: Fault{Kind: FaultBadGateway}, status: 502,
			body: "<h1>502 Bad Gateway</h1>"},
		{name: "unavailable", fault: Fault{Kind: FaultUnavailable}, status: 503,
			code: "SERVER_UNAVAILABLE"},
		{name: "html page", fault: Fault{Kind: FaultHTML}, status: 200, body: "<html>"},
		{name: "truncated json", fault: Fault{Kind: FaultTruncatedJSON}, status: 200,
			body: `"status":"InProg`},
		{name: "reset", fault: Fault{Kind: FaultReset}, fresh: true, fails: true},
		{name: "reset after headers", fault: Fault{Kind: FaultResetAfterHeaders}, fails: true},
		{name: "delay past the timeout", fault: Fault{Kind: FaultDelay, Delay: 5 * time.Second},
			timeout: 100 * time.Millisecond, fails: true},
		{name: "short delay", fault: Fault{Kind: FaultDelay, Delay: 20 * time.Millisecond},
			status: 200, body: `"status":"Pending"`, advances: true},
		{name: "redirect", fault: Fault{Kind: FaultRedirect, Location: "https://evil.example/"},
			status: 302, location: "https://evil.example/"},
		{name: "redirect default", fault: Fault{Kind: FaultRedirect}, status: 302,
			location: DefaultRedirectLocation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, Options{})
			id := startDeploy(t, org, `{}`)
			org.Fail(1, tc.fault)
			client := noRedirects(org.Client())
			client.Timeout = tc.timeout
			if tc.fresh {
				tr := client.Transport.(*http.Transport).Clone()
				tr.DisableKeepAlives = true
				client.Transport = tr
			}
			status, header, b, err := try(org, client, testAPI+"/"+id)
			if tc.fails {
				if err == nil {
					t.Fatalf("request succeeded with %d %s", status, b)
				}
			} else {
				checkFault(t, status, header, b, err, tc.status, tc.code, tc.body, tc.location)
			}

			// The fault is spent, and a request it replaced changed nothing.
			want := "Pending"
			if tc.advances {
				want = "InProgress"
			}
			if got := poll(t, org, id, false)["status"]; got != want {
				t.Errorf("next poll %v, want %s", got, want)
			}
			if tc.fails {
				return
			}
			reqs := org.Requests()
			if got := reqs[1]; got.Fault != tc.fault.Kind || got.Status != tc.status {
				t.Errorf("logged fault %v status %d", got.Fault, got.Status)
			}
		})
	}
}

func checkFault(t *testing.T, status int, header http.Header, b []byte, err error,
	wantStatus int, code, body, location string) {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	if status != wantStatus {
		t.Fatalf("status %d, want %d; body %s", status, wantStatus, b)
	}
	if code != "" && errorCode(t, b) != code {
		t.Errorf("body %s, want errorCode %s", b, code)
	}
	if body != "" && !strings.Contains(string(b), body) {
		t.Errorf("body %s, want it to contain %s", b, body)
	}
	if body != "" && json.Valid(b) && !strings.Contains(body, "Pending") {
		t.Errorf("a broken body parses as JSON: %s", b)
	}
	if location != "" && header.Get("Location") != location {
		t.Errorf("Location %q, want %q", header.Get("Location"), location)
	}
	if !strings.HasPrefix(header.Get("Sforce-Limit-Info"), "api-usage=") {
		t.Errorf("no Sforce-Limit-Info on a fault")
	}
}

func TestFaultQueue(t *testing.T) {
	org := startOrg(t, Options{})
	id := startDeploy(t, org, `{}`)
	org.Fail(1, Fault{Kind: FaultSessionExpired, Path: "/services/oauth2/token"})
	org.Fail(2, Fault{Kind: FaultUnavailable})
	if n := org.PendingFaults(); n != 3 {
		t.Errorf("PendingFaults %d, want 3", n)
	}
	for i, want := range []int{503, 503, 200} {
		status, _, _, err := try(org, org.Client(), testAPI+"/"+id)
		if err != nil || status != want {
			t.Errorf("request %d: status %d (%v), want %d", i, status, err, want)
		}
	}
	if n := org.PendingFaults(); n != 1 {
		t.Errorf("PendingFaults %d, want the token fault left", n)
	}
	org.ClearFaults()
	if n := org.PendingFaults(); n != 0 {
		t.Errorf("PendingFaults %d after ClearFaults", n)
	}
}

func TestDelayEndsOnClose(t *testing.T) {
	org := New(Options{})
	org.Start()
	org.Fail(1, Fault{Kind: FaultDelay, Delay: time.Minute})
	done := make(chan error, 1)
	go func() {
		_, _, _, err := try(org, org.Client(), testAPI+"/0Af5g0000000001CAA")
		done <- err
	}()
	for len(org.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	org.Close()
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("Close waited %v for the delay", waited)
	}
	<-done
}
