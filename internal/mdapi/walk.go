package mdapi

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// entry is one file to zip.
type entry struct {
	name string // the entry's name in the zip, slash-separated
	src  string // the file to read, relative to the root: name, or a symlink's target
	size int64
}

// skipped reports whether files and folders of this name stay out of the zip.
func skipped(name string) bool {
	switch name {
	case ".git", ".DS_Store", "Thumbs.db":
		return true
	}
	return false
}

// walker lists the files of a folder to zip.
type walker struct {
	root    *os.Root
	dir     string // the folder as the caller named it, for messages
	realDir string // the folder, absolute, with symlinks resolved
	entries []entry
	files   int
	bytes   int64
	max     int // entries are not kept past this many files, only counted
}

// collect lists the files to zip under root, in lexical order within each folder. It fails
// with a *LimitError when there are more files than lim allows, or more bytes.
func collect(root *os.Root, dir string, lim limits) ([]entry, error) {
	w := &walker{root: root, dir: dir, realDir: realPath(dir), max: lim.files}
	if err := fs.WalkDir(root.FS(), ".", w.visit); err != nil {
		return nil, err
	}
	if w.files > lim.files {
		return nil, &LimitError{Path: dir, Limit: LimitFiles,
			Max: int64(lim.files), Size: int64(w.files)}
	}
	if w.bytes > lim.unzippedBytes {
		return nil, &LimitError{Path: dir, Limit: LimitUnzippedBytes,
			Max: lim.unzippedBytes, Size: w.bytes}
	}
	return w.entries, nil
}

// visit is the fs.WalkDirFunc of collect.
func (w *walker) visit(name string, d fs.DirEntry, err error) error {
	if err != nil {
		return fmt.Errorf("read folder %q: %w", w.dir, err)
	}
	if name != "." && skipped(d.Name()) {
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	}
	if d.IsDir() {
		return nil
	}

	e := entry{name: name, src: name}
	switch mode := d.Type(); {
	case mode.IsRegular():
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("read folder %q: %w", w.dir, err)
		}
		e.size = info.Size()
	case mode&fs.ModeSymlink != 0:
		if e, err = w.followLink(name); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%q in folder %q is not a regular file (mode %v): remove it",
			name, w.dir, mode)
	}

	w.files++
	w.bytes += e.size
	if w.files <= w.max {
		w.entries = append(w.entries, e)
	}
	return nil
}

// followLink returns the entry for the symlink name: a copy of the file it points to, which
// must be a regular file inside the folder.
func (w *walker) followLink(name string) (entry, error) {
	target, err := filepath.EvalSymlinks(filepath.Join(w.realDir, filepath.FromSlash(name)))
	if err != nil {
		return entry{}, fmt.Errorf("follow symlink %q in folder %q: %w", name, w.dir, err)
	}
	rel, err := filepath.Rel(w.realDir, target)
	if err != nil || !filepath.IsLocal(rel) {
		return entry{}, &UnsafePathError{Path: w.dir, Name: name, Reason: fmt.Sprintf(
			"the symlink points outside the folder, to %q: copy the file into the folder", target)}
	}

	// rel has no symlinks left, so the root opens it even when the link is absolute.
	src := filepath.ToSlash(rel)
	info, err := w.root.Stat(src)
	if err != nil {
		return entry{}, fmt.Errorf("follow symlink %q in folder %q: %w", name, w.dir, err)
	}
	if info.IsDir() {
		return entry{}, fmt.Errorf("symlink %q in folder %q points to a folder, and folders "+
			"behind symlinks are not zipped: replace the symlink with the folder", name, w.dir)
	}
	if !info.Mode().IsRegular() {
		return entry{}, fmt.Errorf("symlink %q in folder %q points to %q, which is not a "+
			"regular file (mode %v): remove it", name, w.dir, src, info.Mode())
	}
	return entry{name: name, src: src, size: info.Size()}, nil
}
