package source

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Options says what to convert.
type Options struct {
	// SourceDirs are the folders to convert: package directories, folders inside them, or a
	// project's folder (with sfdx-project.json), which stands for its package directories.
	SourceDirs []string
	// Manifest is a package.xml that limits what is converted; empty converts everything.
	Manifest string
	// APIVersion is the version package.xml declares, such as "62.0".
	APIVersion string
}

// Result describes a conversion.
type Result struct {
	Components int // the members package.xml lists, wildcards not counted
	Files      int // the files written, package.xml included
}

// plan is a conversion ready to write.
type plan struct {
	outs   []output
	result Result
}

// ConvertToZip converts the source folders and writes the metadata-format tree as a zip to
// w, with package.xml at its root (deploy it with singlePackage true). Entries come sorted
// by name, with a fixed time, so one project gives the same bytes on every run. Errors are
// a *ConvertError for files that cannot be converted, an *InputError for a bad source folder
// or manifest, or an error reading or writing files.
func ConvertToZip(opts Options, w io.Writer) (Result, error) {
	p, err := prepare(opts)
	if err != nil {
		return Result{}, err
	}
	zw := zip.NewWriter(w)
	if err := writeAll(zipSink{zw}, p.outs); err != nil {
		return Result{}, err
	}
	if err := zw.Close(); err != nil {
		return Result{}, fmt.Errorf("finish zip: %w", err)
	}
	return p.result, nil
}

// ConvertToZipFile writes ConvertToZip's zip to the file at path, replacing it; on error it
// removes the file.
func ConvertToZipFile(opts Options, path string) (Result, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Result{}, fmt.Errorf("create zip file %q: %w", path, err)
	}
	res, err := ConvertToZip(opts, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write zip file %q: %w", path, cerr)
	}
	if err != nil {
		_ = os.Remove(path) // a partial zip is useless; failing to remove it changes nothing
		return Result{}, err
	}
	return res, nil
}

// ConvertToDir converts the source folders into the folder dir, as a metadata-format tree
// with package.xml at its root. Errors are as for ConvertToZip.
func ConvertToDir(opts Options, dir string) (Result, error) {
	p, err := prepare(opts)
	if err != nil {
		return Result{}, err
	}
	if err := writeAll(dirSink{dir}, p.outs); err != nil {
		return Result{}, err
	}
	return p.result, nil
}

// prepare resolves the source folders into components and plans the files to write.
func prepare(opts Options) (*plan, error) {
	if opts.APIVersion == "" {
		return nil, errors.New("convert source: no API version for package.xml")
	}
	if len(opts.SourceDirs) == 0 {
		return nil, &InputError{Input: InputSourceDir, Err: errors.New("no source folder")}
	}
	comps, err := resolveDirs(opts.SourceDirs)
	if err != nil {
		return nil, err
	}
	var sel *selection
	if opts.Manifest != "" {
		if sel, err = readSelection(opts.Manifest); err != nil {
			return nil, err
		}
		if comps, err = sel.apply(comps); err != nil {
			return nil, &InputError{Input: InputManifest, Err: err}
		}
	}
	listParent, err := parentsToList(comps)
	if err != nil {
		return nil, err
	}

	p := &plan{}
	for _, c := range comps {
		p.outs = append(p.outs, outputsOf(c)...)
	}
	members := packageMembers(comps, listParent, sel)
	fullName := ""
	if sel != nil {
		fullName = sel.fullName
	}
	p.outs = append(p.outs, output{"package.xml", func(w io.Writer) error {
		return writePackageXML(w, members, opts.APIVersion, fullName)
	}})
	for _, ms := range members {
		for m := range ms {
			if m != wildcard {
				p.result.Components++
			}
		}
	}
	p.result.Files = len(p.outs)
	return p, nil
}

// resolveDirs resolves every file of the source folders into components.
func resolveDirs(given []string) ([]*component, error) {
	dirs, err := expandDirs(given)
	if err != nil {
		return nil, err
	}
	r := newResolver()
	for _, d := range dirs {
		scope, err := findForceIgnore(d.path, d.root)
		if err != nil {
			return nil, &InputError{Input: InputSourceDir, Err: err}
		}
		files, err := r.addDir(d.path, d.context(), scope)
		if err != nil {
			return nil, &InputError{Input: InputSourceDir, Err: err}
		}
		for _, f := range files {
			r.classify(f)
		}
	}
	r.finish()
	if len(r.problems) > 0 {
		return nil, &ConvertError{Problems: r.problems}
	}
	if len(r.order) == 0 {
		return nil, &InputError{Input: InputSourceDir, Err: fmt.Errorf("no metadata in %s: "+
			"give the folder of a package directory, such as force-app",
			strings.Join(given, ", "))}
	}
	return r.order, nil
}

// readSelection reads the manifest file and resolves it against the type table.
func readSelection(path string) (*selection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &InputError{Input: InputManifest, Err: fmt.Errorf("read manifest: %w", err)}
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, &InputError{Input: InputManifest, Err: fmt.Errorf("%q: %w", path, err)}
	}
	sel, err := newSelection(m)
	if err != nil {
		return nil, &InputError{Input: InputManifest, Err: err}
	}
	return sel, nil
}

// parentsToList returns the objects whose own file says more than its namespace: package.xml
// lists those, and only the children of the others.
func parentsToList(comps []*component) (map[*component]bool, error) {
	list := map[*component]bool{}
	var problems []Problem
	for _, c := range comps {
		if c.typ.strategy != decomposed || c.xml == "" {
			continue
		}
		root, err := readXML(c.xml)
		if err != nil {
			problems = append(problems, Problem{Path: c.xml, Reason: err.Error()})
			continue
		}
		list[c] = root.hasRealValues()
	}
	if len(problems) > 0 {
		return nil, &ConvertError{Problems: problems}
	}
	return list, nil
}

// sourceDir is one folder to convert, with the project folder that bounds the search for
// its .forceignore ("" when it is in no project).
type sourceDir struct {
	path string
	root string // absolute
}

// context returns the folder's path relative to its project's folder, slash-separated, or
// the path as given when it is in no project.
func (d sourceDir) context() string {
	if d.root != "" {
		if rel, err := filepath.Rel(d.root, absPath(d.path)); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(filepath.Clean(d.path))
}

// absPath returns p made absolute, or p when that fails.
func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
