package gitlabe2e

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The project the temporary repository pretends to be: the component's own, so that
// gitlab-ci-local resolves the example's include from the repository instead of a server.
const (
	serverHost  = "gitlab.example.com"
	projectPath = "sf-async-deploy/sf-async-deploy"
	component   = "deploy"
	deployJob   = "sf-async-deploy"
	finishJob   = "sf-async-deploy-finish"
	resultsDir  = "sf-async-deploy-results"
)

// repoRoot is the module's root, three folders up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("find the repository root: %v", err)
	}
	return root
}

// buildCLI builds cmd/sf-async-deploy into a temporary folder and returns its path.
func buildCLI(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin", "sf-async-deploy")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/sf-async-deploy")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sf-async-deploy: %v\n%s", err, out)
	}
	return bin
}

// gitRepo is a temporary project as gitlab-ci-local sees it: an origin remote whose path is
// projectPath, templates/ and metadata/ committed at HEAD, and an uncommitted .gitlab-ci.yml
// (committing it would move HEAD away from the SHA it includes the component at).
type gitRepo struct {
	ciLocal
	sha string
}

// pipelineFunc writes the pipeline for the component at sha.
type pipelineFunc func(t *testing.T, sha string) []byte

func newRepo(t *testing.T, tools toolchain, root string, pipeline pipelineFunc) gitRepo {
	t.Helper()
	base := t.TempDir()
	r := gitRepo{ciLocal: ciLocal{tools: tools, dir: filepath.Join(base, "repo"),
		home: filepath.Join(base, "home")}}
	for _, dir := range []string{r.dir, r.home} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyDir(t, filepath.Join(root, "templates"), filepath.Join(r.dir, "templates"))
	copyDir(t, filepath.Join(root, "examples", "gitlab", "metadata"),
		filepath.Join(r.dir, "metadata"))

	r.git(t, "init", "--quiet", "--initial-branch=main")
	r.git(t, "config", "user.name", "sf-async-deploy tests")
	r.git(t, "config", "user.email", "tests@"+serverHost)
	r.git(t, "config", "commit.gpgsign", "false")
	r.git(t, "remote", "add", "origin", "https://"+serverHost+"/"+projectPath+".git")
	// gitlab-ci-local asks for the remote's default branch; without this it warns.
	r.git(t, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	r.git(t, "add", "--all")
	r.git(t, "commit", "--quiet", "--message", "component and metadata")
	r.sha = r.git(t, "rev-parse", "HEAD")

	if err := os.WriteFile(filepath.Join(r.dir, ".gitlab-ci.yml"), pipeline(t, r.sha),
		0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", from, err)
	}
}

// examplePipeline is examples/gitlab/.gitlab-ci.yml with its component included from the
// temporary repository at sha, and inputs overridden (nil removes one).
func examplePipeline(root string, overrides map[string]any) pipelineFunc {
	return func(t *testing.T, sha string) []byte {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join(root, "examples", "gitlab", ".gitlab-ci.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("parse the example pipeline: %v", err)
		}
		includes, _ := doc["include"].([]any)
		if len(includes) != 1 {
			t.Fatalf("the example pipeline has %d includes, want 1", len(includes))
		}
		include, _ := includes[0].(map[string]any)
		ref, _ := include["component"].(string)
		prefix := "$CI_SERVER_FQDN/" + projectPath + "/" + component + "@"
		if !strings.HasPrefix(ref, prefix) {
			t.Fatalf("the example includes component %q, want %s…", ref, prefix)
		}
		include["component"] = prefix + sha
		inputs, _ := include["inputs"].(map[string]any)
		if inputs == nil {
			inputs = map[string]any{}
			include["inputs"] = inputs
		}
		for k, v := range overrides {
			if v == nil {
				delete(inputs, k)
			} else {
				inputs[k] = v
			}
		}
		out, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// filePipeline is a file of the repository, unchanged.
func filePipeline(path string) pipelineFunc {
	return func(t *testing.T, _ string) []byte {
		t.Helper()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
}

// artifact reads a file the named job stored as an artifact.
func (r gitRepo) artifact(t *testing.T, job, name string) []byte {
	t.Helper()
	path := filepath.Join(r.dir, ".gitlab-ci-local", "artifacts", job, resultsDir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("artifact %s of job %s: %v", name, job, err)
	}
	return data
}
