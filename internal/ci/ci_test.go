package ci

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fakeEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestDetect(t *testing.T) {
	now := func() time.Time { return time.Unix(1700000000, 0) }
	tests := []struct {
		vars map[string]string
		want Kind
	}{
		{map[string]string{"GITHUB_ACTIONS": "true"}, GitHub},
		{map[string]string{"GITLAB_CI": "true"}, GitLab},
		{map[string]string{}, Terminal},
	}
	for _, tt := range tests {
		var raw, out bytes.Buffer
		if got := Detect(fakeEnv(tt.vars), &raw, &out, now).Kind(); got != tt.want {
			t.Errorf("Detect(%v) = %s, want %s", tt.vars, got, tt.want)
		}
	}
}

func TestGitHubSurface(t *testing.T) {
	dir := t.TempDir()
	outputFile := filepath.Join(dir, "output")
	summaryFile := filepath.Join(dir, "summary")
	for _, f := range []string{outputFile, summaryFile} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := fakeEnv(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": outputFile,
		"GITHUB_STEP_SUMMARY": summaryFile})
	var raw, out bytes.Buffer
	s := Detect(env, &raw, &out, time.Now)
	s.Mask("line1\nline2")
	s.Group("Deploy")
	s.EndGroup()
	if err := s.Output("deployment-id", "0Af000000000001AAA"); err != nil {
		t.Fatal(err)
	}
	if err := s.Summary("# Done\n"); err != nil {
		t.Fatal(err)
	}
	s.Annotate(Annotation{File: "force-app/classes/A.cls", Line: 3, Title: "ApexClass A",
		Body: "Unexpected token"})

	if got := raw.String(); got != "::add-mask::line1\n::add-mask::line2\n" {
		t.Errorf("masks = %q", got)
	}
	for _, want := range []string{"::group::Deploy", "::endgroup::",
		"::error file=force-app/classes/A.cls,line=3,title=ApexClass A::Unexpected token"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if b, _ := os.ReadFile(outputFile); !strings.Contains(string(b), "0Af000000000001AAA") {
		t.Errorf("GITHUB_OUTPUT = %q", b)
	}
	if b, _ := os.ReadFile(summaryFile); !strings.HasPrefix(string(b), "# Done\n") {
		t.Errorf("GITHUB_STEP_SUMMARY = %q", b)
	}
}

func TestGitHubWithoutOutputFileDoesNotPanic(t *testing.T) {
	var raw, out bytes.Buffer
	s := Detect(fakeEnv(map[string]string{"GITHUB_ACTIONS": "true"}), &raw, &out, time.Now)
	if err := s.Output("x", "y"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "GITHUB_OUTPUT is not set") {
		t.Errorf("no warning: %q", out.String())
	}
}

func TestGitLabSections(t *testing.T) {
	var raw, out bytes.Buffer
	now := func() time.Time { return time.Unix(1700000000, 0) }
	s := Detect(fakeEnv(map[string]string{"GITLAB_CI": "true"}), &raw, &out, now)
	s.Group("Deploy")
	s.Printf("hello")
	s.EndGroup()
	want := "\x1b[0Ksection_start:1700000000:sf_async_deploy_1[collapsed=false]\r\x1b[0KDeploy\n" +
		"hello\n\x1b[0Ksection_end:1700000000:sf_async_deploy_1\r\x1b[0K\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}
