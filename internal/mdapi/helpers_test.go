package mdapi

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

const packageXML = `<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata">
    <types><members>*</members><name>ApexClass</name></types>
    <version>62.0</version>
</Package>
`

// sampleTree returns a small metadata-format folder: paths to contents.
func sampleTree() map[string]string {
	return map[string]string{
		"package.xml":                            packageXML,
		"classes/Hello.cls":                      apexClass("Hello"),
		"classes/Hello.cls-meta.xml":             apexMeta(),
		"classes/HelloTest.cls":                  apexClass("HelloTest"),
		"classes/HelloTest.cls-meta.xml":         apexMeta(),
		"objects/Account.object":                 "<CustomObject/>\n",
		"lwc/hello/hello.js":                     "export default class Hello {}\n",
		"lwc/hello/hello.js-meta.xml":            apexMeta(),
		"staticresources/logo.resource":          "\x89PNG\r\n\x1a\n",
		"staticresources/logo.resource-meta.xml": "<StaticResource/>\n",
	}
}

// apexClass returns a small Apex class.
func apexClass(name string) string {
	return fmt.Sprintf("public with sharing class %s {\n"+
		"    public static String greet() { return 'hello from %s'; }\n}\n", name, name)
}

// apexMeta returns an Apex class's -meta.xml.
func apexMeta() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>62.0</apiVersion>
    <status>Active</status>
</ApexClass>
`
}

// writeTree creates the files of tree under dir.
func writeTree(tb testing.TB, dir string, tree map[string]string) {
	tb.Helper()
	for name, content := range tree {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// newTree returns a new folder holding tree.
func newTree(t *testing.T, tree map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, tree)
	return dir
}

// zipOf returns ZipDir's zip of dir, failing the test on error.
func zipOf(t *testing.T, dir string) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := ZipDir(dir, &buf)
	if err != nil {
		t.Fatalf("ZipDir(%q): %v", dir, err)
	}
	return buf.Bytes(), st
}

// unzip returns the files of a zip in order: names, and names to contents.
func unzip(t *testing.T, data []byte) ([]string, map[string]string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read zip: %v", err)
	}
	var names []string
	contents := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %q: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %q: %v", f.Name, err)
		}
		names = append(names, f.Name)
		contents[f.Name] = string(b)
	}
	return names, contents
}

// zipEntry is one entry of a test zip.
type zipEntry struct {
	name    string
	content string
	mode    fs.FileMode // 0 for a regular file
}

// buildZip returns a zip of entries, in order.
func buildZip(tb testing.TB, entries ...zipEntry) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, e.content); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes data to a new file and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// symlink makes a symlink, skipping the test where the system does not allow one.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symlinks here: %v", err)
	}
}
