package shipcheck

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// module is the import path of the repository's module.
const module = "github.com/sf-async-deploy/sf-async-deploy"

// repoRoot returns the folder holding go.mod, found upward from the test's working folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working folder: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working folder")
		}
		dir = parent
	}
}

// workflowFiles returns the repository's workflows and the example workflows, sorted.
func workflowFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{".github/workflows", "examples/github"} {
		for _, ext := range []string{"*.yml", "*.yaml"} {
			found, err := filepath.Glob(filepath.Join(root, dir, ext))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, found...)
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no workflow files found")
	}
	return files
}

// readYAML parses a YAML file into its document's root node.
func readYAML(t *testing.T, path string) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		t.Fatalf("%s: not a single YAML document", path)
	}
	return doc.Content[0]
}

// child returns the value of key in a mapping node, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// dig follows keys through nested mappings; nil when one is missing.
func dig(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = child(n, k)
	}
	return n
}

// pairs calls fn for each key and value of a mapping node, in order.
func pairs(n *yaml.Node, fn func(key string, value *yaml.Node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i].Value, n.Content[i+1])
	}
}

// step is one job step of a workflow.
type step struct {
	file string
	job  string
	node *yaml.Node
}

// steps returns every step of every job of a workflow.
func steps(t *testing.T, file string) []step {
	t.Helper()
	var out []step
	pairs(child(readYAML(t, file), "jobs"), func(job string, j *yaml.Node) {
		if s := child(j, "steps"); s != nil {
			for _, n := range s.Content {
				out = append(out, step{file: file, job: job, node: n})
			}
		}
	})
	return out
}

// rel names a file relative to the repository root, for messages.
func rel(root, file string) string {
	if r, err := filepath.Rel(root, file); err == nil {
		return filepath.ToSlash(r)
	}
	return file
}
