package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
)

func TestBadInputExits2BeforeAnyRequest(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	token := org.AccessToken()
	noPackage := t.TempDir()
	if err := os.WriteFile(filepath.Join(noPackage, "x.cls"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"--org-url", org.URL(), "--access-token", token,
		"--allowed-org-hosts", "127.0.0.1", "--monitor", "none"}
	tests := []struct {
		name string
		args []string
		want string // the option the message must name
	}{
		{"nothing to deploy", append([]string{"deploy"}, base...), "metadata-dir"},
		{"two sources", append([]string{"deploy", "--metadata-dir", "testdata/metadata",
			"--deployment-id", "0Af5g0000000001CAA"}, base...), "alternatives"},
		{"unknown test level", append([]string{"deploy", "--metadata-dir", "testdata/metadata",
			"--test-level", "RunSome"}, base...), "option test-level"},
		{"tests without specified level", append([]string{"deploy", "--metadata-dir",
			"testdata/metadata", "--test-level", "RunLocalTests", "--tests", "A"}, base...),
			"option tests"},
		{"specified without tests", append([]string{"deploy", "--metadata-dir",
			"testdata/metadata", "--test-level", "RunSpecifiedTests"}, base...), "option tests"},
		{"relevant tests on old api", append([]string{"deploy", "--metadata-dir",
			"testdata/metadata", "--test-level", "RunRelevantTests"}, base...), "api-version 66.0"},
		{"org outside allowlist", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--org-url", "https://evil.example.com", "--access-token", token}, "option org-url"},
		{"loopback not listed", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--org-url", org.URL(), "--access-token", token}, "allowed-org-hosts"},
		{"http org", []string{"deploy", "--metadata-dir", "testdata/metadata", "--org-url",
			"http://acme.my.salesforce.com", "--access-token", token}, "option org-url"},
		{"no credentials", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--org-url", org.URL(), "--allowed-org-hosts", "127.0.0.1"}, "access-token"},
		{"token without org url", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--access-token", token}, "option org-url"},
		{"malformed auth url", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--auth-url", "force://nope"}, "option auth-url"},
		{"token and auth url", append([]string{"deploy", "--metadata-dir", "testdata/metadata",
			"--auth-url", "force://a::b@acme.my.salesforce.com"}, base...), "alternatives"},
		{"bad jwt key", []string{"deploy", "--metadata-dir", "testdata/metadata", "--client-id",
			"cid", "--username", "u@example.com", "--jwt-key", "not a key"}, "option jwt-key"},
		{"jwt without username", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--client-id", "cid", "--jwt-key", "x"}, "username"},
		{"bad deployment id", append([]string{"deploy", "--deployment-id", "0Af123"}, base...),
			"option deployment-id"},
		{"bad validated id", append([]string{"deploy", "--validated-deployment-id",
			"04t000000000000AAA"}, base...), "option validated-deployment-id"},
		{"folder without package.xml", append([]string{"deploy", "--metadata-dir", noPackage},
			base...), "package.xml"},
		{"missing folder", append([]string{"deploy", "--metadata-dir", "no/such/dir"}, base...),
			"option metadata-dir"},
		{"bad boolean", append([]string{"deploy", "--metadata-dir", "testdata/metadata",
			"--check-only=perhaps"}, base...), "option check-only"},
		{"unknown monitor", []string{"deploy", "--metadata-dir", "testdata/metadata", "--org-url",
			org.URL(), "--access-token", token, "--allowed-org-hosts", "127.0.0.1", "--monitor",
			"sqs"}, "option monitor"},
		{"bad tick", append([]string{"deploy", "--metadata-dir", "testdata/metadata", "--tick",
			"often"}, base...), "option tick"},
		{"bad api version", append([]string{"deploy", "--metadata-dir", "testdata/metadata",
			"--api-version", "62"}, base...), "option api-version"},
		{"role without token", append([]string{"deploy", "--metadata-dir", "testdata/metadata",
			"--aws-role-arn", "arn:aws:iam::1:role/x"}, base...), "aws-web-identity-token"},
		{"finish without id", append([]string{"finish"}, base[:6]...), "option deployment-id"},
		{"finish bad wait", append([]string{"finish", "--deployment-id", "0Af5g0000000001CAA",
			"--wait", "-5m"}, base[:6]...), "option wait"},
		{"status bad id", append([]string{"status", "--deployment-id", "0Af!"}, base[:6]...),
			"option deployment-id"},
		{"unknown flag", []string{"cancel", "--org", "x"}, "flag provided but not defined"},
		{"unknown command", []string{"launch"}, "unknown command"},
		{"eventbridge outside CI", []string{"deploy", "--metadata-dir", "testdata/metadata",
			"--org-url", org.URL(), "--access-token", token, "--allowed-org-hosts",
			"127.0.0.1"}, "option monitor"},
		{"results dir is a file", append([]string{"deploy", "--metadata-dir",
			"testdata/metadata", "--results-dir", "testdata/metadata/package.xml"}, base...),
			"option results-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(org.Requests())
			inv := newInvocation(t, org)
			inv.run(tt.args...)
			inv.want(ExitUsage)
			if !strings.Contains(inv.stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, inv.stderr.String())
			}
			if after := len(org.Requests()); after != before {
				t.Errorf("%d requests reached the org before the input was checked", after-before)
			}
			inv.assertNoSecrets(token)
		})
	}
}

func TestOrgRefusalExits4WithTheOrgsError(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	tests := []struct {
		name  string
		fault fakeorg.FaultKind
		want  string
	}{
		{"session expired", fakeorg.FaultSessionExpired, "INVALID_SESSION_ID"},
		{"limit", fakeorg.FaultLimitExceeded, "REQUEST_LIMIT_EXCEEDED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org.ClearFaults()
			org.Fail(10, fakeorg.Fault{Kind: tt.fault})
			inv := newInvocation(t, org).github()
			inv.run(append([]string{"status", "--deployment-id", id}, inv.orgFlags()...)...)
			inv.want(ExitRemote)
			if !strings.Contains(inv.stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, inv.stderr.String())
			}
			inv.assertNoSecrets(org.AccessToken())
		})
	}
	org.ClearFaults()
	inv := newInvocation(t, org)
	inv.run(append([]string{"finish", "--deployment-id", "0Af5g0000000999AAA"},
		inv.orgFlags()...)...)
	inv.want(ExitRemote)
	if !strings.Contains(inv.stderr.String(), "NOT_FOUND") {
		t.Errorf("stderr lacks NOT_FOUND:\n%s", inv.stderr.String())
	}
}
