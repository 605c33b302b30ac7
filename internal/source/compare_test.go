package source

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// treeFiles returns the files under dir, slash-separated, with their bytes.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// compareZips fails the test when two deployment zips differ, file for file.
func compareZips(t *testing.T, wantPath, gotPath string) {
	t.Helper()
	var trees [2]map[string][]byte
	for i, p := range []string{wantPath, gotPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if trees[i], err = zipFiles(data); err != nil {
			t.Fatal(err)
		}
	}
	if diffs := compareTrees(trees[0], trees[1]); len(diffs) > 0 {
		t.Errorf("%d differences from the reference zip:\n%s", len(diffs),
			strings.Join(diffs, "\n"))
	}
}

// zipFiles returns the files of a zip, folders left out, or an error when data is no zip.
func zipFiles(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name] = b
	}
	return files, nil
}

// compareTrees reports every difference between the file sets want and got: a missing or
// extra file, or a file whose content differs. XML is compared after normalising whitespace
// and attribute order; zips (static resources) by the files they hold.
func compareTrees(want, got map[string][]byte) []string {
	var diffs []string
	for _, name := range sortedKeys(want) {
		g, ok := got[name]
		if !ok {
			diffs = append(diffs, "missing "+name)
			continue
		}
		if d := compareFile(name, want[name], g); d != "" {
			diffs = append(diffs, d)
		}
	}
	for _, name := range sortedKeys(got) {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "extra "+name)
		}
	}
	return diffs
}

// compareFile returns how two versions of one file differ, or "".
func compareFile(name string, want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	if wz, err := zipFiles(want); err == nil {
		gz, err := zipFiles(got)
		if err != nil {
			return fmt.Sprintf("%s: want a zip, got: %v", name, err)
		}
		if d := compareTrees(wz, gz); len(d) > 0 {
			return fmt.Sprintf("%s (zip): %s", name, strings.Join(d, "; "))
		}
		return ""
	}
	wx, werr := normalizeXML(want)
	gx, gerr := normalizeXML(got)
	if werr == nil && gerr == nil {
		if wx == gx {
			return ""
		}
		return fmt.Sprintf("%s: XML differs\n--- want\n%s\n--- got\n%s", name, wx, gx)
	}
	return fmt.Sprintf("%s: bytes differ\n--- want\n%s\n--- got\n%s", name, want, got)
}

// normalizeXML writes an XML document one node a line: elements with their attributes
// sorted, text trimmed, whitespace-only text dropped, comments kept.
func normalizeXML(data []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Entity = xml.HTMLEntity
	var b strings.Builder
	depth, elements := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		indent := strings.Repeat("  ", depth)
		switch t := tok.(type) {
		case xml.StartElement:
			attrs := make([]string, 0, len(t.Attr))
			for _, a := range t.Attr {
				attrs = append(attrs, fmt.Sprintf("%s:%s=%q", a.Name.Space, a.Name.Local, a.Value))
			}
			sort.Strings(attrs)
			fmt.Fprintf(&b, "%s<%s %s %s>\n", indent, t.Name.Space, t.Name.Local,
				strings.Join(attrs, " "))
			depth++
			elements++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); s != "" {
				fmt.Fprintf(&b, "%s%q\n", indent, s)
			}
		case xml.Comment:
			fmt.Fprintf(&b, "%s<!--%s-->\n", indent, strings.TrimSpace(string(t)))
		}
	}
	if depth != 0 || elements == 0 {
		return "", errors.New("not a complete XML document")
	}
	return b.String(), nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestCompareTrees checks that the comparison with the reference converter ignores only
// whitespace and attribute order.
func TestCompareTrees(t *testing.T) {
	zipOf := func(files map[string]string) string {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range sortedKeys(toBytes(files)) {
			w, _ := zw.Create(name)
			io.WriteString(w, files[name])
		}
		zw.Close()
		return buf.String()
	}
	tests := []struct {
		name      string
		want, got map[string]string
		diffs     int
	}{
		{"same", map[string]string{"a.cls": "x"}, map[string]string{"a.cls": "x"}, 0},
		{"missing and extra", map[string]string{"a": "x"}, map[string]string{"b": "x"}, 2},
		{"text differs", map[string]string{"a.cls": "x"}, map[string]string{"a.cls": "x "}, 1},
		{"xml whitespace and attribute order", map[string]string{
			"o.object": `<a x="1" y="2"><b>v</b></a>`},
			map[string]string{"o.object": "<a y=\"2\" x=\"1\">\n    <b> v </b>\n</a>"}, 0},
		{"xml element order", map[string]string{"o.object": `<a><b/><c/></a>`},
			map[string]string{"o.object": `<a><c/><b/></a>`}, 1},
		{"xml text", map[string]string{"o.object": `<a><b>v</b></a>`},
			map[string]string{"o.object": `<a><b>w</b></a>`}, 1},
		{"zip entries", map[string]string{"r.resource": zipOf(map[string]string{"x": "1"})},
			map[string]string{"r.resource": zipOf(map[string]string{"x": "2"})}, 1},
		{"zip folders ignored", map[string]string{"r.resource": zipOf(map[string]string{
			"d/": "", "d/x": "1"})},
			map[string]string{"r.resource": zipOf(map[string]string{"d/x": "1"})}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := compareTrees(toBytes(tc.want), toBytes(tc.got)); len(d) != tc.diffs {
				t.Errorf("%d differences, want %d: %v", len(d), tc.diffs, d)
			}
		})
	}
}

// toBytes converts a map of strings to one of bytes.
func toBytes(files map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range files {
		out[k] = []byte(v)
	}
	return out
}
