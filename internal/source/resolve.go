package source

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// compKey identifies a component: its type's name and its full name.
type compKey struct{ typ, name string }

// component is one metadata component and the source files it comes from.
type component struct {
	typ  *metaType
	name string // the full name, as package.xml lists it (without a folder's "/")
	xml  string // the -meta.xml file; empty for an object known only from its children
	// content is the content file (matchingContent, inFolder with content, a static
	// resource's file) or folder (a bundle, a static resource's folder).
	content  string
	files    []string // the files under a content folder, slash-separated, in order
	children []*child // an object's children, or the labels of CustomLabels
	found    string   // the first file seen, for messages
	// contentFiles are a static resource's candidate content files directly in
	// staticresources, checked once every file is seen.
	contentFiles []string
	// whole: the manifest selects the component itself, not only some of its children.
	whole bool
}

// child is a component that lives inside its parent's metadata-format file.
type child struct {
	typ  *childType
	name string   // the name within the parent: a field's API name, a label's name
	xml  string   // the source file: the child's own, or for a label its labels file
	node *xmlNode // a label's element, from its labels file
	in   bool     // selected for the deployment
}

// fullName returns the child's full name as package.xml lists it.
func (c *child) fullName(parent *component) string {
	if c.typ == labelType {
		return c.name
	}
	return parent.name + "." + c.name
}

// sourceFile is one file found under a source folder.
type sourceFile struct {
	path string // the path to open: the source folder joined with the file's path in it
	// parts are the file's folders, relative to the project's folder when there is one
	// (else from the source folder as given), so that no folder above the project, such as
	// a checkout folder called "reports", decides a type.
	parts []string
	base  string // the file's name
}

// folder returns the path of the folder that parts[:n] name.
func (f sourceFile) folder(n int) string {
	p := filepath.Dir(f.path)
	for range len(f.parts) - n {
		p = filepath.Dir(p)
	}
	return p
}

// resolver turns source files into components.
type resolver struct {
	comps    map[compKey]*component
	order    []*component
	problems []Problem
	exists   map[string]bool // every file found, by path
}

// newResolver returns an empty resolver.
func newResolver() *resolver {
	return &resolver{comps: map[compKey]*component{}, exists: map[string]bool{}}
}

// problem records a file that cannot be converted.
func (r *resolver) problem(p, format string, args ...any) {
	r.problems = append(r.problems, Problem{Path: p, Reason: fmt.Sprintf(format, args...)})
}

// unsupported records a file of a type the converter does not support.
func (r *resolver) unsupported(p, typeName string) {
	r.problems = append(r.problems, Problem{Path: p, Unsupported: true,
		Reason: fmt.Sprintf("%s is not a supported metadata type", typeName)})
}

// component returns the component of type t called name, creating it when new.
func (r *resolver) component(t *metaType, name, found string) *component {
	k := compKey{t.name, name}
	if c, ok := r.comps[k]; ok {
		return c
	}
	c := &component{typ: t, name: name, found: found, whole: true}
	r.comps[k] = c
	r.order = append(r.order, c)
	return c
}

// setXML records a component's -meta.xml, refusing a second one.
func (r *resolver) setXML(c *component, p string) {
	if c.xml != "" {
		r.problem(p, "%s %s is defined twice: also by %s", c.typ.name, c.name, c.xml)
		return
	}
	c.xml = p
}

// addDir lists the files under the source folder dir, leaving out what ign denies; context
// is dir's path, slash-separated, relative to the project's folder.
func (r *resolver) addDir(dir, context string, ign ignoreScope) ([]sourceFile, error) {
	var files []sourceFile
	dir = filepath.Clean(dir)
	if ign.deniesRoot() {
		return nil, nil
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read source folder %q: %w", dir, err)
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return fmt.Errorf("read source folder %q: %w", dir, err)
		}
		rel = filepath.ToSlash(rel)
		isDir := d.IsDir()
		if ign.denies(rel, isDir) {
			if isDir {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			info, err := os.Stat(p)
			if err != nil {
				return fmt.Errorf("follow symlink %q: %w", p, err)
			}
			if info.IsDir() {
				r.problem(p, "a symlink to a folder, which is not followed: replace it with "+
					"the folder")
				return nil
			}
		}
		if isDir {
			return nil
		}
		files = append(files, sourceFile{path: p, base: d.Name(),
			parts: strings.Split(path.Dir(path.Join(context, rel)), "/")})
		r.exists[p] = true
		return nil
	})
	return files, err
}

// layoutHandlers resolve files inside the folders whose types are found by folder.
var layoutHandlers = map[string]func(*resolver, sourceFile, int){
	"lwc": (*resolver).bundleFile, "aura": (*resolver).bundleFile,
	"staticresources": (*resolver).resourceFile, "objects": (*resolver).objectFile,
	"reports": (*resolver).folderFile, "dashboards": (*resolver).folderFile,
	"email": (*resolver).folderFile,
}

// classify resolves one file: by the outermost folder that decides its type, else by its
// suffix.
func (r *resolver) classify(f sourceFile) {
	for i, dir := range f.parts {
		if h, ok := layoutHandlers[dir]; ok {
			h(r, f, i)
			return
		}
		if name, ok := unsupportedDirs[dir]; ok {
			r.unsupported(f.path, name)
			return
		}
	}
	r.suffixFile(f)
}

// suffixFile resolves a file whose type its suffix gives: NAME.SUFFIX-meta.xml, or the
// content file NAME.SUFFIX beside it.
func (r *resolver) suffixFile(f sourceFile) {
	if f.base == "package.xml" { // a manifest, not metadata: the converter writes its own
		return
	}
	stem, isMeta := strings.CutSuffix(f.base, "-meta.xml")
	if !isMeta {
		meta := f.path + "-meta.xml"
		if t := reg.bySuffix[suffixOf(f.base)]; t != nil && t.strategy == matchingContent &&
			r.exists[meta] {
			return // resolved with its -meta.xml
		}
		r.problem(f.path, "matches no metadata type (no -meta.xml file of a supported "+
			"type goes with it)")
		return
	}
	name, suffix, ok := splitSuffix(stem)
	t := reg.bySuffix[suffix]
	if !ok || t == nil {
		r.unknownSuffix(f.path, suffix)
		return
	}
	switch t.strategy {
	case labels:
		r.labelsFile(f)
	case matchingContent:
		content := strings.TrimSuffix(f.path, "-meta.xml")
		if !r.exists[content] {
			r.problem(f.path, "%s %s has no content file %s", t.name, name,
				filepath.Base(content))
			return
		}
		c := r.component(t, name, f.path)
		r.setXML(c, f.path)
		c.content = content
	default:
		r.setXML(r.component(t, name, f.path), f.path)
	}
}

// unknownSuffix records a -meta.xml file whose suffix no supported type has here.
func (r *resolver) unknownSuffix(p, suffix string) {
	for _, t := range types {
		if t.suffix == suffix {
			r.problem(p, "%s files belong in a %q folder", t.name, t.dir)
			return
		}
	}
	for _, c := range objectChildren {
		if c.suffix == suffix {
			r.problem(p, "%s files belong in objects/OBJECT/", c.name)
			return
		}
	}
	if name, ok := knownUnsupported[suffix]; ok {
		r.unsupported(p, name)
		return
	}
	if suffix == "" {
		r.problem(p, "matches no metadata type")
		return
	}
	r.problem(p, "matches no metadata type (unknown suffix %q)", suffix)
}

// splitSuffix splits NAME.SUFFIX at its last dot; ok is false without a name or a suffix.
func splitSuffix(stem string) (name, suffix string, ok bool) {
	i := strings.LastIndexByte(stem, '.')
	if i <= 0 || i == len(stem)-1 {
		return stem, "", false
	}
	return stem[:i], stem[i+1:], true
}

// suffixOf returns what follows a file name's last dot, or "".
func suffixOf(base string) string {
	_, s, _ := splitSuffix(base)
	return s
}

// firstDotName returns a file name up to its first dot, as static resources are named.
func firstDotName(base string) string {
	name, _, _ := strings.Cut(base, ".")
	return name
}
