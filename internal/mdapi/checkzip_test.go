package mdapi

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	manifest = zipEntry{name: "package.xml", content: packageXML}
	class    = zipEntry{name: "classes/A.cls", content: "public class A {}"}
)

func TestCheckZip(t *testing.T) {
	tests := []struct {
		name       string
		entries    []zipEntry
		wantSingle bool
		wantFiles  int
		wantErr    error  // nil for success
		wantName   string // the unsafe entry, or the package.xml found deeper down
	}{
		{"package.xml at the root", []zipEntry{manifest, class}, true, 2, nil, ""},
		{"with folder entries", []zipEntry{{name: "classes/"}, class, manifest}, true, 2, nil, ""},
		{"one top-level folder",
			[]zipEntry{{name: "src/package.xml"}, {name: "src/classes/A.cls"}},
			false, 2, nil, ""},
		{"two packages", []zipEntry{{name: "a/package.xml"}, {name: "b/package.xml"}},
			false, 2, nil, ""},
		{"no package.xml", []zipEntry{class}, false, 0, ErrNoPackageXML, ""},
		{"empty zip", nil, false, 0, ErrNoPackageXML, ""},
		{"too deep", []zipEntry{{name: "a/src/package.xml"}}, false, 0, ErrNoPackageXML,
			"a/src/package.xml"},
		{"Finder's __MACOSX", []zipEntry{{name: "src/package.xml"}, {name: "__MACOSX/._src"}},
			false, 0, ErrNoPackageXML, "src/package.xml"},
		{"loose file beside a package", []zipEntry{{name: "src/package.xml"}, {name: "README"}},
			false, 0, ErrNoPackageXML, "src/package.xml"},
		{"zip slip", []zipEntry{manifest, {name: "../evil"}}, false, 0, ErrUnsafePath, "../evil"},
		{"zip slip inside", []zipEntry{manifest, {name: "classes/../../evil"}}, false, 0,
			ErrUnsafePath, "classes/../../evil"},
		{"backslash slip", []zipEntry{manifest, {name: `..\evil`}}, false, 0, ErrUnsafePath,
			`..\evil`},
		{"absolute", []zipEntry{manifest, {name: "/etc/passwd"}}, false, 0, ErrUnsafePath,
			"/etc/passwd"},
		{"drive letter", []zipEntry{manifest, {name: "C:/evil"}}, false, 0, ErrUnsafePath,
			"C:/evil"},
		{"symlink entry", []zipEntry{manifest, {name: "classes", content: "/etc",
			mode: fs.ModeSymlink | 0o777}}, false, 0, ErrUnsafePath, "classes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "deploy.zip", buildZip(t, tt.entries...))
			st, err := CheckZip(path)
			if tt.wantErr == nil {
				if err != nil || st.SinglePackage != tt.wantSingle || st.Files != tt.wantFiles {
					t.Fatalf("CheckZip = %+v, %v; want single %v, %d files",
						st, err, tt.wantSingle, tt.wantFiles)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			checkDetails(t, err, path, tt.wantName)
		})
	}
}

// checkDetails checks the path and entry name an error of CheckZip reports.
func checkDetails(t *testing.T, err error, path, name string) {
	t.Helper()
	var npe *NoPackageXMLError
	var upe *UnsafePathError
	switch {
	case errors.As(err, &npe):
		if npe.Path != path || !npe.Zip || npe.Found != name {
			t.Errorf("err = %+v, want path %q and found %q", *npe, path, name)
		}
	case errors.As(err, &upe):
		if upe.Path != path || upe.Name != name {
			t.Errorf("err = %+v, want path %q and name %q", *upe, path, name)
		}
	default:
		t.Errorf("err = %#v, want a typed error", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("message %q does not name the zip", err)
	}
}

func TestCheckZipLimits(t *testing.T) {
	data := buildZip(t, manifest, class, zipEntry{name: "classes/A.cls-meta.xml", content: "m"})
	size := int64(len(data))
	unzipped := int64(len(packageXML) + len(class.content) + 1)
	tests := []struct {
		name   string
		lim    limits
		want   Limit // 0 for success
		wantIs error
	}{
		{"at every limit", limits{3, size, unzipped}, 0, nil},
		{"files", limits{2, size, unzipped}, LimitFiles, ErrTooManyFiles},
		{"zipped", limits{3, size - 1, unzipped}, LimitZipBytes, ErrTooLarge},
		{"unzipped", limits{3, size, unzipped - 1}, LimitUnzippedBytes, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := checkZip(bytes.NewReader(data), size, "deploy.zip", tt.lim)
			if tt.want == 0 {
				want := Stats{Files: 3, ZipBytes: size, UnzippedBytes: unzipped,
					SinglePackage: true}
				if err != nil || st != want {
					t.Fatalf("checkZip = %+v, %v; want %+v", st, err, want)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != tt.want || !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want a %v LimitError", err, tt.want)
			}
		})
	}
}

func TestCheckZipFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.zip")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxZipBytes + 1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	f.Close()

	tests := []struct {
		name   string
		path   string
		wantIs error
	}{
		{"missing", filepath.Join(dir, "missing.zip"), os.ErrNotExist},
		{"over 39 MB", huge, ErrTooLarge},
		{"a folder", dir, nil},
		{"not a zip", writeFile(t, "notes.zip", []byte("not a zip")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckZip(tt.path)
			if err == nil || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) {
				t.Fatalf("err = %v, want an error matching %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("message %q does not name the zip", err)
			}
		})
	}
}

func FuzzCheckZip(f *testing.F) {
	f.Add(buildZip(f, manifest, class))
	f.Add(buildZip(f, zipEntry{name: "src/package.xml"}, zipEntry{name: "src/"}))
	f.Add(buildZip(f, manifest, zipEntry{name: "../evil"}))
	f.Add(buildZip(f, zipEntry{name: "link", mode: fs.ModeSymlink}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := checkZip(bytes.NewReader(data), int64(len(data)), "fuzz.zip", defaultLimits())
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			return
		}
		if st.ZipBytes != int64(len(data)) || st.Files > MaxFiles ||
			st.UnzippedBytes < 0 || st.UnzippedBytes > MaxUnzippedBytes {
			t.Errorf("accepted a zip with stats %+v", st)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
			t.Fatalf("accepted a zip that archive/zip cannot read: %v", err)
		}
		for _, f := range zr.File {
			if name := strings.ReplaceAll(f.Name, `\`, "/"); !filepath.IsLocal(name) {
				t.Errorf("accepted the non-local entry %q", f.Name)
			}
		}
	})
}
