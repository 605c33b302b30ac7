package shipcheck

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

var (
	// pinnedUses is OWNER/REPO[/PATH]@SHA with a full 40-hex commit SHA.
	pinnedUses = regexp.MustCompile(`^([\w.-]+/[\w.-]+)(/[^@]*)?@([0-9a-f]{40})$`)
	// versionComment is the version the SHA was taken from, such as "# v6.0.2".
	versionComment = regexp.MustCompile(`^#\s*(v(\d+)(\.\d+){0,2})$`)
	// ownAction is how the examples use this action: by tag, as users do.
	ownAction = regexp.MustCompile(`^sf-async-deploy/sf-async-deploy@v\d+(\.\d+){0,2}$`)
)

// pin is one SHA-pinned use of an action.
type pin struct {
	repo, sha, version string
}

// TestUsesArePinned checks that every third-party action or reusable workflow is pinned to a
// commit SHA with its version in a comment, and that each is pinned the same way everywhere.
func TestUsesArePinned(t *testing.T) {
	root := repoRoot(t)
	seen := map[string]pin{}
	for _, file := range workflowFiles(t, root) {
		example := strings.HasPrefix(rel(root, file), "examples/")
		for _, u := range allUses(t, file) {
			where := rel(root, file) + ": job " + u.job + ": " + u.node.Value
			switch {
			case strings.HasPrefix(u.node.Value, "./") && !example:
				continue
			case example && ownAction.MatchString(u.node.Value):
				continue
			}
			p, ok := parsePin(u.node)
			if !ok {
				t.Errorf("%s: want OWNER/REPO@<40-hex SHA> # vX.Y.Z", where)
				continue
			}
			if prev, ok := seen[p.repo]; ok && prev != p {
				t.Errorf("%s: %s is pinned as %s # %s elsewhere: use one version", where,
					p.repo, prev.sha, prev.version)
			}
			seen[p.repo] = p
			if u.step != nil {
				checkInputs(t, where, p, u.step)
			}
		}
	}
}

// use is one uses: of a workflow, of a step (step set) or of a job (a reusable workflow).
type use struct {
	job  string
	node *yaml.Node
	step *yaml.Node
}

func allUses(t *testing.T, file string) []use {
	t.Helper()
	var out []use
	pairs(child(readYAML(t, file), "jobs"), func(job string, j *yaml.Node) {
		if u := child(j, "uses"); u != nil {
			out = append(out, use{job: job, node: u})
		}
	})
	for _, s := range steps(t, file) {
		if u := child(s.node, "uses"); u != nil {
			out = append(out, use{job: s.job, node: u, step: s.node})
		}
	}
	return out
}

func parsePin(uses *yaml.Node) (pin, bool) {
	m := pinnedUses.FindStringSubmatch(uses.Value)
	c := versionComment.FindStringSubmatch(strings.TrimSpace(uses.LineComment))
	if m == nil || c == nil {
		return pin{}, false
	}
	return pin{repo: m[1] + m[2], sha: m[3], version: c[1]}, true
}

// checkInputs checks a pinned step's with: against actionlint's data on popular actions,
// which actionlint itself skips for a SHA ref.
func checkInputs(t *testing.T, where string, p pin, n *yaml.Node) {
	t.Helper()
	major := p.version
	if i := strings.IndexByte(major, '.'); i >= 0 {
		major = major[:i]
	}
	meta, ok := actionlint.PopularActions[p.repo+"@"+major]
	if !ok || meta.SkipInputs {
		return
	}
	given := map[string]bool{}
	pairs(child(n, "with"), func(k string, _ *yaml.Node) {
		given[strings.ToLower(k)] = true
		if _, ok := meta.Inputs[strings.ToLower(k)]; !ok {
			t.Errorf("%s: %s %s has no input %q", where, p.repo, major, k)
		}
	})
	for id, in := range meta.Inputs {
		if in.Required && !given[id] {
			t.Errorf("%s: %s %s needs input %q", where, p.repo, major, in.Name)
		}
	}
}
