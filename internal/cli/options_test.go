package cli

import (
	"io"
	"strings"
	"testing"
	"time"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestOptionResolutionOrder(t *testing.T) {
	defs := []option{{name: "org-url"}, {name: "check-only", boolean: true, def: "false"},
		{name: "results-dir", def: "sf-async-deploy-results"}}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		key  string
		want string
	}{
		{"flag wins", []string{"--org-url", "https://flag.my.salesforce.com"},
			map[string]string{"GITHUB_ACTIONS": "true", "INPUT_ORG-URL": "https://input",
				"SF_ASYNC_DEPLOY_ORG_URL": "https://env"}, "org-url", "https://flag.my.salesforce.com"},
		{"input under actions", nil, map[string]string{"GITHUB_ACTIONS": "true",
			"INPUT_ORG-URL": "https://input", "SF_ASYNC_DEPLOY_ORG_URL": "https://env"},
			"org-url", "https://input"},
		{"input ignored outside actions", nil, map[string]string{"INPUT_ORG-URL": "https://input",
			"SF_ASYNC_DEPLOY_ORG_URL": "https://env"}, "org-url", "https://env"},
		{"empty input falls through", nil, map[string]string{"GITHUB_ACTIONS": "true",
			"INPUT_ORG-URL": "", "SF_ASYNC_DEPLOY_ORG_URL": "https://env"}, "org-url", "https://env"},
		{"default", nil, nil, "results-dir", "sf-async-deploy-results"},
		{"bare boolean flag", []string{"--check-only"}, nil, "check-only", "true"},
		{"boolean from env", nil, map[string]string{"SF_ASYNC_DEPLOY_CHECK_ONLY": "true"},
			"check-only", "true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseOptions("test", defs, tt.args, envOf(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.str(tt.key); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestOptionErrorsNameTheOption(t *testing.T) {
	defs := []option{{name: "wait"}, {name: "check-only", boolean: true}, {name: "test-level"}}
	o, err := parseOptions("test", defs, []string{"--wait", "soon", "--check-only=maybe",
		"--test-level", "RunEverything"}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.duration("wait"); err == nil || !strings.Contains(err.Error(), "option wait") {
		t.Errorf("duration error = %v", err)
	}
	if _, err := o.boolean("check-only"); err == nil ||
		!strings.Contains(err.Error(), "option check-only") {
		t.Errorf("boolean error = %v", err)
	}
	_, err = o.oneOf("test-level", "NoTestRun")
	if err == nil || !strings.Contains(err.Error(), "use one of NoTestRun") {
		t.Errorf("oneOf error = %v", err)
	}
	if exitCode(err) != ExitUsage {
		t.Errorf("exit code = %d", exitCode(err))
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"90": 90 * time.Second, "90s": 90 * time.Second,
		"15m": 15 * time.Minute, "1.5": 1500 * time.Millisecond} {
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1", "-5s", "soon"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
}
