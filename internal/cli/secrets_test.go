package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/buildinfo"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
)

// TestNoSecretAnywhere runs every command under GitHub Actions with each kind of credential
// and scans stdout, stderr, the outputs, the step summary and every artifact.
func TestNoSecretAnywhere(t *testing.T) {
	const refresh = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY",
		Bytes: must(x509.MarshalPKCS8PrivateKey(key))}))
	org := startOrg(t, fakeorg.Options{Outcome: fakeorg.OutcomeTestFailure, RefreshToken: refresh,
		ClientID: "cid3MVG9", Username: "deploy@acme.example", JWTKey: &key.PublicKey})
	host := strings.TrimPrefix(org.URL(), "https://")
	authURL := "force://cid3MVG9::" + refresh + "@" + host
	keyFile := filepath.Join(t.TempDir(), "server.key")
	if err := os.WriteFile(keyFile, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := map[string][]string{
		"access token": {"--org-url", org.URL(), "--access-token", org.AccessToken()},
		"auth url":     {"--auth-url", authURL},
		"jwt key":      {"--client-id", "cid3MVG9", "--username", "deploy@acme.example", "--jwt-key", keyPEM, "--login-url", org.URL()},
		"jwt key file": {"--client-id", "cid3MVG9", "--username", "deploy@acme.example", "--jwt-key-file", keyFile, "--login-url", org.URL()},
	}
	keyLines := strings.Split(strings.TrimSpace(keyPEM), "\n")
	secrets := append([]string{org.AccessToken(), refresh, authURL}, keyLines[1:len(keyLines)-1]...)
	for name, cred := range creds {
		t.Run(name, func(t *testing.T) {
			inv := newInvocation(t, org).github()
			inv.pub = &recordingPublisher{}
			common := append([]string{"--allowed-org-hosts", "127.0.0.1", "--results-dir",
				inv.results}, cred...)
			inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata"}, common...)...)
			inv.want(ExitOK)
			id := org.Deployments()[len(org.Deployments())-1].ID
			inv.assertNoSecrets(secrets...)
			for _, cmd := range [][]string{{"status", "--deployment-id", id},
				{"finish", "--deployment-id", id, "--wait", "1m"},
				{"cancel", "--deployment-id", id}, {"finish", "--deployment-id", "0Af5g0000000999AAA"}} {
				inv.run(append(cmd, common...)...)
				inv.assertNoSecrets(secrets...)
			}
			if !strings.Contains(inv.stdout.String(), "::add-mask::") {
				t.Error("no ::add-mask:: under GitHub Actions")
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestVersionAndHelp(t *testing.T) {
	inv := newInvocation(t, startOrg(t, fakeorg.Options{}))
	inv.run("version")
	inv.want(ExitOK)
	if !strings.Contains(inv.stdout.String(), "sf-async-deploy "+buildinfo.Version) {
		t.Errorf("version = %q", inv.stdout.String())
	}
	inv.run("deploy", "--help")
	inv.want(ExitOK)
	for _, opt := range []string{"--metadata-dir", "--test-level", "--org-url", "--event-bus"} {
		if !strings.Contains(inv.stderr.String(), opt) {
			t.Errorf("deploy --help lacks %s", opt)
		}
	}
	inv.run()
	inv.want(ExitUsage)
}
