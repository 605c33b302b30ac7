package shipcheck

import (
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// actionInput is one input of action.yml.
type actionInput struct {
	description string
	def         *string
}

func readActionInputs(t *testing.T, root string) map[string]actionInput {
	t.Helper()
	inputs := map[string]actionInput{}
	pairs(child(readYAML(t, filepath.Join(root, "action.yml")), "inputs"),
		func(name string, n *yaml.Node) {
			in := actionInput{}
			if d := child(n, "description"); d != nil {
				in.description = d.Value
			}
			if d := child(n, "default"); d != nil {
				in.def = &d.Value
			}
			inputs[name] = in
		})
	return inputs
}

func TestActionInputsAreTheCLIOptions(t *testing.T) {
	root := repoRoot(t)
	inputs := readActionInputs(t, root)
	options := map[string]cliOption{}
	for cmd, opts := range cliOptions(t, root) {
		for _, o := range opts {
			if prev, ok := options[o.name]; ok && prev.def != o.def {
				t.Errorf("option %s: default %q in one command, %q in %s: an input has one "+
					"default", o.name, prev.def, o.def, cmd)
			}
			options[o.name] = o
		}
	}

	for name, o := range options {
		in, ok := inputs[name]
		switch {
		case !ok:
			t.Errorf("action.yml: no input %s for the CLI option of that name", name)
		case o.def == "" && in.def != nil:
			t.Errorf("action.yml: input %s has default %q but the CLI has none: drop it, "+
				"or an unset input would not behave like an unset option", name, *in.def)
		case o.def != "" && (in.def == nil || *in.def != o.def):
			t.Errorf("action.yml: input %s: want default %q, the CLI's", name, o.def)
		}
	}
	for name, in := range inputs {
		if _, ok := options[name]; !ok && name != "command" {
			t.Errorf("action.yml: input %s is no option of %s", name,
				strings.Join(actionCommands, ", "))
		}
		if strings.TrimSpace(in.description) == "" {
			t.Errorf("action.yml: input %s has no description", name)
		}
	}
}

func TestActionCommandInput(t *testing.T) {
	in, ok := readActionInputs(t, repoRoot(t))["command"]
	if !ok || in.def == nil || *in.def != "deploy" {
		t.Fatal("action.yml: want input command with default deploy")
	}
	for _, cmd := range actionCommands {
		if !strings.Contains(in.description, "`"+cmd+"`") {
			t.Errorf("action.yml: input command's description does not name `%s`", cmd)
		}
	}
}

// TestActionSecretInputs checks that the secret options say so and point users at secrets.
func TestActionSecretInputs(t *testing.T) {
	inputs := readActionInputs(t, repoRoot(t))
	for _, name := range []string{"access-token", "auth-url", "jwt-key",
		"aws-web-identity-token", "github-token", "gitlab-token"} {
		d := inputs[name].description
		if !strings.Contains(d, "SECRET") || !strings.Contains(d, "secret") {
			t.Errorf("action.yml: input %s: the description must mark it SECRET and say to "+
				"pass it from a secret", name)
		}
	}
}

func TestActionOutputsAreTheCLIOutputs(t *testing.T) {
	root := repoRoot(t)
	var outputs []string
	pairs(child(readYAML(t, filepath.Join(root, "action.yml")), "outputs"),
		func(name string, n *yaml.Node) {
			outputs = append(outputs, name)
			if d := child(n, "description"); d == nil || strings.TrimSpace(d.Value) == "" {
				t.Errorf("action.yml: output %s has no description", name)
			}
		})
	sort.Strings(outputs)
	if want := cliOutputs(t, root); !slices.Equal(outputs, want) {
		t.Errorf("action.yml outputs = %v\nthe CLI sets %v", outputs, want)
	}
}

// imageRef matches the action's image: main names :edge, a release commit its own tag.
var imageRef = regexp.MustCompile(
	`^docker://(ghcr\.io/sf-async-deploy/sf-async-deploy):(edge|v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?)$`)

func TestActionRunsAPrebuiltImage(t *testing.T) {
	root := repoRoot(t)
	runs := child(readYAML(t, filepath.Join(root, "action.yml")), "runs")
	if u := child(runs, "using"); u == nil || u.Value != "docker" {
		t.Fatal("action.yml: want runs.using docker")
	}
	img := child(runs, "image")
	if img == nil {
		t.Fatal("action.yml: no runs.image")
	}
	m := imageRef.FindStringSubmatch(img.Value)
	if m == nil {
		t.Fatalf("action.yml: image %q: want a prebuilt docker://ghcr.io/… image tagged edge "+
			"or vX.Y.Z (a Dockerfile would be compiled at every job start)", img.Value)
	}
	args := child(runs, "args")
	if args == nil || len(args.Content) != 1 || args.Content[0].Value != "${{ inputs.command }}" {
		t.Error("action.yml: want args: [ \"${{ inputs.command }}\" ]")
	}

	// The workflows must publish the image that action.yml names.
	for file, tag := range map[string]string{"edge.yml": "edge",
		"release.yml": "${{ github.ref_name }}"} {
		if !publishes(t, filepath.Join(root, ".github/workflows", file), m[1]+":"+tag) {
			t.Errorf(".github/workflows/%s: does not push %s:%s", file, m[1], tag)
		}
	}
}

// publishes reports whether a workflow has a build-push step whose tags include want.
func publishes(t *testing.T, file, want string) bool {
	t.Helper()
	env := map[string]string{}
	pairs(child(readYAML(t, file), "env"), func(k string, v *yaml.Node) { env[k] = v.Value })
	for _, s := range steps(t, file) {
		uses, tags := child(s.node, "uses"), dig(s.node, "with", "tags")
		if uses == nil || !strings.HasPrefix(uses.Value, "docker/build-push-action@") ||
			tags == nil {
			continue
		}
		expanded := tags.Value
		for k, v := range env {
			expanded = strings.ReplaceAll(expanded, "${{ env."+k+" }}", v)
		}
		for _, tag := range strings.FieldsFunc(expanded, func(r rune) bool {
			return r == ',' || r == '\n'
		}) {
			if strings.TrimSpace(tag) == want {
				return true
			}
		}
	}
	return false
}
