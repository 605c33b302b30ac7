package source

import (
	"encoding/xml"
	"io"
	"sort"
	"strings"
)

// packageTypes collects package.xml's members, by type name.
type packageTypes map[string]map[string]bool

// add records one member of a type.
func (p packageTypes) add(typeName, member string) {
	if p[typeName] == nil {
		p[typeName] = map[string]bool{}
	}
	p[typeName][member] = true
}

// memberOf returns the type and member package.xml lists for a component: folders are listed
// under the type they hold, report and dashboard folders with a trailing "/".
func memberOf(typeName, name string) (string, string) {
	t := reg.byName[typeName]
	if t == nil || t.strategy != folder {
		return typeName, name
	}
	if t.slash {
		name += "/"
	}
	return reg.itemType(t).name, name
}

// wildcardAndName reports whether package.xml may list "*" with names for the type.
func wildcardAndName(typeName string) bool {
	if t := reg.byName[typeName]; t != nil {
		return t.wildcardAndName
	}
	if c := reg.childOf[typeName]; c != nil {
		return c.wildcardAndName
	}
	return false
}

// packageMembers lists what package.xml names: the selected components and children and,
// with a manifest, the manifest's own members, wildcards included, as the Salesforce CLI does.
func packageMembers(comps []*component, listParent map[*component]bool,
	sel *selection) packageTypes {
	p := packageTypes{}
	for _, c := range comps {
		if c.whole && (c.typ.strategy != decomposed || listParent[c]) {
			p.add(memberOf(c.typ.name, c.name))
		}
		for _, ch := range c.children {
			if ch.in {
				p.add(ch.typ.name, ch.fullName(c))
			}
		}
	}
	if sel == nil {
		return p
	}
	for _, k := range sel.order {
		p.add(memberOf(k.typ, k.name))
	}
	for typeName := range sel.all {
		if t := reg.byName[typeName]; t != nil && t.strategy == folder {
			continue // listed with the type it holds
		}
		if !wildcardAndName(typeName) {
			p[typeName] = nil
		}
		p.add(typeName, wildcard)
	}
	return p
}

// writePackageXML writes package.xml: types by name, members sorted.
func writePackageXML(w io.Writer, p packageTypes, version, fullName string) error {
	names := make([]string, 0, len(p))
	for name := range p {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(xmlDecl + `<Package xmlns="` + metadataNS + `">` + "\n")
	for _, name := range names {
		members := make([]string, 0, len(p[name]))
		for m := range p[name] {
			members = append(members, m)
		}
		sort.Strings(members)
		b.WriteString("    <types>\n")
		for _, m := range members {
			b.WriteString("        <members>" + escape(m) + "</members>\n")
		}
		b.WriteString("        <name>" + escape(name) + "</name>\n    </types>\n")
	}
	b.WriteString("    <version>" + escape(version) + "</version>\n")
	if fullName != "" {
		b.WriteString("    <fullName>" + escape(fullName) + "</fullName>\n")
	}
	b.WriteString("</Package>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// escape returns s with XML's special characters escaped.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
