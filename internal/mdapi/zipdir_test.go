package mdapi

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestZipDirContents(t *testing.T) {
	tree := sampleTree()
	dir := newTree(t, tree)
	data, st := zipOf(t, dir)

	names, contents := unzip(t, data)
	want := make([]string, 0, len(tree))
	for name := range tree {
		want = append(want, name)
	}
	slices.Sort(want) // lexical within each folder equals a plain sort for these names
	if !slices.Equal(names, want) {
		t.Errorf("entries = %q, want %q", names, want)
	}
	for name, content := range tree {
		if contents[name] != content {
			t.Errorf("entry %q = %q, want %q", name, contents[name], content)
		}
	}

	var unzipped int64
	for _, c := range tree {
		unzipped += int64(len(c))
	}
	wantStats := Stats{Files: len(tree), ZipBytes: int64(len(data)),
		UnzippedBytes: unzipped, SinglePackage: true}
	if st != wantStats {
		t.Errorf("stats = %+v, want %+v", st, wantStats)
	}
	checked, err := CheckZip(writeFile(t, "deploy.zip", data))
	if err != nil || checked != wantStats {
		t.Errorf("CheckZip = %+v, %v; want %+v, nil", checked, err, wantStats)
	}
}

func TestZipDirDeterministic(t *testing.T) {
	tree := sampleTree()
	names := make([]string, 0, len(tree))
	for name := range tree {
		names = append(names, name)
	}
	slices.Sort(names)

	// Two copies written in opposite orders, with different times.
	first, second := t.TempDir(), t.TempDir()
	for i := range names {
		writeTree(t, first, map[string]string{names[i]: tree[names[i]]})
		last := names[len(names)-1-i]
		writeTree(t, second, map[string]string{last: tree[last]})
	}
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, name := range names {
		if err := os.Chtimes(filepath.Join(second, name), old, old); err != nil {
			t.Fatal(err)
		}
	}

	a, _ := zipOf(t, first)
	again, _ := zipOf(t, first)
	b, _ := zipOf(t, second)
	if !bytes.Equal(a, again) {
		t.Error("two zips of one folder differ")
	}
	if !bytes.Equal(a, b) {
		t.Error("zips of two copies of a folder differ")
	}
}

func TestZipDirSkips(t *testing.T) {
	dir := newTree(t, map[string]string{
		"package.xml":               packageXML,
		".git/HEAD":                 "ref: refs/heads/main\n",
		".git/objects/ab/cdef":      "blob",
		"sub/.git":                  "gitdir: ../.git/modules/sub\n",
		".DS_Store":                 "cruft",
		"classes/.DS_Store":         "cruft",
		"classes/Thumbs.db":         "cruft",
		"classes/A.cls":             apexClass("A"),
		"classes/A.cls-meta.xml":    apexMeta(),
		"documents/folder/.gitkeep": "",
		".forceignore":              "**/jsconfig.json\n",
	})
	data, st := zipOf(t, dir)
	names, _ := unzip(t, data)

	want := []string{".forceignore", "classes/A.cls", "classes/A.cls-meta.xml",
		"documents/folder/.gitkeep", "package.xml"}
	if !slices.Equal(names, want) {
		t.Errorf("entries = %q, want %q", names, want)
	}
	if st.Files != len(want) {
		t.Errorf("Files = %d, want %d", st.Files, len(want))
	}
}

func TestZipDirNoPackageXML(t *testing.T) {
	tests := []struct {
		name      string
		tree      map[string]string
		wantFound string
	}{
		{"empty folder", map[string]string{}, ""},
		{"source format", map[string]string{"sfdx-project.json": "{}"}, ""},
		{"one folder too high", map[string]string{"src/package.xml": packageXML}, "src"},
		{"package.xml is a folder", map[string]string{"package.xml/x": ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tt.tree)

			_, err := ZipDir(dir, io.Discard)
			if !errors.Is(err, ErrNoPackageXML) {
				t.Fatalf("err = %v, want ErrNoPackageXML", err)
			}
			var npe *NoPackageXMLError
			if !errors.As(err, &npe) || npe.Path != dir || npe.Zip {
				t.Fatalf("err = %#v, want a *NoPackageXMLError for the folder", err)
			}
			want := ""
			if tt.wantFound != "" {
				want = filepath.Join(dir, tt.wantFound, "package.xml")
			}
			if npe.Found != want {
				t.Errorf("Found = %q, want %q", npe.Found, want)
			}
			if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, ": ") {
				t.Errorf("message %q names neither the folder nor a fix", msg)
			}
		})
	}
}

func TestZipDirNotAFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := ZipDir(missing, io.Discard)
	if err == nil || errors.Is(err, ErrNoPackageXML) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want a not-exist error", err)
	}
}

func TestZipDirSymlinks(t *testing.T) {
	tests := []struct {
		name       string
		link       string // the symlink, in the folder
		target     func(dir, outside string) string
		wantUnsafe bool
		wantErr    bool
	}{
		{"relative, inside", "classes/B.cls", rel("A.cls"), false, false},
		{"absolute, inside", "classes/B.cls", abs("classes/A.cls"), false, false},
		{"relative, outside", "classes/B.cls", rel("../../outside/secret"), true, true},
		{"absolute, outside", "classes/B.cls", outsideFile, true, true},
		{"package.xml outside", "package.xml", outsideFile, true, true},
		{"to a folder inside", "more", rel("classes"), false, true},
		{"dangling", "classes/B.cls", rel("gone.cls"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			dir, outside := filepath.Join(base, "mdapi"), filepath.Join(base, "outside")
			writeTree(t, outside, map[string]string{"secret": "do not upload"})
			tree := map[string]string{"classes/A.cls": apexClass("A")}
			if tt.link != "package.xml" {
				tree["package.xml"] = packageXML
			}
			writeTree(t, dir, tree)
			symlink(t, tt.target(dir, outside), filepath.Join(dir, tt.link))

			var buf bytes.Buffer
			_, err := ZipDir(dir, &buf)
			if (err != nil) != tt.wantErr || errors.Is(err, ErrUnsafePath) != tt.wantUnsafe {
				t.Fatalf("err = %v, want error %v, unsafe %v", err, tt.wantErr, tt.wantUnsafe)
			}
			if err != nil {
				if strings.Contains(buf.String(), "do not upload") {
					t.Error("the zip holds the file outside the folder")
				}
				return
			}
			if _, contents := unzip(t, buf.Bytes()); contents[tt.link] != apexClass("A") {
				t.Errorf("entry %q = %q, want a copy of classes/A.cls", tt.link, contents[tt.link])
			}
		})
	}
}

// rel returns a symlink target relative to the link's folder.
func rel(target string) func(dir, outside string) string {
	return func(string, string) string { return target }
}

// abs returns an absolute symlink target inside the folder.
func abs(name string) func(dir, outside string) string {
	return func(dir, _ string) string { return filepath.Join(dir, name) }
}

// outsideFile returns an absolute symlink target outside the folder.
func outsideFile(_, outside string) string { return filepath.Join(outside, "secret") }

func TestZipDirLimits(t *testing.T) {
	noise := make([]byte, 64*1024) // incompressible, so the zip is larger than 64 KB
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	tree := map[string]string{
		"package.xml":                    packageXML,
		"classes/A.cls":                  apexClass("A"),
		"staticresources/noise.resource": string(noise),
	}
	dir := newTree(t, tree)
	full, st := zipOf(t, dir)

	tests := []struct {
		name      string
		lim       limits
		wantLimit Limit // 0 for success
		wantSize  int64
		wantIs    error
	}{
		{"at every limit", limits{3, int64(len(full)), st.UnzippedBytes}, 0, 0, nil},
		{"files", limits{2, MaxZipBytes, MaxUnzippedBytes}, LimitFiles, 3, ErrTooManyFiles},
		{"unzipped", limits{MaxFiles, MaxZipBytes, st.UnzippedBytes - 1},
			LimitUnzippedBytes, st.UnzippedBytes, ErrTooLarge},
		{"zipped", limits{MaxFiles, 1000, MaxUnzippedBytes},
			LimitZipBytes, int64(len(full)), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			got, err := zipDir(dir, &buf, tt.lim)
			if tt.wantLimit == 0 {
				if err != nil || got != st || !bytes.Equal(buf.Bytes(), full) {
					t.Fatalf("zipDir = %+v, %v; want %+v and the same zip", got, err, st)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want a *LimitError matching %v", err, tt.wantIs)
			}
			limitOf := map[Limit]int64{LimitFiles: int64(tt.lim.files),
				LimitZipBytes: tt.lim.zipBytes, LimitUnzippedBytes: tt.lim.unzippedBytes}
			want := LimitError{Path: dir, Limit: tt.wantLimit, Max: limitOf[tt.wantLimit],
				Size: tt.wantSize}
			if *le != want {
				t.Errorf("err = %+v, want %+v", *le, want)
			}
			if int64(buf.Len()) > tt.lim.zipBytes {
				t.Errorf("wrote %d bytes, more than the limit of %d", buf.Len(), tt.lim.zipBytes)
			}
		})
	}
}

func TestZipDirToFile(t *testing.T) {
	dir := newTree(t, sampleTree())
	out := filepath.Join(t.TempDir(), "deploy.zip")
	st, err := ZipDirToFile(dir, out)
	if err != nil {
		t.Fatalf("ZipDirToFile: %v", err)
	}
	want, _ := zipOf(t, dir)
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, want) {
		t.Errorf("file differs from ZipDir's zip (err %v)", err)
	}
	if checked, err := CheckZip(out); err != nil || checked != st {
		t.Errorf("CheckZip = %+v, %v; want %+v", checked, err, st)
	}

	if _, err := ZipDirToFile(dir, filepath.Join(dir, "classes", "deploy.zip")); err == nil {
		t.Error("ZipDirToFile wrote the zip inside the folder it zips")
	}

	empty := t.TempDir()
	failed := filepath.Join(t.TempDir(), "failed.zip")
	if _, err := ZipDirToFile(empty, failed); !errors.Is(err, ErrNoPackageXML) {
		t.Errorf("err = %v, want ErrNoPackageXML", err)
	}
	if _, err := os.Stat(failed); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed zip is left behind (stat: %v)", err)
	}
}
