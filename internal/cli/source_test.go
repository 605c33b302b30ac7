package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/source"
)

// sampleProjects is where internal/source keeps the sample projects of its tests.
const sampleProjects = "../source/testdata/projects"

func TestDeploySourceDirSendsTheConvertedZip(t *testing.T) {
	tests := []struct {
		name     string
		dirs     []string // what source-dir gets
		refDirs  []string // what the reference converter gets
		manifest string
	}{
		{name: "package directory", dirs: []string{"full/force-app"},
			refDirs: []string{"full/force-app"}},
		{name: "project folder", dirs: []string{"full"},
			refDirs: []string{"full/force-app", "full/extra-app"}},
		{name: "two folders and a manifest", dirs: []string{"full/force-app", "full/extra-app"},
			refDirs:  []string{"full/force-app", "full/extra-app"},
			manifest: "../source/testdata/manifests/invoices.xml"},
		{name: "second project", dirs: []string{"standard/src"},
			refDirs: []string{"standard/src"}},
	}
	ref := findSDR(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			org := startOrg(t, fakeorg.Options{})
			inv := newInvocation(t, org)
			args := []string{"deploy", "--source-dir", strings.Join(samples(tc.dirs), ","),
				"--monitor", "none"}
			if tc.manifest != "" {
				args = append(args, "--manifest", tc.manifest)
			}
			inv.run(append(args, inv.orgFlags()...)...)
			inv.want(ExitOK)

			deps := org.Deployments()
			if len(deps) != 1 || !deps[0].Options.SinglePackage {
				t.Fatalf("deployments = %+v, want one with singlePackage", deps)
			}
			if !strings.Contains(inv.stdout.String(), "converted from source format") {
				t.Errorf("stdout does not say the source was converted:\n%s", inv.stdout.String())
			}
			want := convertedFiles(t, tc.dirs, tc.manifest)
			if !slices.Equal(deps[0].Files, want) {
				t.Errorf("zip files = %v\nwant the converter's %v", deps[0].Files, want)
			}
			if ref != nil {
				if refFiles := ref.files(t, samples(tc.refDirs), tc.manifest); !slices.Equal(
					deps[0].Files, refFiles) {
					t.Errorf("zip files = %v\nwant the reference converter's %v", deps[0].Files,
						refFiles)
				}
			}
		})
	}
}

func TestDeploySourceDirRefusesWhatItCannotConvert(t *testing.T) {
	bad := t.TempDir()
	writeFiles(t, bad, map[string]string{
		"main/default/classes/A.cls":                                "public class A {}",
		"main/default/classes/A.cls-meta.xml":                       meta("ApexClass"),
		"main/default/workflows/Case.workflow-meta.xml":             meta("Workflow"),
		"main/default/notes/README.md":                              "# notes",
		"main/default/quickActions/Case.Close.quickAction-meta.xml": meta("QuickAction"),
	})
	org := startOrg(t, fakeorg.Options{})
	base := []string{"--org-url", org.URL(), "--access-token", org.AccessToken(),
		"--allowed-org-hosts", "127.0.0.1", "--monitor", "none"}
	full := sampleProjects + "/full"
	tests := []struct {
		name string
		args []string
		want []string // what the message must hold
	}{
		{"unsupported and unknown files", []string{"--source-dir", bad},
			[]string{"option source-dir", "3 files cannot be converted",
				"Workflow is not a supported metadata type", "README.md",
				"QuickAction", "metadata-dir", "sf project convert source"}},
		{"missing folder", []string{"--source-dir", "no/such/folder"},
			[]string{"option source-dir", "no/such/folder"}},
		{"manifest without source-dir", []string{"--metadata-dir", "testdata/metadata",
			"--manifest", "package.xml"}, []string{"option manifest only applies with source-dir"}},
		{"missing manifest", []string{"--source-dir", full, "--manifest", "no/package.xml"},
			[]string{"option manifest", "no/package.xml"}},
		{"manifest member not in the source", []string{"--source-dir", full + "/force-app",
			"--manifest", "../source/testdata/manifests/invoices.xml"},
			[]string{"option manifest", "CustomField Account.Credit_Limit__c"}},
		{"source-dir and metadata-dir", []string{"--source-dir", full, "--metadata-dir",
			"testdata/metadata"}, []string{"alternatives"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := newInvocation(t, org)
			inv.run(append(append([]string{"deploy"}, tc.args...), base...)...)
			inv.want(ExitUsage)
			for _, w := range tc.want {
				if !strings.Contains(inv.stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, inv.stderr.String())
				}
			}
		})
	}
	if n := len(org.Deployments()); n != 0 {
		t.Errorf("the org received %d deployments, want none", n)
	}
}

// samples returns the sample projects' folders by their names under sampleProjects.
func samples(rel []string) []string {
	out := make([]string, len(rel))
	for i, r := range rel {
		out[i] = filepath.Join(sampleProjects, filepath.FromSlash(r))
	}
	return out
}

// convertedFiles returns the files internal/source converts the sample folders into.
func convertedFiles(t *testing.T, dirs []string, manifest string) []string {
	t.Helper()
	out := t.TempDir()
	_, err := source.ConvertToDir(source.Options{SourceDirs: samples(dirs), Manifest: manifest,
		APIVersion: "62.0"}, out)
	if err != nil {
		t.Fatal(err)
	}
	return listFiles(t, out)
}

// listFiles returns the files under dir, slash-separated, sorted.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// writeFiles writes files (slash-separated paths under dir) with their contents.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// meta returns a minimal metadata file of a type.
func meta(typ string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + typ +
		` xmlns="http://soap.sforce.com/2006/04/metadata"></` + typ + ">\n"
}

// sdr runs @salesforce/source-deploy-retrieve through internal/source/reference/convert.js.
type sdr struct{ node, modules, script string }

// findSDR finds node and the reference converter as internal/source's tests do, or returns
// nil (failing instead when SF_ASYNC_DEPLOY_REQUIRE_TOOLS=1).
func findSDR(t *testing.T) *sdr {
	t.Helper()
	dir := os.Getenv("SF_ASYNC_DEPLOY_SDR")
	if dir == "" {
		dir = filepath.Join("..", "..", "bin", "tools", "sdr")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &sdr{modules: filepath.Join(dir, "node_modules"),
		script: filepath.Join("..", "source", "reference", "convert.js")}
	s.node = filepath.Join(s.modules, ".bin", "node")
	_, err = os.Stat(filepath.Join(s.modules, "@salesforce", "source-deploy-retrieve"))
	if _, nerr := os.Stat(s.node); err == nil && nerr != nil {
		s.node, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv("SF_ASYNC_DEPLOY_REQUIRE_TOOLS") == "1" {
			t.Fatalf("the reference converter is not installed (%v): install it with "+
				"npm ci --prefix bin/tools/sdr after copying internal/source/reference/package*.json "+
				"there, or set SF_ASYNC_DEPLOY_SDR", err)
		}
		t.Log("the reference converter is not installed: comparing with internal/source only")
		return nil
	}
	return s
}

// files converts dirs with the reference converter and lists what it wrote.
func (s *sdr) files(t *testing.T, dirs []string, manifest string) []string {
	t.Helper()
	out := t.TempDir()
	args := []string{s.script, "--out", out, "--api-version", "62.0"}
	if manifest != "" {
		args = append(args, "--manifest", manifest)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.node, append(args, dirs...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+s.modules, "SF_DISABLE_TELEMETRY=true",
		"SF_DISABLE_LOG_FILE=true", "HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("reference converter: %v\n%s", err, stderr.String())
	}
	return listFiles(t, out)
}
