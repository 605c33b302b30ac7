package source

import (
	"path/filepath"
	"strings"
)

// bundleFile resolves a file under lwc/ or aura/ (at f.parts[i]): every file of the folder
// lwc/NAME belongs to the bundle NAME.
func (r *resolver) bundleFile(f sourceFile, i int) {
	t := reg.byName["LightningComponentBundle"]
	if f.parts[i] == "aura" {
		t = reg.byName["AuraDefinitionBundle"]
	}
	if i == len(f.parts)-1 {
		r.problem(f.path, "is directly in %s/ and so in no bundle: move it into the bundle's "+
			"folder or list it in .forceignore", t.dir)
		return
	}
	name := f.parts[i+1]
	c := r.component(t, name, f.path)
	folder := f.folder(i + 2)
	if c.content != "" && c.content != folder {
		r.problem(f.path, "%s %s is defined twice: also by the folder %s", t.name, name,
			c.content)
		return
	}
	c.content = folder
	rel := strings.Join(append(append([]string(nil), f.parts[i+2:]...), f.base), "/")
	c.files = append(c.files, rel)
	if i+2 == len(f.parts) && isBundleRoot(t, name, f.base) {
		r.setXML(c, f.path)
	}
}

// isBundleRoot reports whether base is the bundle's own -meta.xml: NAME.js-meta.xml for
// a Lightning web component, NAME.EXT-meta.xml for an Aura bundle.
func isBundleRoot(t *metaType, name, base string) bool {
	stem, ok := strings.CutSuffix(base, "-meta.xml")
	if !ok {
		return false
	}
	if t.rootSuffix != "" {
		return stem == name+"."+t.rootSuffix
	}
	return firstDotName(stem) == name && strings.Contains(stem, ".")
}

// resourceFile resolves a file under staticresources/ (at f.parts[i]): NAME.resource-meta.xml
// with either the file NAME.EXT or the folder NAME beside it.
func (r *resolver) resourceFile(f sourceFile, i int) {
	t := reg.byName["StaticResource"]
	if i < len(f.parts)-1 {
		name := f.parts[i+1]
		c := r.component(t, name, f.path)
		folder := f.folder(i + 2)
		if c.content != "" && c.content != folder {
			c.contentFiles = append(c.contentFiles, folder)
		}
		c.content = folder
		rel := strings.Join(append(append([]string(nil), f.parts[i+2:]...), f.base), "/")
		c.files = append(c.files, rel)
		return
	}
	if name, ok := strings.CutSuffix(f.base, ".resource-meta.xml"); ok {
		r.setXML(r.component(t, name, f.path), f.path)
		return
	}
	if strings.HasSuffix(f.base, "-meta.xml") {
		r.problem(f.path, "matches no metadata type: a static resource's file is called "+
			"NAME.resource-meta.xml")
		return
	}
	c := r.component(t, firstDotName(f.base), f.path)
	c.contentFiles = append(c.contentFiles, f.path)
}

// objectFile resolves a file under objects/ (at f.parts[i]): objects/NAME/NAME.object-meta.xml
// and its children's files anywhere under objects/NAME.
func (r *resolver) objectFile(f sourceFile, i int) {
	t := reg.byName["CustomObject"]
	if i == len(f.parts)-1 {
		r.problem(f.path, "is directly in objects/: an object's files go in objects/NAME/")
		return
	}
	obj := f.parts[i+1]
	if i+2 == len(f.parts) && f.base == obj+".object-meta.xml" {
		r.setXML(r.component(t, obj, f.path), f.path)
		return
	}
	stem, isMeta := strings.CutSuffix(f.base, "-meta.xml")
	name, suffix, ok := splitSuffix(stem)
	ct := reg.children[suffix]
	switch {
	case isMeta && ok && ct != nil:
		c := r.component(t, obj, f.path)
		for _, ch := range c.children {
			if ch.typ == ct && ch.name == name {
				r.problem(f.path, "%s %s.%s is defined twice: also by %s", ct.name, obj, name,
					ch.xml)
				return
			}
		}
		c.children = append(c.children, &child{typ: ct, name: name, xml: f.path, in: true})
	case isMeta && ok && knownUnsupported[suffix] != "":
		r.unsupported(f.path, knownUnsupported[suffix])
	case isMeta && ok && suffix == "object":
		r.problem(f.path, "an object's own file must be objects/%s/%s.object-meta.xml", obj,
			obj)
	default:
		r.problem(f.path, "matches no CustomObject child type")
	}
}

// folderFile resolves a file under reports/, dashboards/ or email/ (at f.parts[i]): folders
// are FOLDER.reportFolder-meta.xml, and reports FOLDER/NAME.report-meta.xml.
func (r *resolver) folderFile(f sourceFile, i int) {
	item, fold := reg.typesOfDir(f.parts[i])
	folders := f.parts[i+1:]
	if name, ok := strings.CutSuffix(f.base, "."+fold.suffix+"-meta.xml"); ok {
		full := strings.Join(append(append([]string(nil), folders...), name), "/")
		r.setXML(r.component(fold, full, f.path), f.path)
		return
	}
	if item.content && strings.HasSuffix(f.base, "."+item.suffix) && r.exists[f.path+"-meta.xml"] {
		return // resolved with its -meta.xml
	}
	name, ok := strings.CutSuffix(f.base, "."+item.suffix+"-meta.xml")
	switch {
	case !ok:
		r.problem(f.path, "matches neither %s nor %s in %s/", item.name, fold.name, item.dir)
		return
	case len(folders) == 0:
		r.problem(f.path, "%s %s is not in a folder: put it in %s/FOLDER/", item.name, name,
			item.dir)
		return
	}
	full := strings.Join(folders, "/") + "/" + name
	c := r.component(item, full, f.path)
	r.setXML(c, f.path)
	if item.content {
		content := strings.TrimSuffix(f.path, "-meta.xml")
		if !r.exists[content] {
			r.problem(f.path, "%s %s has no content file %s", item.name, full,
				filepath.Base(content))
		}
		c.content = content
	}
}

// labelsFile resolves a NAME.labels-meta.xml file: its labels join the one CustomLabels.
func (r *resolver) labelsFile(f sourceFile) {
	c := r.component(reg.byName["CustomLabels"], labelsName, f.path)
	root, err := readXML(f.path)
	if err != nil {
		r.problem(f.path, "cannot be read: %v", err)
		return
	}
	seen := map[string]bool{}
	for _, ch := range c.children {
		seen[ch.name] = true
	}
	for _, e := range root.elements() {
		if e.name != labelType.element {
			continue
		}
		name := e.text("fullName")
		if seen[name] { // the Salesforce CLI keeps the first of two labels of one name
			continue
		}
		seen[name] = true
		c.children = append(c.children, &child{typ: labelType, name: name, xml: f.path,
			node: e, in: true})
	}
	if c.xml == "" {
		c.xml = f.path
	}
}

// finish checks what can only be checked once every file is resolved: bundles and static
// resources are complete, and a folder of a static resource is declared as a zip.
func (r *resolver) finish() {
	for _, c := range r.order {
		switch c.typ.strategy {
		case bundle:
			if c.xml == "" {
				want := c.name + ".js-meta.xml"
				if c.typ.rootSuffix == "" {
					want = c.name + ".cmp-meta.xml (or another NAME.EXT-meta.xml)"
				}
				r.problem(c.found, "%s %s has no %s", c.typ.name, c.name, want)
			}
		case staticResource:
			r.finishResource(c)
		}
	}
}

// archiveTypes are the content types of a static resource that may be a folder.
var archiveTypes = map[string]bool{"application/zip": true,
	"application/x-zip-compressed": true, "application/jar": true}

// finishResource checks that a static resource has one -meta.xml and one content.
func (r *resolver) finishResource(c *component) {
	switch {
	case c.xml == "":
		r.problem(c.found, "StaticResource %s has no %s.resource-meta.xml", c.name, c.name)
		return
	case len(c.contentFiles) > 1 || (len(c.contentFiles) == 1 && c.content != ""):
		r.problem(c.xml, "StaticResource %s has more than one content: %s",
			c.name, strings.Join(append(c.contentFiles, c.content), ", "))
		return
	case len(c.contentFiles) == 1:
		c.content = c.contentFiles[0]
		return
	case c.content == "":
		r.problem(c.xml, "StaticResource %s has no content: add the file %s.EXT or the "+
			"folder %s beside it", c.name, c.name, c.name)
		return
	}
	root, err := readXML(c.xml)
	if err != nil {
		r.problem(c.xml, "cannot be read: %v", err)
		return
	}
	if ct := root.text("contentType"); !archiveTypes[ct] {
		r.problem(c.xml, "StaticResource %s is a folder, so its contentType must be "+
			"application/zip, not %q", c.name, ct)
	}
}
