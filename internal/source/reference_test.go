package source

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testAPIVersion is the version the tests ask package.xml for.
const testAPIVersion = "62.0"

// reference runs @salesforce/source-deploy-retrieve, the Salesforce CLI's converter.
type reference struct {
	node    string // the node binary
	modules string // the node_modules folder that holds the package
	script  string // reference/convert.js
}

// findReference locates node and the installed package: SF_ASYNC_DEPLOY_SDR, else bin/tools/sdr
// under the repository's root. It skips the test when either is missing, or fails it when
// SF_ASYNC_DEPLOY_REQUIRE_TOOLS=1 (scripts/test sets it).
func findReference(t testing.TB) *reference {
	t.Helper()
	root := repoRoot(t)
	dir := os.Getenv("SF_ASYNC_DEPLOY_SDR")
	if dir == "" {
		dir = filepath.Join(root, "bin", "tools", "sdr")
	}
	ref := &reference{modules: filepath.Join(dir, "node_modules"),
		script: filepath.Join(root, "internal", "source", "reference", "convert.js")}
	missing := ""
	pkg := filepath.Join(ref.modules, "@salesforce", "source-deploy-retrieve", "package.json")
	if _, err := os.Stat(pkg); err != nil {
		missing = "@salesforce/source-deploy-retrieve in " + ref.modules
	}
	ref.node = filepath.Join(ref.modules, ".bin", "node") // node@22, installed beside it
	if _, err := os.Stat(ref.node); err != nil {
		if ref.node, err = exec.LookPath("node"); err != nil && missing == "" {
			missing = "node"
		}
	}
	if missing != "" {
		msg := "the reference converter needs " + missing + ": install it with\n" +
			"  mkdir -p bin/tools/sdr && cp internal/source/reference/package*.json " +
			"bin/tools/sdr/ && npm ci --prefix bin/tools/sdr\n(or set SF_ASYNC_DEPLOY_SDR)"
		if os.Getenv("SF_ASYNC_DEPLOY_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return ref
}

// convert runs the reference converter on dirs into out.
func (ref *reference) convert(t testing.TB, out, manifest string, dirs ...string) {
	t.Helper()
	args := []string{"--out", out, "--api-version", testAPIVersion}
	if manifest != "" {
		args = append(args, "--manifest", manifest)
	}
	ref.run(t, append(args, dirs...)...)
}

// run runs reference/convert.js with args.
func (ref *reference) run(t testing.TB, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ref.node, append([]string{ref.script}, args...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+ref.modules, "SF_DISABLE_TELEMETRY=true",
		"SF_DISABLE_LOG_FILE=true", "HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("reference converter: %v\n%s", err, stderr.String())
	}
}

// repoRoot returns the folder holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// insideFull are folders inside the full sample project's package directory.
var insideFull = []string{"full/force-app/main/default/objects",
	"full/force-app/main/default/lwc", "full/force-app/main/default/staticresources"}

// referenceCases are the sample projects and the folders each converter is given: Go takes
// a project's folder where the reference takes its package directories.
var referenceCases = []struct {
	name     string
	goDirs   []string
	refDirs  []string
	manifest string
}{
	{name: "project folder", goDirs: []string{"full"},
		refDirs: []string{"full/force-app", "full/extra-app"}},
	{name: "one package directory", goDirs: []string{"full/force-app"},
		refDirs: []string{"full/force-app"}},
	{name: "folders inside a package", goDirs: insideFull, refDirs: insideFull},
	{name: "manifest", goDirs: []string{"full"},
		refDirs:  []string{"full/force-app", "full/extra-app"},
		manifest: "testdata/manifests/invoices.xml"},
	{name: "second project", goDirs: []string{"standard"},
		refDirs: []string{"standard/src"}},
}

// TestMatchesReferenceConverter converts each sample project with this package and with
// @salesforce/source-deploy-retrieve and compares the two trees file for file.
func TestMatchesReferenceConverter(t *testing.T) {
	ref := findReference(t)
	for _, tc := range referenceCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want, got := t.TempDir(), t.TempDir()
			ref.convert(t, want, tc.manifest, projectPaths(tc.refDirs)...)
			_, err := ConvertToDir(Options{SourceDirs: projectPaths(tc.goDirs),
				Manifest: tc.manifest, APIVersion: testAPIVersion}, got)
			if err != nil {
				t.Fatal(err)
			}
			wantFiles, gotFiles := treeFiles(t, want), treeFiles(t, got)
			if diffs := compareTrees(wantFiles, gotFiles); len(diffs) > 0 {
				t.Errorf("%d differences from the reference converter:\n%s", len(diffs),
					strings.Join(diffs, "\n"))
			}
			if len(wantFiles) < 3 {
				t.Errorf("the reference wrote only %d files", len(wantFiles))
			}
		})
	}
}

// TestReferenceZipMatches compares the zips the two converters write of the full project.
func TestReferenceZipMatches(t *testing.T) {
	ref := findReference(t)
	dirs := projectPaths([]string{"full/force-app", "full/extra-app"})
	want := filepath.Join(t.TempDir(), "ref.zip")
	ref.run(t, "--zip", want, "--api-version", testAPIVersion, dirs[0], dirs[1])
	got := filepath.Join(t.TempDir(), "go.zip")
	if _, err := ConvertToZipFile(Options{SourceDirs: projectPaths([]string{"full"}),
		APIVersion: testAPIVersion}, got); err != nil {
		t.Fatal(err)
	}
	compareZips(t, want, got)
}

// projectPaths returns the sample project paths under testdata/projects.
func projectPaths(rel []string) []string {
	out := make([]string, len(rel))
	for i, r := range rel {
		out[i] = filepath.Join("testdata", "projects", filepath.FromSlash(r))
	}
	return out
}
