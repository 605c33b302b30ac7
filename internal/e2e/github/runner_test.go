package githube2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// workflow is the part of a workflow file the runner emulation reads.
type workflow struct {
	RunName string `yaml:"run-name"`
	Jobs    map[string]struct {
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

type step struct {
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	With map[string]string `yaml:"with"`
}

// action is the part of action.yml the runner uses.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string   `yaml:"using"`
		Args  []string `yaml:"args"`
	} `yaml:"runs"`
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

// ourStep returns the workflow's step that uses this action.
func ourStep(t *testing.T, wf workflow) step {
	t.Helper()
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if strings.HasPrefix(s.Uses, "sf-async-deploy/sf-async-deploy@") || s.Uses == "./" {
				return s
			}
		}
	}
	t.Fatal("no step uses sf-async-deploy/sf-async-deploy")
	return step{}
}

var expression = regexp.MustCompile(`\$\{\{\s*([a-z]+)\.([A-Za-z0-9_-]+)\s*\}\}`)

// evaluate replaces ${{ context.name }} with the context's value, failing on an unknown one.
func evaluate(t *testing.T, text string, contexts map[string]map[string]string) string {
	t.Helper()
	return expression.ReplaceAllStringFunc(text, func(m string) string {
		parts := expression.FindStringSubmatch(m)
		values, ok := contexts[parts[1]]
		if !ok {
			t.Fatalf("expression %s uses a context the emulation does not know", m)
		}
		return values[parts[2]]
	})
}

// stepRun is one run of the action's container, as the runner starts it.
type stepRun struct {
	code    int
	stdout  string
	stderr  string
	outputs string
	summary string
}

// runStep runs the action's entrypoint with the step's inputs as INPUT_ variables (defaults
// from action.yml for the rest), the runner's files, and env.
func runStep(t *testing.T, bin string, act action, s step, contexts map[string]map[string]string,
	workspace string, env map[string]string) stepRun {
	t.Helper()
	files := t.TempDir()
	outputs, summary := filepath.Join(files, "output"), filepath.Join(files, "summary")
	for _, f := range []string{outputs, summary} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inputs := map[string]string{}
	for name, in := range act.Inputs {
		inputs[name] = in.Default
	}
	for name, value := range s.With {
		if _, ok := act.Inputs[name]; !ok {
			t.Fatalf("step %s sets input %q that action.yml does not declare", s.ID, name)
		}
		inputs[name] = evaluate(t, value, contexts)
	}
	vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + files, "GITHUB_ACTIONS=true",
		"GITHUB_OUTPUT=" + outputs, "GITHUB_STEP_SUMMARY=" + summary,
		"GITHUB_WORKSPACE=" + workspace}
	for name, value := range inputs {
		vars = append(vars, "INPUT_"+strings.ToUpper(name)+"="+value)
	}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	args := make([]string, len(act.Runs.Args))
	for i, a := range act.Runs.Args {
		args[i] = evaluate(t, a, map[string]map[string]string{"inputs": inputs})
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = workspace, vars
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run step %s: %v", s.ID, err)
	}
	out, _ := os.ReadFile(outputs)
	sum, _ := os.ReadFile(summary)
	return stepRun{code: code, stdout: stdout.String(), stderr: stderr.String(),
		outputs: string(out), summary: string(sum)}
}

// output reads one name=value or heredoc output from a GITHUB_OUTPUT file.
func (r stepRun) output(name string) string {
	lines := strings.Split(r.outputs, "\n")
	for i, line := range lines {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return v
		}
		if delim, ok := strings.CutPrefix(line, name+"<<"); ok && i+1 < len(lines) {
			var value []string
			for _, l := range lines[i+1:] {
				if l == delim {
					break
				}
				value = append(value, l)
			}
			return strings.Join(value, "\n")
		}
	}
	return ""
}
