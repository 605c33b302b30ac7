package gitlabe2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/e2e/rie"
)

// installHint says how to get the tools, for skip and failure messages.
const installHint = "install them with `npm install --prefix DIR gitlab-ci-local@4.75.1 " +
	"node@22` and `apt-get install rsync`, then set SF_ASYNC_DEPLOY_TOOLS=DIR"

// toolchain is what running the component locally takes.
type toolchain struct {
	gitlabCILocal string // the gitlab-ci-local executable
	path          string // PATH for gitlab-ci-local: Node 22 first
	git           string
}

// requireTools finds the toolchain, or skips the test; with SF_ASYNC_DEPLOY_REQUIRE_TOOLS=1
// a missing tool fails it instead.
func requireTools(t *testing.T, root string) toolchain {
	t.Helper()
	tc, err := findTools(os.Getenv, root)
	if err == nil {
		return tc
	}
	if os.Getenv("SF_ASYNC_DEPLOY_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%v; %s (SF_ASYNC_DEPLOY_REQUIRE_TOOLS=1 makes this a failure)", err,
			installHint)
	}
	t.Skipf("skipping the GitLab end-to-end tests: %v; %s", err, installHint)
	return tc
}

func findTools(getenv func(string) string, root string) (toolchain, error) {
	pathDirs := filepath.SplitList(getenv("PATH"))
	var dirs []string
	if dir := getenv("SF_ASYNC_DEPLOY_TOOLS"); dir != "" {
		dirs = append(dirs, toolDirs(dir)...)
	}
	dirs = append(dirs, pathDirs...)
	dirs = append(dirs, toolDirs(filepath.Join(root, "bin", "tools"))...)

	tc := toolchain{gitlabCILocal: getenv("GITLAB_CI_LOCAL")}
	if tc.gitlabCILocal == "" {
		tc.gitlabCILocal = lookIn(dirs, "gitlab-ci-local")
	}
	if tc.gitlabCILocal == "" {
		return tc, errors.New("gitlab-ci-local not found")
	}
	// npm puts node@22 beside gitlab-ci-local in node_modules/.bin.
	node, err := findNode(append([]string{filepath.Dir(tc.gitlabCILocal)}, dirs...))
	if err != nil {
		return tc, err
	}
	for _, name := range []string{"rsync", "git"} {
		if lookIn(pathDirs, name) == "" {
			return tc, fmt.Errorf("%s not found on PATH", name)
		}
	}
	tc.git = lookIn(pathDirs, "git")
	tc.path = strings.Join(append([]string{filepath.Dir(node),
		filepath.Dir(tc.gitlabCILocal)}, pathDirs...), string(os.PathListSeparator))
	return tc, nil
}

// toolDirs are the folders an npm --prefix install under dir puts executables in.
func toolDirs(dir string) []string {
	return []string{dir, filepath.Join(dir, "node_modules", ".bin"),
		filepath.Join(dir, "npm", "node_modules", ".bin")}
}

func lookIn(dirs []string, name string) string {
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// findNode returns the first node of major version 22 or later: gitlab-ci-local 4.75.1
// crashes on Node 20 (Set.prototype.union).
func findNode(dirs []string) (string, error) {
	var seen []string
	for _, dir := range dirs {
		node := lookIn([]string{dir}, "node")
		if node == "" {
			continue
		}
		out, err := exec.Command(node, "--version").Output()
		version := strings.TrimSpace(string(out))
		major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0])
		if err == nil && major >= 22 {
			return node, nil
		}
		seen = append(seen, node+" "+version)
	}
	if len(seen) == 0 {
		return "", errors.New("node not found")
	}
	return "", fmt.Errorf("gitlab-ci-local needs Node 22 or later; found only %s",
		strings.Join(seen, ", "))
}

// ciLocal runs gitlab-ci-local in one repository, with an environment of its own.
type ciLocal struct {
	tools toolchain
	dir   string
	home  string
}

// run is one gitlab-ci-local invocation: its exit code, its standard output (where
// --list-json writes), and everything it printed.
type run struct {
	code   int
	stdout string
	output string
}

// jobExit returns the exit code gitlab-ci-local reports for job ("NAME finished in 2 s
// FAIL 1"; nothing after the time means 0), and false when the job did not finish.
func (r run) jobExit(job string) (int, bool) {
	plain := ansi.ReplaceAllString(r.output, "")
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(job) +
		` +finished in [^\n]*?(?:(?:WARN|FAIL) +(\d+))? *$`)
	m := re.FindStringSubmatch(plain)
	if m == nil {
		return 0, false
	}
	if m[1] == "" {
		return 0, true
	}
	code, err := strconv.Atoi(m[1])
	return code, err == nil
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// exec runs gitlab-ci-local with args; an error means it could not run or timed out.
func (c ciLocal) exec(ctx context.Context, args ...string) (run, error) {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.tools.gitlabCILocal, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env()
	cmd.WaitDelay = 5 * time.Second
	// Two pipes write to out, from two goroutines: rie.LockedBuffer is safe for that.
	var out rie.LockedBuffer
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, &stdout), &out
	err := cmd.Run()
	r := run{stdout: stdout.String(), output: out.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return r, fmt.Errorf("gitlab-ci-local %s: %w", strings.Join(args, " "), ctx.Err())
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		return r, fmt.Errorf("gitlab-ci-local %s: %w", strings.Join(args, " "), err)
	}
	return r, nil
}

// env is a small, fixed environment: nothing of the caller's (AWS profiles, CI variables)
// reaches the jobs, which get what the pipeline and --variable give them.
func (c ciLocal) env() []string {
	env := []string{"PATH=" + c.tools.path, "HOME=" + c.home, "GIT_CONFIG_NOSYSTEM=1",
		"NO_COLOR=1", "LANG=C.UTF-8"}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	return env
}

// git runs git in the repository, failing the test on error.
func (c ciLocal) git(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(c.tools.git, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}
