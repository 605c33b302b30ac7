package mdapi

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"strings"
)

// CheckZip checks a ready-made deployment zip at path, such as a user's own, against what
// the Metadata API accepts. It reads the zip's directory only: it neither unzips the files nor
// verifies their checksums, and the sizes it checks are the ones the zip declares.
//
// With package.xml at the root, Stats.SinglePackage is true. Without one, a zip whose top level
// holds only folders, each with a package.xml at its own root, passes with SinglePackage false:
// deploy it with singlePackage false. Any other zip fails with a *NoPackageXMLError.
//
// An entry with an absolute path, a ".." element, a NUL byte or no name, or an entry stored
// as a symlink, fails with an *UnsafePathError; backslashes count as separators. Past
// MaxZipBytes, MaxFiles or MaxUnzippedBytes CheckZip fails with a *LimitError.
func CheckZip(path string) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, fmt.Errorf("open zip %q: %w", path, err)
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return Stats{}, fmt.Errorf("open zip %q: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return Stats{}, fmt.Errorf("zip %q is not a file (mode %v): give a zip file",
			path, info.Mode())
	}
	return checkZip(f, info.Size(), path, defaultLimits())
}

// checkZip is CheckZip for the size bytes of r, with the limits as a parameter.
func checkZip(r io.ReaderAt, size int64, path string, lim limits) (Stats, error) {
	if size > lim.zipBytes {
		return Stats{}, &LimitError{Path: path, Limit: LimitZipBytes,
			Max: lim.zipBytes, Size: size}
	}
	zr, err := zip.NewReader(r, size)
	// With GODEBUG=zipinsecurepath=0 the reader comes with ErrInsecurePath; checkEntry
	// then reports the entry itself.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return Stats{}, fmt.Errorf("read zip %q: %w", path, err)
	}

	st := Stats{ZipBytes: size}
	for _, f := range zr.File {
		if err := checkEntry(f, path); err != nil {
			return Stats{}, err
		}
		if f.Mode().IsDir() {
			continue
		}
		st.Files++
		st.UnzippedBytes = addCapped(st.UnzippedBytes, f.UncompressedSize64)
	}
	if st.Files > lim.files {
		return Stats{}, &LimitError{Path: path, Limit: LimitFiles,
			Max: int64(lim.files), Size: int64(st.Files)}
	}
	if st.UnzippedBytes > lim.unzippedBytes {
		return Stats{}, &LimitError{Path: path, Limit: LimitUnzippedBytes,
			Max: lim.unzippedBytes, Size: st.UnzippedBytes}
	}

	st.SinglePackage, err = layout(zr.File, path)
	if err != nil {
		return Stats{}, err
	}
	return st, nil
}

// addCapped returns sum+n, or math.MaxInt64 when that would overflow.
func addCapped(sum int64, n uint64) int64 {
	if n > uint64(math.MaxInt64-sum) {
		return math.MaxInt64
	}
	return sum + int64(n)
}

// checkEntry fails with an *UnsafePathError for an entry that could land outside the folder
// it is unzipped into.
func checkEntry(f *zip.File, zipPath string) error {
	reason := unsafeName(f.Name)
	if reason == "" && f.Mode()&fs.ModeSymlink != 0 {
		reason = "the entry is a symlink: store the file itself (zip without -y)"
	}
	if reason == "" {
		return nil
	}
	return &UnsafePathError{Path: zipPath, Name: f.Name, Reason: reason}
}

// unsafeName returns why an entry name is unsafe, or "" when it is not.
func unsafeName(name string) string {
	slashed := strings.ReplaceAll(name, `\`, "/")
	switch {
	case name == "":
		return "the entry has no name"
	case strings.ContainsRune(name, 0):
		return "the name holds a NUL byte"
	case strings.HasPrefix(slashed, "/") || hasDrive(slashed):
		return "the path is absolute: entries must be relative to the zip's root"
	}
	for el := range strings.SplitSeq(slashed, "/") {
		if el == ".." {
			return `the path climbs out of the zip with ".."`
		}
	}
	return ""
}

// hasDrive reports whether name starts with a Windows drive letter, as in "C:".
func hasDrive(name string) bool {
	if len(name) < 2 || name[1] != ':' {
		return false
	}
	c := name[0] | 0x20 // lower case
	return 'a' <= c && c <= 'z'
}

// layout reports whether the entries put package.xml at the root (true), or in each
// top-level folder (false); otherwise it fails with a *NoPackageXMLError.
func layout(files []*zip.File, zipPath string) (bool, error) {
	folders := map[string]bool{} // top-level folder: holds package.xml
	looseFile := false
	found := ""
	for _, f := range files {
		if f.Name == "package.xml" {
			return true, nil
		}
		if path.Base(f.Name) == "package.xml" && (found == "" || len(f.Name) < len(found)) {
			found = f.Name
		}
		top, rest, inFolder := strings.Cut(f.Name, "/")
		if !inFolder {
			looseFile = true
			continue
		}
		folders[top] = folders[top] || rest == "package.xml"
	}

	ok := !looseFile && len(folders) > 0
	for _, hasManifest := range folders {
		ok = ok && hasManifest
	}
	if ok {
		return false, nil
	}
	return false, &NoPackageXMLError{Path: zipPath, Zip: true, Found: found}
}
