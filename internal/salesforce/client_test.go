package salesforce_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/mdapi"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

var loopback = salesforce.HostPolicy{Extra: []string{"127.0.0.1"}}

func newClient(t *testing.T, org *fakeorg.Org, logs *bytes.Buffer) *salesforce.Client {
	t.Helper()
	orgURL, err := loopback.OrgURL(org.URL())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	if logs != nil {
		logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := salesforce.New(salesforce.Config{HTTPClient: org.Client(), Policy: loopback,
		Logger: logger, Backoff: []time.Duration{0, 0, 0}},
		salesforce.TokenAuth{OrgURL: orgURL, AccessToken: org.AccessToken()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func startOrg(t *testing.T, opts fakeorg.Options) *fakeorg.Org {
	t.Helper()
	org := fakeorg.New(opts)
	org.StartTLS()
	t.Cleanup(org.Close)
	return org
}

func zipOf(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for name, body := range map[string]string{"package.xml": `<?xml version="1.0"?><Package/>`,
		"classes/A.cls": "public class A {}"} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "deploy.zip")
	if _, err := mdapi.ZipDirToFile(src, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeploymentLifecycle(t *testing.T) {
	org := startOrg(t, fakeorg.Options{Scenario: fakeorg.Scenario{PendingPolls: 1,
		ComponentPolls: 2, TestPolls: 2, Finalizing: true}})
	var logs bytes.Buffer
	c := newClient(t, org, &logs)
	ctx := context.Background()
	started, err := c.StartDeploy(ctx, zipOf(t), salesforce.DeployOptions{SinglePackage: true,
		RollbackOnError: true, TestLevel: "RunSpecifiedTests", RunTests: []string{"ATest"}})
	if err != nil {
		t.Fatal(err)
	}
	if !salesforce.ValidDeploymentID(started.ID) || started.DeployResult.Status != "Pending" {
		t.Fatalf("start answer = %+v", started)
	}
	got := org.Deployments()[0]
	if got.FileName != "deploy.zip" || got.Options.RunTests[0] != "ATest" {
		t.Errorf("org received %+v", got)
	}
	var seen []salesforce.Status
	for range 20 {
		s, err := c.Status(ctx, started.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, s.Status)
		if s.Done {
			break
		}
	}
	if seen[0] != "Pending" || seen[len(seen)-1] != "Succeeded" {
		t.Errorf("statuses = %v", seen)
	}
	result, raw, err := c.Result(ctx, started.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !result.Succeeded() || result.Details == nil || result.CompletedDate.IsZero() ||
		!bytes.Contains(raw, []byte(`"details"`)) {
		t.Errorf("result = %+v", result)
	}
	if c.APIUsage() == "" || !strings.Contains(logs.String(), "api-usage=") {
		t.Error("Sforce-Limit-Info not recorded")
	}
	if strings.Contains(logs.String(), org.AccessToken()) {
		t.Error("token in the client's logs")
	}
	for _, r := range org.Requests() {
		if r.Authorization != "Bearer "+org.AccessToken() {
			t.Errorf("request %s %s had authorization %q", r.Method, r.Path, r.Authorization)
		}
	}
}

func TestTransientFailuresAreRetried(t *testing.T) {
	for _, kind := range []fakeorg.FaultKind{fakeorg.FaultBadGateway, fakeorg.FaultUnavailable,
		fakeorg.FaultCrossReference, fakeorg.FaultHTML, fakeorg.FaultTruncatedJSON,
		fakeorg.FaultResetAfterHeaders} {
		org := startOrg(t, fakeorg.Options{})
		id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
		c := newClient(t, org, nil)
		org.Fail(2, fakeorg.Fault{Kind: kind})
		if _, err := c.Status(context.Background(), id); err != nil {
			t.Errorf("fault %v twice: %v", kind, err)
		}
		org.Fail(10, fakeorg.Fault{Kind: kind})
		if _, err := c.Status(context.Background(), id); err == nil {
			t.Errorf("fault %v beyond the backoff: no error", kind)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	tests := []struct {
		fault fakeorg.FaultKind
		want  error
	}{
		{fakeorg.FaultSessionExpired, salesforce.ErrSessionExpired},
		{fakeorg.FaultBadAuthHeader, salesforce.ErrSessionExpired},
		{fakeorg.FaultLimitExceeded, salesforce.ErrLimitExceeded},
	}
	for _, tt := range tests {
		org := startOrg(t, fakeorg.Options{})
		id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
		org.Fail(5, fakeorg.Fault{Kind: tt.fault})
		_, err := newClient(t, org, nil).Status(context.Background(), id)
		if !errors.Is(err, tt.want) {
			t.Errorf("fault %v: error %v, want %v", tt.fault, err, tt.want)
		}
		var apiErr *salesforce.APIError
		if !errors.As(err, &apiErr) || apiErr.Code == "" {
			t.Errorf("fault %v: no APIError with a code: %v", tt.fault, err)
		}
	}
	org := startOrg(t, fakeorg.Options{})
	_, err := newClient(t, org, nil).Status(context.Background(), "0Af5g0000000999AAA")
	if !errors.Is(err, salesforce.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestRedirectOffTheAllowlistIsRefused(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	org.Fail(1, fakeorg.Fault{Kind: fakeorg.FaultRedirect, Location: "https://evil.example.com/x"})
	_, err := newClient(t, org, nil).Status(context.Background(), id)
	if !errors.Is(err, salesforce.ErrHostNotAllowed) {
		t.Fatalf("redirect error = %v, want ErrHostNotAllowed", err)
	}
	if strings.Contains(err.Error(), org.AccessToken()) {
		t.Error("token in the error")
	}
}

func TestSessionRefreshOnExpiry(t *testing.T) {
	const refresh = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"
	org := startOrg(t, fakeorg.Options{RefreshToken: refresh, ClientID: "PlatformCLI"})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	parsed, err := salesforce.ParseAuthURL("force://PlatformCLI::"+refresh+"@"+
		strings.TrimPrefix(org.URL(), "https://"), loopback)
	if err != nil {
		t.Fatal(err)
	}
	c, err := salesforce.New(salesforce.Config{HTTPClient: org.Client(), Policy: loopback},
		salesforce.RefreshAuth{AuthURL: parsed, Policy: loopback})
	if err != nil {
		t.Fatal(err)
	}
	org.Fail(1, fakeorg.Fault{Kind: fakeorg.FaultSessionExpired, Path: "deployRequest"})
	if _, err := c.Status(context.Background(), id); err != nil {
		t.Fatalf("status after one expiry: %v", err)
	}
	tokenCalls := 0
	for _, r := range org.Requests() {
		if strings.HasSuffix(r.Path, "/oauth2/token") {
			tokenCalls++
		}
	}
	if tokenCalls != 2 {
		t.Errorf("%d token requests, want 2 (login, then refresh)", tokenCalls)
	}
}

func TestCancelAndQuickDeploy(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	c := newClient(t, org, nil)
	ctx := context.Background()
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	s, err := c.Cancel(ctx, id)
	if err != nil || (s.Status != "Canceling" && s.Status != "Canceled") {
		t.Fatalf("cancel = %+v, %v", s, err)
	}
	validation := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true, CheckOnly: true,
		TestLevel: "RunLocalTests"})
	_ = org.Complete(validation)
	quick, err := c.QuickDeploy(ctx, validation)
	if err != nil || quick.ID == "" || quick.ID == validation {
		t.Fatalf("quick deploy = %+v, %v", quick, err)
	}
	if _, err := c.QuickDeploy(ctx, validation); !errors.Is(err, salesforce.ErrNotFound) {
		t.Errorf("second quick deploy: %v, want ErrNotFound", err)
	}
}

func TestDeployStatusURL(t *testing.T) {
	u, _ := url.Parse("https://acme.my.salesforce.com")
	got := salesforce.DeployStatusURL(u, "0Af5g0000000001CAA")
	want := "https://acme.my.salesforce.com/lightning/setup/DeployStatus/page?address=" +
		"%2Fchangemgmt%2FmonitorDeploymentsDetails.apexp%3FasyncId%3D0Af5g0000000001CAA"
	if got != want {
		t.Errorf("got %s", got)
	}
}
