package source

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// metadataNS is the namespace of every metadata file.
const metadataNS = "http://soap.sforce.com/2006/04/metadata"

// xmlDecl starts every file the converter writes itself.
const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// The names of the nodes that are not elements.
const (
	textName    = "#text"
	commentName = "#comment"
)

// xmlNode is an element, a text or a comment of a metadata file. Text keeps its bytes as
// the file has them, entities and CDATA sections included, so that merging files never
// re-escapes it.
type xmlNode struct {
	name     string     // the element's name with its prefix, or textName or commentName
	attrs    []xml.Attr // an element's attributes, prefixes kept
	raw      []byte     // a text's or a comment's bytes
	children []*xmlNode
}

// parseXML reads an XML document into the tree of its root element. It checks that tags
// match and that there is one root.
func parseXML(data []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Entity = xml.HTMLEntity
	var root *xmlNode
	var stack []*xmlNode
	for {
		off := d.InputOffset()
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		raw := data[off:d.InputOffset()]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: qualified(t.Name), attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != qualified(t.Name) {
				return nil, fmt.Errorf("unexpected end tag </%s>", qualified(t.Name))
			}
			stack = stack[:len(stack)-1]
		case xml.CharData, xml.Comment:
			if len(stack) == 0 {
				continue
			}
			name := textName
			if _, ok := tok.(xml.Comment); ok {
				name = commentName
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, &xmlNode{name: name, raw: raw})
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, errors.New("no complete root element")
	}
	return root, nil
}

// qualified returns a raw name with its prefix.
func qualified(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// withoutNS returns the attributes other than the default namespace declaration.
func withoutNS(attrs []xml.Attr) []xml.Attr {
	var out []xml.Attr
	for _, a := range attrs {
		if a.Name.Space == "" && a.Name.Local == "xmlns" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// elements returns the child elements and comments, the text between them left out.
func (n *xmlNode) elements() []*xmlNode {
	var out []*xmlNode
	for _, c := range n.children {
		if c.name != textName {
			out = append(out, c)
		}
	}
	return out
}

// text returns the decoded, trimmed text of the first child element called name, or "".
func (n *xmlNode) text(name string) string {
	for _, c := range n.children {
		if c.name == name {
			return c.value()
		}
	}
	return ""
}

// value returns an element's text with entities decoded, trimmed.
func (n *xmlNode) value() string {
	var raw []byte
	for _, c := range n.children {
		if c.name == textName {
			raw = append(raw, c.raw...)
		}
	}
	d := xml.NewDecoder(bytes.NewReader(append(append([]byte("<v>"), raw...), "</v>"...)))
	d.Entity = xml.HTMLEntity
	var b strings.Builder
	for {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			b.Write(cd)
		}
	}
	return strings.TrimSpace(b.String())
}

// hasRealValues reports whether a parent's file says more than its namespace, as the
// Salesforce CLI decides whether package.xml lists the parent itself.
func (n *xmlNode) hasRealValues() bool {
	names := map[string]bool{}
	for _, c := range n.elements() {
		names[c.name] = true
	}
	return len(n.attrs)+len(names) > 1
}
