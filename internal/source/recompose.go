package source

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// childXML is a child's element, ready to merge into its parent's file.
type childXML struct {
	node *xmlNode // named as the parent's element that holds it
	key  string   // what the children of one element are sorted by
}

// readXML reads and parses the XML file at p.
func readXML(p string) (*xmlNode, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	root, err := parseXML(data)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", p, err)
	}
	return root, nil
}

// recomposeObject returns a writer of an object's metadata-format file: the object's own
// elements, then each child type's element, those sorted by name, the children of each
// sorted by their fullName, as the Salesforce CLI merges them.
func recomposeObject(c *component) func(io.Writer) error {
	return func(w io.Writer) error {
		parent := &xmlNode{name: c.typ.name}
		if c.xml != "" {
			var err error
			if parent, err = readXML(c.xml); err != nil {
				return err
			}
		}
		var kids []childXML
		for _, ch := range c.children {
			if !ch.in {
				continue
			}
			root, err := readXML(ch.xml)
			if err != nil {
				return err
			}
			key := root.text("fullName")
			if key == "" {
				key = root.text("name")
			}
			kids = append(kids, childXML{key: key, node: &xmlNode{name: ch.typ.element,
				attrs: withoutNS(root.attrs), children: root.children}})
		}
		return writeMerged(w, c.typ.name, parent, kids)
	}
}

// recomposeLabels returns a writer of labels/CustomLabels.labels: every selected label,
// sorted by name; the labels files' other elements are dropped, as the Salesforce CLI does.
func recomposeLabels(c *component) func(io.Writer) error {
	return func(w io.Writer) error {
		var kids []childXML
		for _, ch := range c.children {
			if ch.in {
				kids = append(kids, childXML{key: ch.name, node: ch.node})
			}
		}
		return writeMerged(w, c.typ.name, &xmlNode{name: c.typ.name}, kids)
	}
}

// writeMerged writes a parent's file: its own elements grouped by name in the order each
// name first appears, then the children's elements, by element name; an element of the
// parent's that children also use gives way to the children, in its place.
func writeMerged(w io.Writer, rootName string, parent *xmlNode, kids []childXML) error {
	groups := map[string][]*xmlNode{}
	var names []string
	sort.SliceStable(kids, func(i, j int) bool { return collate(kids[i].key, kids[j].key) < 0 })
	for _, k := range kids {
		if groups[k.node.name] == nil {
			names = append(names, k.node.name)
		}
		groups[k.node.name] = append(groups[k.node.name], k.node)
	}
	sort.Strings(names)

	root := &xmlNode{name: rootName, attrs: append([]xml.Attr{{Name: xml.Name{Local: "xmlns"},
		Value: metadataNS}}, withoutNS(parent.attrs)...)}
	for _, g := range groupByName(parent.elements()) {
		if kidGroup, ok := groups[g[0].name]; ok {
			root.children = append(root.children, kidGroup...)
			delete(groups, g[0].name)
			continue
		}
		root.children = append(root.children, g...)
	}
	for _, name := range names {
		root.children = append(root.children, groups[name]...)
	}

	bw := bufio.NewWriter(w)
	bw.WriteString(xmlDecl)
	writeNode(bw, root, 0)
	bw.WriteString("\n")
	return bw.Flush()
}

// groupByName groups nodes by name, in the order each name first appears.
func groupByName(nodes []*xmlNode) [][]*xmlNode {
	index := map[string]int{}
	var groups [][]*xmlNode
	for _, n := range nodes {
		i, ok := index[n.name]
		if !ok {
			i = len(groups)
			index[n.name] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], n)
	}
	return groups
}

// writeNode writes an element at depth, indented by four spaces a level, as the Salesforce
// CLI's XML builder does: children grouped by name in the order each name first appears,
// text trimmed, an empty element as a start and an end tag.
func writeNode(w *bufio.Writer, n *xmlNode, depth int) {
	indent := strings.Repeat("    ", depth)
	if n.name == commentName {
		w.WriteString(indent)
		w.Write(n.raw)
		return
	}
	w.WriteString(indent + "<" + n.name)
	for _, a := range n.attrs {
		w.WriteString(" " + qualified(a.Name) + `="`)
		_ = xml.EscapeText(w, []byte(a.Value)) // a bufio.Writer reports errors at Flush
		w.WriteString(`"`)
	}
	w.WriteString(">")
	var text []byte
	for _, c := range n.children {
		if c.name == textName {
			text = append(text, c.raw...)
		}
	}
	text = bytes.TrimSpace(text)
	elems := n.elements()
	if len(elems) == 0 {
		w.Write(text)
		w.WriteString("</" + n.name + ">")
		return
	}
	if len(text) > 0 { // mixed content, which metadata does not use: the text comes first
		w.WriteString("\n" + indent + "    ")
		w.Write(text)
	}
	for _, g := range groupByName(elems) {
		for _, c := range g {
			w.WriteString("\n")
			writeNode(w, c, depth+1)
		}
	}
	w.WriteString("\n" + indent + "</" + n.name + ">")
}
