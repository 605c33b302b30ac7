package shipcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// simpleValue is what the end-to-end tests can substitute in an example's with: a literal, or
// one ${{ secrets.X }}, ${{ vars.X }} or ${{ inputs.X }}.
var simpleValue = regexp.MustCompile(`^\$\{\{ (secrets|vars|inputs)\.[A-Za-z0-9_-]+ \}\}$`)

// cliDefault returns the CLI's default of an option of the given command.
func cliDefault(t *testing.T, root, cmd, name string) string {
	t.Helper()
	for _, o := range cliOptions(t, root)[cmd] {
		if o.name == name {
			return o.def
		}
	}
	t.Fatalf("internal/cli: command %s has no option %s", cmd, name)
	return ""
}

// actionStep returns the one step of an example that uses this action, checking its id.
func actionStep(t *testing.T, file, id string) *yaml.Node {
	t.Helper()
	var found *yaml.Node
	name := "examples/github/" + filepath.Base(file)
	for _, s := range steps(t, file) {
		if u := child(s.node, "uses"); u != nil && ownAction.MatchString(u.Value) {
			if found != nil {
				t.Fatalf("%s: more than one sf-async-deploy step", name)
			}
			found = s.node
		}
	}
	if found == nil {
		t.Fatalf("%s: no step uses sf-async-deploy/sf-async-deploy@vN", name)
	}
	if got := child(found, "id"); got == nil || got.Value != id {
		t.Errorf("%s: the sf-async-deploy step needs id: %s", name, id)
	}
	pairs(child(found, "with"), func(k string, v *yaml.Node) {
		if strings.Contains(v.Value, "${{") && !simpleValue.MatchString(v.Value) {
			t.Errorf("%s: with.%s = %q: use a literal or one ${{ secrets.X }}, ${{ vars.X }} "+
				"or ${{ inputs.X }}", name, k, v.Value)
		}
	})
	return found
}

func TestDeployExample(t *testing.T) {
	file := filepath.Join(repoRoot(t), "examples/github/sf-async-deploy.yml")
	wf := readYAML(t, file)
	on := child(wf, "on")
	if dig(on, "push", "branches") == nil || child(on, "workflow_dispatch") == nil {
		t.Error("deploy example: want on push to main and on workflow_dispatch")
	}
	if p := dig(wf, "permissions", "id-token"); p == nil || p.Value != "write" {
		t.Error("deploy example: want permissions id-token: write for AWS OIDC")
	}
	with := child(actionStep(t, file, "deploy"), "with")
	if c := child(with, "command"); c == nil || c.Value != "deploy" {
		t.Error("deploy example: want command: deploy")
	}
}

func TestFinishExample(t *testing.T) {
	root := repoRoot(t)
	// The Lambda dispatches the workflow of the CLI's default finish-workflow name.
	name := cliDefault(t, root, "deploy", "finish-workflow")
	file := filepath.Join(root, "examples/github", name)
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("no example finish workflow named %s, the default finish-workflow", name)
	}
	wf := readYAML(t, file)

	inputs := dig(wf, "on", "workflow_dispatch", "inputs")
	id := child(inputs, "deployment-id")
	if req, typ := child(id, "required"), child(id, "type"); req == nil || req.Value != "true" ||
		typ == nil || typ.Value != "string" {
		t.Error("finish example: want workflow_dispatch input deployment-id, required, string")
	}
	status := child(inputs, "status")
	if def := child(status, "default"); def == nil || def.Value != "Unknown" {
		t.Error("finish example: want workflow_dispatch input status with default Unknown")
	}
	// The Lambda matches run titles to avoid a duplicate dispatch.
	if rn := child(wf, "run-name"); rn == nil ||
		!regexp.MustCompile(`\$\{\{\s*inputs\.deployment-id\s*\}\}`).MatchString(rn.Value) {
		t.Error("finish example: run-name must contain ${{ inputs.deployment-id }}")
	}

	with := child(actionStep(t, file, "finish"), "with")
	if c := child(with, "command"); c == nil || c.Value != "finish" {
		t.Error("finish example: want command: finish")
	}
	if d := child(with, "deployment-id"); d == nil || d.Value != "${{ inputs.deployment-id }}" {
		t.Error("finish example: want deployment-id: ${{ inputs.deployment-id }}")
	}
	checkUpload(t, file, cliDefault(t, root, "finish", "results-dir"))
}

// checkUpload checks that the finish example keeps the results folder, even on failure.
func checkUpload(t *testing.T, file, resultsDir string) {
	t.Helper()
	for _, s := range steps(t, file) {
		u := child(s.node, "uses")
		if u == nil || !strings.HasPrefix(u.Value, "actions/upload-artifact@") {
			continue
		}
		if c := child(s.node, "if"); c == nil || c.Value != "always()" {
			t.Error("finish example: upload the results with if: always(), or a failed " +
				"deployment keeps none")
		}
		if p := dig(s.node, "with", "path"); p == nil || p.Value != resultsDir {
			t.Errorf("finish example: upload path must be %s, the default results-dir",
				resultsDir)
		}
		if n := dig(s.node, "with", "name"); n == nil ||
			!strings.Contains(n.Value, "inputs.deployment-id") {
			t.Error("finish example: name the artifact after inputs.deployment-id")
		}
		return
	}
	t.Error("finish example: no actions/upload-artifact step")
}
