package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes files (slash-separated paths under dir) with their contents.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	made := map[string]bool{}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if parent := filepath.Dir(p); !made[parent] {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				t.Fatal(err)
			}
			made[parent] = true
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// md returns a metadata file of a type with the given elements.
func md(typ, body string) string {
	return xmlDecl + "<" + typ + ` xmlns="` + metadataNS + `">` + body + "</" + typ + ">\n"
}

// goodClass is a complete Apex class.
var goodClass = map[string]string{
	"classes/A.cls": "public class A {}", "classes/A.cls-meta.xml": md("ApexClass", ""),
}

func TestConvertRefusesWhatItCannotConvert(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // problems: "PATH: REASON" parts, in order
		// unsupported: how many problems are of unsupported types
		unsupported int
	}{
		{name: "unsupported type", files: map[string]string{
			"workflows/Case.workflow-meta.xml": md("Workflow", "")},
			want:        []string{"workflows/Case.workflow-meta.xml: Workflow is not a supported"},
			unsupported: 1},
		{name: "unknown suffix", files: map[string]string{"x/Thing.gizmo-meta.xml": md("G", "")},
			want: []string{`unknown suffix "gizmo"`}},
		{name: "file of no type", files: map[string]string{"notes/README.md": "# x"},
			want: []string{"notes/README.md: matches no metadata type"}},
		{name: "class without content", files: map[string]string{
			"classes/A.cls-meta.xml": md("ApexClass", "")},
			want: []string{"ApexClass A has no content file A.cls"}},
		{name: "class without meta", files: map[string]string{"classes/A.cls": "x"},
			want: []string{"classes/A.cls: matches no metadata type"}},
		{name: "bundle without its meta", files: map[string]string{"lwc/card/card.js": "x"},
			want: []string{"LightningComponentBundle card has no card.js-meta.xml"}},
		{name: "file directly in lwc", files: map[string]string{"lwc/jsconfig.json": "{}"},
			want: []string{"lwc/jsconfig.json: is directly in lwc/"}},
		{name: "static resource folder not a zip", files: map[string]string{
			"staticresources/theme/a.css": "x", "staticresources/theme.resource-meta.xml": md(
				"StaticResource", "<contentType>text/css</contentType>")},
			want: []string{`its contentType must be application/zip, not "text/css"`}},
		{name: "static resource without meta", files: map[string]string{
			"staticresources/logo.png": "x"},
			want: []string{"StaticResource logo has no logo.resource-meta.xml"}},
		{name: "static resource with two contents", files: map[string]string{
			"staticresources/logo.png": "x", "staticresources/logo.svg": "y",
			"staticresources/logo.resource-meta.xml": md("StaticResource", "")},
			want: []string{"StaticResource logo has more than one content"}},
		{name: "report not in a folder", files: map[string]string{
			"reports/R.report-meta.xml": md("Report", "")},
			want: []string{"Report R is not in a folder"}},
		{name: "report outside reports", files: map[string]string{
			"classes/R.report-meta.xml": md("Report", "")},
			want: []string{`Report files belong in a "reports" folder`}},
		{name: "unsupported object child", files: map[string]string{
			"objects/Big__b/indexes/I.index-meta.xml": md("Index", "")},
			want: []string{"Index (a CustomObject child) is not a supported"}, unsupported: 1},
		{name: "unsupported folder", files: map[string]string{
			"documents/Shared/logo.png": "x"},
			want: []string{"Document is not a supported"}, unsupported: 1},
		{name: "object file in the wrong place", files: map[string]string{
			"objects/Account.object-meta.xml": md("CustomObject", "")},
			want: []string{"is directly in objects/"}},
		{name: "every problem listed", files: map[string]string{
			"a/one.txt": "1", "b/two.txt": "2", "workflows/W.workflow-meta.xml": "",
			"classes/A.cls": "x", "classes/A.cls-meta.xml": md("ApexClass", "")},
			want:        []string{"a/one.txt", "b/two.txt", "Workflow"},
			unsupported: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files)
			_, err := ConvertToZip(Options{SourceDirs: []string{dir}, APIVersion: "62.0"},
				&bytes.Buffer{})
			var ce *ConvertError
			if !errors.As(err, &ce) || !errors.Is(err, ErrNotConvertible) {
				t.Fatalf("err = %v, want a *ConvertError", err)
			}
			if len(ce.Problems) != len(tc.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(ce.Problems), len(tc.want), err)
			}
			unsupported := 0
			for i, p := range ce.Problems {
				if got := p.Path + ": " + p.Reason; !strings.Contains(got, tc.want[i]) &&
					!strings.Contains(got, filepath.FromSlash(tc.want[i])) {
					t.Errorf("problem %d = %q, want one with %q", i, got, tc.want[i])
				}
				if p.Unsupported {
					unsupported++
				}
			}
			if unsupported != tc.unsupported {
				t.Errorf("%d unsupported, want %d", unsupported, tc.unsupported)
			}
			for _, w := range []string{"metadata-dir", "sf project convert source",
				".forceignore"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the message does not say %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestConvertRefusesBadInput(t *testing.T) {
	empty := t.TempDir()
	withReplacements := t.TempDir()
	writeTree(t, withReplacements, map[string]string{"sfdx-project.json": `{
		"packageDirectories": [{"path": "force-app"}],
		"replacements": [{"filename": "a", "stringToReplace": "x", "replaceWithEnv": "X"}]}`,
		"force-app/classes/A.cls": "x", "force-app/classes/A.cls-meta.xml": md("ApexClass", "")})
	twice := t.TempDir()
	for _, d := range []string{"one", "two"} {
		writeTree(t, filepath.Join(twice, d), goodClass)
		writeTree(t, filepath.Join(twice, d), map[string]string{"lwc/card/card.js": "x",
			"lwc/card/card.js-meta.xml": md("LightningComponentBundle", "")})
	}
	manifest := filepath.Join(t.TempDir(), "package.xml")
	writeTree(t, filepath.Dir(manifest), map[string]string{"package.xml": `<Package>
		<types><members>A</members><members>Gone</members><name>ApexClass</name></types>
		<types><members>X</members><name>Workflow</name></types></Package>`})
	tests := []struct {
		name     string
		opts     Options
		input    string // the InputError's input, or "" for a ConvertError
		contains string
	}{
		{"missing folder", Options{SourceDirs: []string{"no/such"}}, InputSourceDir,
			`"no/such" is not a folder`},
		{"empty folder", Options{SourceDirs: []string{empty}}, InputSourceDir, "no metadata"},
		{"replacements in the project", Options{SourceDirs: []string{
			filepath.Join(withReplacements, "force-app")}}, InputSourceDir, "sets replacements"},
		{"one class twice", Options{SourceDirs: []string{filepath.Join(twice, "one"),
			filepath.Join(twice, "two")}}, "", "ApexClass A is defined twice"},
		{"one bundle twice", Options{SourceDirs: []string{filepath.Join(twice, "one"),
			filepath.Join(twice, "two")}}, "", "LightningComponentBundle card is defined twice"},
		{"unsupported manifest type", Options{SourceDirs: []string{filepath.Join(twice,
			"one")}, Manifest: manifest}, InputManifest, `"Workflow"`},
		{"missing manifest", Options{SourceDirs: []string{filepath.Join(twice, "one")},
			Manifest: "no/package.xml"}, InputManifest, "read manifest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.APIVersion = "62.0"
			_, err := ConvertToDir(tc.opts, t.TempDir())
			var ie *InputError
			switch {
			case err == nil:
				t.Fatal("no error")
			case tc.input == "" && !errors.Is(err, ErrNotConvertible):
				t.Errorf("err = %v, want a *ConvertError", err)
			case tc.input != "" && (!errors.As(err, &ie) || ie.Input != tc.input):
				t.Errorf("err = %v, want an *InputError for %s", err, tc.input)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("err = %v, want one with %q", err, tc.contains)
			}
		})
	}
}

func TestConvertManifestMemberNotInSource(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, goodClass)
	writeTree(t, dir, map[string]string{"package.xml": `<Package><types><members>A</members>` +
		`<members>Gone</members><name>ApexClass</name></types></Package>`})
	_, err := ConvertToDir(Options{SourceDirs: []string{filepath.Join(dir, "classes")},
		Manifest: filepath.Join(dir, "package.xml"), APIVersion: "62.0"}, t.TempDir())
	var ie *InputError
	if !errors.As(err, &ie) || ie.Input != InputManifest ||
		!strings.Contains(err.Error(), "ApexClass Gone") {
		t.Fatalf("err = %v, want an *InputError naming ApexClass Gone", err)
	}
}

func TestForceIgnoreLetsTheRestConvert(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, goodClass)
	writeTree(t, dir, map[string]string{"notes/README.md": "x", "lwc/jsconfig.json": "{}",
		".forceignore": "notes/\n**/jsconfig.json\n", "sfdx-project.json": `{
		"packageDirectories": [{"path": "classes"}, {"path": "lwc"}, {"path": "notes"}]}`})
	res, err := ConvertToDir(Options{SourceDirs: []string{dir}, APIVersion: "62.0"},
		t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if res.Components != 1 || res.Files != 3 {
		t.Errorf("result = %+v, want 1 component in 3 files", res)
	}
}

func TestZipHoldsTheFolderTreeAndIsDeterministic(t *testing.T) {
	opts := Options{SourceDirs: []string{filepath.Join("testdata", "projects", "full")},
		APIVersion: testAPIVersion}
	dir := t.TempDir()
	res, err := ConvertToDir(opts, dir)
	if err != nil {
		t.Fatal(err)
	}
	var first, second bytes.Buffer
	if _, err := ConvertToZip(opts, &first); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(t.TempDir(), "deploy.zip")
	if _, err := ConvertToZipFile(opts, zipPath); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(zipPath); err != nil {
		t.Fatal(err)
	} else {
		second.Write(data)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("two conversions of one project gave different zips")
	}
	files, err := zipFiles(first.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diffs := compareTrees(treeFiles(t, dir), files); len(diffs) > 0 {
		t.Errorf("the zip differs from the folder:\n%s", strings.Join(diffs, "\n"))
	}
	if res.Files != len(files) {
		t.Errorf("Result.Files = %d, the zip holds %d", res.Files, len(files))
	}
}

func TestFoldersAboveTheProjectDecideNoType(t *testing.T) {
	project := filepath.Join(t.TempDir(), "objects", "reports", "app")
	writeTree(t, project, goodClass)
	writeTree(t, project, map[string]string{"sfdx-project.json": `{"packageDirectories": [
		{"path": "classes"}]}`})
	dir := t.TempDir()
	if _, err := ConvertToDir(Options{SourceDirs: []string{filepath.Join(project, "classes")},
		APIVersion: "62.0"}, dir); err != nil {
		t.Fatal(err)
	}
	if files := treeFiles(t, dir); files["classes/A.cls"] == nil {
		t.Errorf("files = %v, want classes/A.cls", sortedKeys(files))
	}
}
