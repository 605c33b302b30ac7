package bench_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cli"
)

// TestBenchCommandRunsQuick checks that bench --quick prints every table; no timings.
func TestBenchCommandRunsQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("the quick benchmark takes a few seconds")
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), []string{"bench", "--quick", "--deployments", "60",
		"--seed", "3"}, cli.Env{Getenv: func(string) string { return "" }, Stdout: &stdout,
		Stderr: &stderr})
	if code != cli.ExitOK {
		t.Fatalf("bench exited %d:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"60 deployments", "| fixed 10 min tick |", "| fixed 1 min tick |",
		"| every 1 s (sf CLI) |", "| adaptive (default) |", "| 1-4 h |", "## Targets",
		"| sequential |", "| 10 at a time |", "zip of a 1000-file metadata folder",
		"| deploy: zip, upload, outputs |", "finish: 500 components, 200 tests",
		"Binary sizes: not measured", "AWS $ / deployment-hour",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchCommandRefusesBadOptions(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--deployments", "0"}, {"bench", "--seed", "-1"}, {"bench", "--quick", "maybe"},
		{"bench", "--min-tick", "20m"}, {"bench", "--max-tick", "13h"},
	} {
		var stderr bytes.Buffer
		code := cli.Main(context.Background(), args, cli.Env{
			Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &stderr})
		if code != cli.ExitUsage {
			t.Errorf("%v exited %d, want %d: %s", args, code, cli.ExitUsage, stderr.String())
		}
	}
}
