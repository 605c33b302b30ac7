package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
)

func TestDemoRunsTheWholeFlow(t *testing.T) {
	tests := []struct {
		outcome, platform string
		code              int
		want              string
	}{
		{"success", "github", ExitOK, "workflow_dispatch of sf-async-deploy-finish.yml"},
		{"component-failure", "gitlab", ExitFailed, "play manual job"},
		{"test-failure", "github", ExitFailed, "tests (1 failed)"},
		{"success", "gitlab", ExitOK, "played job"},
	}
	for _, tt := range tests {
		t.Run(tt.outcome+"-"+tt.platform, func(t *testing.T) {
			results := filepath.Join(t.TempDir(), "results")
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), []string{"demo", "--outcome", tt.outcome,
				"--platform", tt.platform, "--pause", "0", "--results-dir", results},
				Env{Getenv: func(string) string { return "" }, Stdout: &stdout, Stderr: &stderr})
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			out := stdout.String()
			for _, want := range []string{"deploy job", "monitor", "next check in",
				"published Deployment Finished", tt.want, "finish job"} {
				if !strings.Contains(out, want) {
					t.Errorf("timeline lacks %q:\n%s", want, out)
				}
			}
			for _, name := range []string{"deploy-result.json", "junit.xml",
				"coverage/cobertura.xml", "summary.md", "deployment.json"} {
				if _, err := os.Stat(filepath.Join(results, name)); err != nil {
					t.Errorf("artifact %s: %v", name, err)
				}
			}
			if strings.Contains(out+stderr.String(), fakeorg.DefaultAccessToken) {
				t.Error("the simulated org's token reached the demo's output")
			}
		})
	}
}
