package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// invocation is one run of the command with its environment and what it wrote.
type invocation struct {
	t       *testing.T
	org     *fakeorg.Org
	vars    map[string]string
	dir     string
	results string
	pub     Publisher
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	code    int
}

// newInvocation prepares a run against org, with results in a temporary folder.
func newInvocation(t *testing.T, org *fakeorg.Org) *invocation {
	t.Helper()
	dir := t.TempDir()
	return &invocation{t: t, org: org, dir: dir, results: filepath.Join(dir, "results"),
		vars: map[string]string{}}
}

// orgFlags are the flags that reach the fake org with its access token.
func (inv *invocation) orgFlags() []string {
	return []string{"--org-url", inv.org.URL(), "--access-token", inv.org.AccessToken(),
		"--allowed-org-hosts", "127.0.0.1", "--results-dir", inv.results}
}

// github makes the run look like a GitHub Actions step, with output and summary files.
func (inv *invocation) github() *invocation {
	for _, name := range []string{"output", "summary", "env"} {
		if err := os.WriteFile(filepath.Join(inv.dir, name), nil, 0o644); err != nil {
			inv.t.Fatal(err)
		}
	}
	for k, v := range map[string]string{"GITHUB_ACTIONS": "true",
		"GITHUB_OUTPUT": filepath.Join(inv.dir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(inv.dir, "summary"),
		"GITHUB_REPOSITORY": "acme/app", "GITHUB_REF_NAME": "main", "GITHUB_SHA": "0123abcd",
		"GITHUB_RUN_ID": "42", "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_WORKSPACE": "testdata/workspace"} {
		inv.vars[k] = v
	}
	return inv
}

// gitlab makes the run look like a GitLab CI job.
func (inv *invocation) gitlab() *invocation {
	for k, v := range map[string]string{"GITLAB_CI": "true", "CI_PROJECT_PATH": "acme/app",
		"CI_PROJECT_ID": "7", "CI_PIPELINE_ID": "99", "CI_COMMIT_SHA": "0123abcd",
		"CI_COMMIT_REF_NAME": "main", "CI_JOB_URL": "https://gitlab.com/acme/app/-/jobs/1",
		"CI_PROJECT_DIR": "testdata/workspace"} {
		inv.vars[k] = v
	}
	return inv
}

// run executes the command and returns its exit code.
func (inv *invocation) run(args ...string) int {
	inv.t.Helper()
	inv.stdout.Reset()
	inv.stderr.Reset()
	env := Env{Getenv: func(k string) string { return inv.vars[k] }, Stdout: &inv.stdout,
		Stderr: &inv.stderr, HTTPClient: inv.org.Client(), PollInterval: time.Millisecond,
		Publisher: inv.pub, Now: func() time.Time { return fakeorg.DefaultStart }}
	inv.code = Main(context.Background(), args, env)
	return inv.code
}

func (inv *invocation) want(code int) {
	inv.t.Helper()
	if inv.code != code {
		inv.t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", inv.code, code,
			inv.stdout.String(), inv.stderr.String())
	}
}

func (inv *invocation) file(name string) string {
	inv.t.Helper()
	b, err := os.ReadFile(filepath.Join(inv.results, name))
	if err != nil {
		inv.t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

func (inv *invocation) ghFile(name string) string {
	b, _ := os.ReadFile(filepath.Join(inv.dir, name))
	return string(b)
}

// everything is all the run wrote: stdout, stderr, the GitHub files and every artifact,
// with the ::add-mask:: lines (which must carry the secret to the runner) left out.
func (inv *invocation) everything() string {
	inv.t.Helper()
	var all strings.Builder
	for _, line := range strings.Split(inv.stdout.String(), "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			all.WriteString(line + "\n")
		}
	}
	all.WriteString(inv.stderr.String())
	_ = filepath.WalkDir(inv.dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			all.Write(b)
		}
		return nil
	})
	return all.String()
}

// assertNoSecrets fails when a secret appears anywhere the run wrote.
func (inv *invocation) assertNoSecrets(secrets ...string) {
	inv.t.Helper()
	all := inv.everything()
	for _, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			inv.t.Errorf("secret %.6s… appears in the output", s)
		}
	}
}

// recordingPublisher stands in for EventBridge.
type recordingPublisher struct {
	bus  string
	reqs []monitor.Request
	err  error
}

var _ Publisher = (*recordingPublisher)(nil)

func (p *recordingPublisher) Publish(_ context.Context, bus string, req monitor.Request) error {
	p.bus = bus
	p.reqs = append(p.reqs, req)
	return p.err
}

func startOrg(t *testing.T, opts fakeorg.Options) *fakeorg.Org {
	t.Helper()
	org := fakeorg.New(opts)
	org.StartTLS()
	t.Cleanup(org.Close)
	return org
}
