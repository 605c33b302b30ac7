package source

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// wildcard is the member that stands for every component of a type.
const wildcard = "*"

// Manifest is a package.xml: the types and members it lists.
type Manifest struct {
	Types    []ManifestType
	Version  string
	FullName string // a named package's name, which the generated package.xml keeps
}

// ManifestType is one <types> entry of a package.xml.
type ManifestType struct {
	Name    string
	Members []string
}

// manifestXML is package.xml as encoding/xml reads it.
type manifestXML struct {
	XMLName xml.Name `xml:"Package"`
	Types   []struct {
		Members []string `xml:"members"`
		Name    string   `xml:"name"`
	} `xml:"types"`
	Version  string `xml:"version"`
	FullName string `xml:"fullName"`
}

// ParseManifest reads the contents of a package.xml file.
func ParseManifest(data []byte) (*Manifest, error) {
	var raw manifestXML
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("parse package.xml: %w", err)
	}
	m := &Manifest{Version: strings.TrimSpace(raw.Version),
		FullName: strings.TrimSpace(raw.FullName)}
	for i, t := range raw.Types {
		name := strings.TrimSpace(t.Name)
		if name == "" {
			return nil, fmt.Errorf("parse package.xml: types[%d] has no <name>", i)
		}
		mt := ManifestType{Name: name}
		for _, member := range t.Members {
			if member = strings.TrimSpace(member); member != "" {
				mt.Members = append(mt.Members, member)
			}
		}
		m.Types = append(m.Types, mt)
	}
	return m, nil
}

// selection is a manifest turned into what it selects.
type selection struct {
	all      map[string]bool  // type name: the manifest lists "*"
	names    map[compKey]bool // explicit members, by canonical type and name
	used     map[compKey]bool // explicit members that matched a component
	order    []compKey        // explicit members, in the manifest's order
	fullName string           // the manifest's package name
}

// newSelection resolves the manifest's types and members against the type table. It fails
// on a type the converter does not support.
func newSelection(m *Manifest) (*selection, error) {
	s := &selection{all: map[string]bool{}, names: map[compKey]bool{},
		used: map[compKey]bool{}, fullName: m.FullName}
	var unsupported []string
	for _, mt := range m.Types {
		t, ct := reg.byName[mt.Name], reg.childOf[mt.Name]
		switch {
		case t != nil && t.strategy == inFolder:
			s.addInFolder(t, mt.Members)
		case t != nil:
			for _, member := range mt.Members {
				s.add(t.name, strings.TrimSuffix(member, "/"))
			}
		case ct != nil:
			for _, member := range mt.Members {
				s.add(ct.name, member)
			}
		default:
			unsupported = append(unsupported, mt.Name)
		}
	}
	if len(unsupported) > 0 {
		return nil, fmt.Errorf("the manifest lists %s, which source conversion does not "+
			"support: deploy those with metadata-dir after converting with the Salesforce CLI",
			quoteList(unsupported))
	}
	return s, nil
}

// addInFolder adds the members of an inFolder type: a member is a folder when it ends in
// "/", has no "/", or another member lies inside it, as the Salesforce CLI reads them.
func (s *selection) addInFolder(item *metaType, members []string) {
	fold := reg.folderType(item)
	for _, m := range members {
		trimmed := strings.TrimSuffix(m, "/")
		switch {
		case m == wildcard:
			s.add(item.name, wildcard)
			s.add(fold.name, wildcard)
		case strings.HasSuffix(m, "/") || !strings.Contains(m, "/") ||
			hasMemberInside(members, m):
			s.add(fold.name, trimmed)
		default:
			s.add(item.name, m)
		}
	}
}

// hasMemberInside reports whether a member lies inside the folder m.
func hasMemberInside(members []string, m string) bool {
	for _, other := range members {
		if strings.HasPrefix(other, m+"/") {
			return true
		}
	}
	return false
}

// add records one member of a type, by canonical type name.
func (s *selection) add(typeName, member string) {
	if member == wildcard {
		s.all[typeName] = true
		return
	}
	k := compKey{typeName, member}
	if !s.names[k] {
		s.names[k] = true
		s.order = append(s.order, k)
	}
}

// has reports whether the manifest selects the component or child (typeName, name), and
// marks an explicit member as used.
func (s *selection) has(typeName, name string) bool {
	k := compKey{typeName, name}
	if s.names[k] {
		s.used[k] = true
		return true
	}
	return s.all[typeName]
}

// unused returns the explicit members that matched nothing, as "Type Name".
func (s *selection) unused() []string {
	var out []string
	for _, k := range s.order {
		if !s.used[k] {
			out = append(out, k.typ+" "+k.name)
		}
	}
	return out
}

// apply marks what the manifest selects and drops the rest. It fails when an explicit
// member matches no component of the source folders.
func (s *selection) apply(comps []*component) ([]*component, error) {
	var kept []*component
	for _, c := range comps {
		c.whole = s.has(c.typ.name, c.name)
		selected := c.whole
		for _, ch := range c.children {
			ch.in = c.whole || s.has(ch.typ.name, ch.fullName(c)) ||
				s.has(ch.typ.name, c.name+"."+wildcard)
			selected = selected || ch.in
		}
		if selected {
			kept = append(kept, c)
		}
	}
	if missing := s.unused(); len(missing) > 0 {
		return nil, errors.New("the manifest lists " + strings.Join(missing, ", ") +
			", which the source folders do not hold: add them, or remove them from the manifest")
	}
	return kept, nil
}

// quoteList returns names quoted, sorted and joined with commas.
func quoteList(names []string) string {
	sort.Strings(names)
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
