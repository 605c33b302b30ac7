package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// orgArgs are the options that reach the simulated org.
func (w *world) orgArgs() []string {
	return []string{"--org-url", w.org.URL(), "--access-token", w.org.AccessToken(),
		"--allowed-org-hosts", "127.0.0.1", "--results-dir", w.opts.ResultsDir}
}

// deploy runs the real deploy command as the CI deploy job would.
func (w *world) deploy(ctx context.Context) int {
	args := append([]string{"deploy", "--metadata-dir", w.sample, "--test-level",
		"RunLocalTests", "--tick", "60s"}, w.orgArgs()...)
	code := w.run(ctx, "deploy job", args)
	w.tl.printf("deploy job", "ended with exit code %d: from here no runner waits", code)
	return code
}

// finish runs the real finish command as the dispatched finish job would.
func (w *world) finish(id string) int {
	args := append([]string{"finish", "--deployment-id", id}, w.orgArgs()...)
	return w.run(context.Background(), "finish job", args)
}

func (w *world) run(ctx context.Context, who string, args []string) int {
	out := filterCommands(w.tl.lines(who))
	return w.opts.Command(ctx, args, Env{Getenv: mapEnv(w.ciEnv()), Stdout: out, Stderr: out,
		Now: w.clock.Now, Publisher: w.bus})
}

// ciEnv is what the CI platform would set for the job.
func (w *world) ciEnv() map[string]string {
	if w.opts.Platform == "gitlab" {
		return map[string]string{"GITLAB_CI": "true", "CI_PROJECT_PATH": "demo/app",
			"CI_PROJECT_ID": "7", "CI_PIPELINE_ID": "4242", "CI_COMMIT_SHA": "5f1c9e2",
			"CI_COMMIT_REF_NAME": "main", "CI_JOB_URL": "https://gitlab.example.com/demo/app/-/jobs/9001",
			"CI_PROJECT_DIR": w.sample}
	}
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "demo/app",
		"GITHUB_REF_NAME": "main", "GITHUB_SHA": "5f1c9e2", "GITHUB_RUN_ID": "4242",
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_WORKSPACE": w.sample}
	for _, name := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
		path := filepath.Join(w.scratch, strings.ToLower(name))
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			f.Close()
			env[name] = path
		}
	}
	return env
}

// filterCommands drops runner commands (masks, groups, GitLab sections) from job output and
// shows annotations as plain lines, so the timeline reads as sentences.
func filterCommands(next writerFunc) writerFunc {
	return func(p []byte) (int, error) {
		var kept []string
		for _, line := range strings.Split(string(p), "\n") {
			switch {
			case strings.HasPrefix(line, "::error"):
				if i := strings.Index(line[2:], "::"); i >= 0 {
					kept = append(kept, "annotation: "+line[i+4:])
				}
			case strings.HasPrefix(line, "::"), strings.Contains(line, "section_start:"),
				strings.Contains(line, "section_end:"):
			default:
				kept = append(kept, line)
			}
		}
		if _, err := next([]byte(strings.Join(kept, "\n"))); err != nil {
			return 0, fmt.Errorf("write timeline: %w", err)
		}
		return len(p), nil
	}
}
