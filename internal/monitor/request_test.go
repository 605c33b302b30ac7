package monitor

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

var testRules = Rules{Hosts: salesforce.HostPolicy{}, Repositories: []string{"acme/*"}}

func validRequest() Request {
	return Request{RepoPath: "acme/app", PipelineFinishJobID: DefaultFinishWorkflow,
		DeploymentID: "0Af5g0000000001CAA", SessionID: "00Dx!secret", OrgURL: "https://acme.my.salesforce.com",
		SchemaVersion: 1, CI: CIGitHub, Ref: "main", TickSeconds: 60,
		RequestedAt: "2026-11-30T10:15:00Z", Deadline: "2026-11-30T22:15:00Z"}
}

func TestOriginalFiveFieldRequestIsAccepted(t *testing.T) {
	body := `{"repoPath":"acme/app","pipelineFinishJobId":"12345",
		"SFDCdeploymentId":"0Af5g0000000001CAA","SFDCsessionId":"00Dx!tok",
		"SFDCorgUrl":"https://acme.my.salesforce.com","someFutureField":{"x":1}}`
	r, err := ParseRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != 1 || r.CI != CIGitLab {
		t.Errorf("defaults = version %d, ci %q", r.SchemaVersion, r.CI)
	}
	if err := r.Validate(testRules); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		want   string
	}{
		{"valid", func(*Request) {}, ""},
		{"foreign repository", func(r *Request) { r.RepoPath = "mallory/app" }, "ALLOWED_REPOSITORIES"},
		{"traversal", func(r *Request) { r.RepoPath = "acme/../mallory" }, "ALLOWED_REPOSITORIES"},
		{"foreign host", func(r *Request) { r.OrgURL = "https://evil.example.com" }, "SFDCorgUrl"},
		{"http host", func(r *Request) { r.OrgURL = "http://acme.my.salesforce.com" }, "SFDCorgUrl"},
		{"bad id", func(r *Request) { r.DeploymentID = "001000000000001" }, "SFDCdeploymentId"},
		{"unknown ci", func(r *Request) { r.CI = "jenkins" }, "ci"},
		{"newer schema is accepted", func(r *Request) { r.SchemaVersion = 2 }, ""},
		{"bad deadline", func(r *Request) { r.Deadline = "tomorrow" }, "deadline"},
		{"github without ref", func(r *Request) { r.Ref = "" }, "ref"},
		{"negative tick", func(r *Request) { r.TickSeconds = -1 }, "tickSeconds"},
		{"oversized ref", func(r *Request) { r.Ref = strings.Repeat("a", 5000) }, "ref is longer"},
		{"oversized session", func(r *Request) { r.SessionID = strings.Repeat("x", 9000) },
			"SFDCsessionId is longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRequest()
			tt.change(&r)
			err := r.Validate(testRules)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want ErrInvalid naming %q", err, tt.want)
			}
		})
	}
}

func TestRepositoryAllowed(t *testing.T) {
	patterns := []string{"acme/*", "solo/app"}
	for repo, want := range map[string]bool{"acme/app": true, "ACME/App": true,
		"acme/team/app": true, "solo/app": true, "solo/other": false, "acmex/app": false,
		"": false, "/acme/app": false} {
		if got := RepositoryAllowed(repo, patterns); got != want {
			t.Errorf("RepositoryAllowed(%q) = %v, want %v", repo, got, want)
		}
	}
	if RepositoryAllowed("acme/app", nil) {
		t.Error("no patterns must allow nothing")
	}
}

func TestWithoutSecretsAndFinishedRoundTrip(t *testing.T) {
	f := Finished{Request: validRequest().WithoutSecrets(), Status: "Succeeded", Success: true,
		ComponentsTotal: 3, FinishedAt: "2026-11-30T10:45:00Z"}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "SFDCsessionId") || strings.Contains(string(b), "secret") {
		t.Fatalf("finish detail carries the session: %s", b)
	}
	back, err := ParseFinished(b)
	if err != nil || back.Status != "Succeeded" || back.DeploymentID != f.DeploymentID ||
		back.ComponentsTotal != 3 {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestFixedTick(t *testing.T) {
	tick := FixedTick{Default: time.Minute, Min: 30 * time.Second, Max: 15 * time.Minute}
	for seconds, want := range map[int]time.Duration{0: time.Minute, 10: 30 * time.Second,
		120: 2 * time.Minute, 7200: 15 * time.Minute} {
		r := validRequest()
		r.TickSeconds = seconds
		if got := tick.Next(r, salesforce.DeployResult{}, time.Time{}); got != want {
			t.Errorf("tick %d s = %s, want %s", seconds, got, want)
		}
	}
	if got := Clamp(24*time.Hour, time.Second, 0); got != MaxVisibility {
		t.Errorf("Clamp past 12 h = %s", got)
	}
}

func FuzzParseRequest(f *testing.F) {
	b, _ := json.Marshal(validRequest())
	f.Add(b)
	f.Add([]byte(`{"SFDCdeploymentId":"0Af","tickSeconds":-5}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("parse error is not ErrInvalid: %v", err)
			}
			return
		}
		if err := r.Validate(testRules); err != nil {
			return
		}
		if !RepositoryAllowed(r.RepoPath, testRules.Repositories) ||
			!salesforce.ValidDeploymentID(r.DeploymentID) {
			t.Fatalf("validated a request outside the rules: %+v", r)
		}
		if _, err := testRules.Hosts.OrgURL(r.OrgURL); err != nil {
			t.Fatalf("validated a foreign org URL %q", r.OrgURL)
		}
	})
}
