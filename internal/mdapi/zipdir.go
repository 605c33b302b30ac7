package mdapi

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// zipTime is every entry's modification time, the earliest a zip can record, so that the
// bytes depend on the files' contents and not on when they were checked out.
var zipTime = time.Date(1980, time.January, 1, 0, 0, 0, 0, time.UTC)

// ZipDir writes to w a zip of the metadata-format folder dir, whose contents become the zip's
// root, so that package.xml is at the root and the zip deploys with singlePackage true.
//
// The zip holds every regular file under dir but these, which no deployment needs: anything
// named .git (the folder, or the file of a worktree or submodule), .DS_Store and Thumbs.db.
// Folders are not stored as entries. Entries come in lexical order within each folder, with
// forward slashes, a fixed time and no file mode, so one tree gives the same bytes on every run
// and machine built with the same Go version. Files are read one at a time through one buffer.
//
// A symlink to a file inside dir is stored as a copy of that file. ZipDir refuses, with an
// error, a symlink to a folder (folders behind symlinks are not followed), a symlink that
// points outside dir (an *UnsafePathError) and device files, sockets and pipes.
//
// Without package.xml at dir's root ZipDir fails with a *NoPackageXMLError. Past MaxFiles or
// MaxUnzippedBytes it fails with a *LimitError before writing anything. Past MaxZipBytes it
// stops writing to w but finishes compressing, so that the *LimitError gives the zip's full
// size. On any error what was written to w is not a usable zip.
func ZipDir(dir string, w io.Writer) (Stats, error) {
	return zipDir(dir, w, defaultLimits())
}

// ZipDirToFile writes ZipDir's zip of dir to path, which must lie outside dir, replacing any
// file there; on error it removes the file. The caller uploads the file as the
// deployRequest's "file" part and removes it afterwards.
func ZipDirToFile(dir, path string) (Stats, error) {
	if err := checkOutside(dir, path); err != nil {
		return Stats{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Stats{}, fmt.Errorf("create zip file %q: %w", path, err)
	}

	st, err := ZipDir(dir, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write zip file %q: %w", path, cerr)
	}
	if err != nil {
		_ = os.Remove(path) // the partial zip is useless; a failure to remove it changes nothing
		return Stats{}, err
	}
	return st, nil
}

// zipDir is ZipDir with the limits as a parameter.
func zipDir(dir string, w io.Writer, lim limits) (Stats, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Stats{}, fmt.Errorf("open folder %q: %w", dir, err)
	}
	defer root.Close()

	if err := checkPackageXML(root, dir); err != nil {
		return Stats{}, err
	}
	entries, err := collect(root, dir, lim)
	if err != nil {
		return Stats{}, err
	}

	cw := &countingWriter{w: w, limit: lim.zipBytes}
	zw := zip.NewWriter(cw)
	st := Stats{Files: len(entries), SinglePackage: true}
	o := &opener{root: root}
	defer o.close()
	buf := make([]byte, 32*1024)
	for _, e := range entries {
		n, err := addFile(zw, o, e, buf)
		if err != nil {
			return Stats{}, fmt.Errorf("zip %q from folder %q: %w", e.name, dir, err)
		}
		st.UnzippedBytes += n
		if st.UnzippedBytes > lim.unzippedBytes { // a file grew after collect measured it
			return Stats{}, &LimitError{Path: dir, Limit: LimitUnzippedBytes,
				Max: lim.unzippedBytes, Size: st.UnzippedBytes}
		}
	}
	if err := zw.Close(); err != nil {
		return Stats{}, fmt.Errorf("finish zip of folder %q: %w", dir, err)
	}

	st.ZipBytes = cw.n
	if cw.n > lim.zipBytes {
		return Stats{}, &LimitError{Path: dir, Limit: LimitZipBytes, Max: lim.zipBytes, Size: cw.n}
	}
	return st, nil
}

// checkPackageXML fails with a *NoPackageXMLError unless dir's root holds package.xml.
// A symlink passes here; collect checks where it points.
func checkPackageXML(root *os.Root, dir string) error {
	info, err := root.Lstat("package.xml")
	switch {
	case err == nil && (info.Mode().IsRegular() || info.Mode()&fs.ModeSymlink != 0):
		return nil
	case err == nil || errors.Is(err, fs.ErrNotExist):
		return &NoPackageXMLError{Path: dir, Found: nestedPackageXML(root, dir)}
	}
	return fmt.Errorf("look for package.xml in folder %q: %w", dir, err)
}

// nestedPackageXML returns the path of a package.xml one folder below dir's root, or "".
func nestedPackageXML(root *os.Root, dir string) string {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return ""
	}
	for _, d := range entries {
		if !d.IsDir() || skipped(d.Name()) {
			continue
		}
		info, err := root.Stat(path.Join(d.Name(), "package.xml"))
		if err == nil && info.Mode().IsRegular() {
			return filepath.Join(dir, d.Name(), "package.xml")
		}
	}
	return ""
}

// addFile copies the file e.src into zw as e.name and returns the bytes copied.
func addFile(zw *zip.Writer, o *opener, e entry, buf []byte) (int64, error) {
	f, err := o.open(e.src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() { // replaced after collect looked at it
		return 0, fmt.Errorf("%q is no longer a regular file", e.src)
	}

	h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: zipTime}
	fw, err := zw.CreateHeader(h)
	if err != nil {
		return 0, err
	}
	// Hiding *os.File's WriteTo makes io.CopyBuffer use buf instead of allocating its own.
	return io.CopyBuffer(fw, struct{ io.Reader }{f}, buf)
}

// opener opens files under a root, keeping the last folder open: entries come folder by
// folder, and opening each name from the root would open its folders again every time.
type opener struct {
	root *os.Root
	dir  string   // the folder sub holds, relative to root
	sub  *os.Root // nil until a file below the root is opened
}

// open opens name, a slash-separated path without symlinks, inside the root.
func (o *opener) open(name string) (*os.File, error) {
	dir, base := path.Split(name)
	if dir == "" {
		return o.root.Open(name)
	}
	dir = strings.TrimSuffix(dir, "/")
	if o.sub == nil || dir != o.dir {
		o.close()
		sub, err := o.root.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		o.dir, o.sub = dir, sub
	}
	return o.sub.Open(base)
}

// close closes the open folder, if any.
func (o *opener) close() {
	if o.sub != nil {
		o.sub.Close()
		o.sub = nil
	}
}

// checkOutside fails if the zip file path would lie inside dir, where zipping dir would
// read the zip being written.
func checkOutside(dir, path string) error {
	realDir := realPath(dir)
	realFile := filepath.Join(realPath(filepath.Dir(path)), filepath.Base(path))
	if rel, err := filepath.Rel(realDir, realFile); err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("zip file %q is inside folder %q: write it outside the folder, "+
			"for example in a temporary folder", path, dir)
	}
	return nil
}

// realPath returns p made absolute with its symlinks resolved, as far as that succeeds.
func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// countingWriter counts the bytes written through it and stops passing them on past limit,
// so that an oversized zip can be measured without being stored.
type countingWriter struct {
	w     io.Writer
	n     int64
	limit int64
}

// Write passes p on while the count stays within the limit.
func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	if c.n > c.limit {
		return len(p), nil
	}
	return c.w.Write(p)
}
