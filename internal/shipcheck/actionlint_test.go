package shipcheck

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// newLinter returns actionlint as its command runs it, minus shellcheck and pyflakes (CI's
// actionlint step adds shellcheck), with the repository as its project so that `uses: ./`
// resolves to action.yml whatever the test's working folder.
func newLinter(t *testing.T, root string) (*actionlint.Linter, *actionlint.Project) {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{
		WorkingDir: root,
		LogWriter:  io.Discard,
		Color:      actionlint.ColorOptionKindNever,
	})
	if err != nil {
		t.Fatalf("create actionlint: %v", err)
	}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatalf("open actionlint project: %v", err)
	}
	return l, proj
}

func formatErrors(root string, errs []*actionlint.Error) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n%s:%d:%d: %s [%s]", rel(root, e.Filepath), e.Line, e.Column,
			e.Message, e.Kind)
	}
	return b.String()
}

func TestWorkflowsPassActionlint(t *testing.T) {
	root := repoRoot(t)
	l, proj := newLinter(t, root)
	files := workflowFiles(t, root)
	errs, err := l.LintFiles(files, proj)
	if err != nil {
		t.Fatalf("actionlint: %v", err)
	}
	if len(errs) > 0 {
		t.Errorf("actionlint found %d errors in %d files:%s", len(errs), len(files),
			formatErrors(root, errs))
	}
}

// TestActionlintReadsActionYML proves that the lint above checks action.yml: a workflow using
// `uses: ./` with an undeclared input fails.
func TestActionlintReadsActionYML(t *testing.T) {
	root := repoRoot(t)
	l, proj := newLinter(t, root)
	probe := []byte(`on: workflow_dispatch
jobs:
  probe:
    runs-on: ubuntu-latest
    steps:
      - uses: ./
        with:
          command: status
          no-such-input: x
`)
	errs, err := l.Lint(filepath.Join(root, ".github/workflows/shipcheck-probe.yml"), probe, proj)
	if err != nil {
		t.Fatalf("actionlint: %v", err)
	}
	if !strings.Contains(formatErrors(root, errs), "no-such-input") {
		t.Fatalf("actionlint did not report an undeclared input of action.yml; it said:%s",
			formatErrors(root, errs))
	}
}
