package awstemplate_test

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
	"gopkg.in/yaml.v3"
)

const templatePath = "template.yaml"

// parseMu serialises goformation's parsing: it registers its YAML tag handlers in a global
// map on every parse, which parallel tests would otherwise write at the same time.
var parseMu sync.Mutex

// openTemplate parses the template into goformation's typed resources, intrinsic functions
// kept as goformation's encoded strings (compare them with cloudformation.Ref, GetAtt, Sub).
func openTemplate(t *testing.T) *cloudformation.Template {
	t.Helper()
	parseMu.Lock()
	defer parseMu.Unlock()
	tpl, err := goformation.OpenWithOptions(templatePath,
		&intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: typedIntrinsics()})
	if err != nil {
		t.Fatalf("parse %s with goformation: %v", templatePath, err)
	}
	return tpl
}

// typedIntrinsics is cloudformation.EncoderIntrinsics, except that a Ref to a Number
// parameter resolves to that parameter's default: goformation types such properties as int
// (Timeout, RetentionInDays), which an encoded Ref string cannot fill. rawTemplate keeps
// those Refs, and the tests check them there.
func typedIntrinsics() map[string]intrinsics.IntrinsicHandler {
	handlers := maps.Clone(cloudformation.EncoderIntrinsics)
	encodeRef := handlers["Ref"]
	handlers["Ref"] = func(name string, input, template any) any {
		if def, ok := numberDefault(input, template); ok {
			return def
		}
		return encodeRef(name, input, template)
	}
	return handlers
}

func numberDefault(input, template any) (any, bool) {
	name, _ := input.(string)
	tpl, _ := template.(map[string]any)
	params, _ := tpl["Parameters"].(map[string]any)
	param, _ := params[name].(map[string]any)
	if param["Type"] != "Number" || param["Default"] == nil {
		return nil, false
	}
	return param["Default"], true
}

// rawTemplate decodes the template with yaml.v3 alone, short-form tags turned into their
// long form ({"Ref": …}, {"Fn::GetAtt": [resource, attribute]}, {"Fn::If": […]}), so what
// goformation's types drop (Rules, Fn::If inside policies, Fn::Sub lists) can be checked.
// It refuses what CloudFormation's YAML does not accept: anchors, aliases, duplicate keys.
func rawTemplate(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatalf("read template: %v", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s as YAML: %v", templatePath, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		t.Fatalf("%s: want one YAML document", templatePath)
	}
	v, err := plain(doc.Content[0])
	if err != nil {
		t.Fatalf("%s: %v", templatePath, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: top level is %T, want a mapping", templatePath, v)
	}
	return m
}

func plain(n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return nil, fmt.Errorf("line %d: anchors and aliases are not CloudFormation YAML", n.Line)
	}
	custom := strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")
	var v any
	var err error
	switch {
	case n.Kind == yaml.ScalarNode && custom:
		v = n.Value
	case n.Kind == yaml.ScalarNode:
		err = n.Decode(&v)
	case n.Kind == yaml.SequenceNode:
		v, err = plainList(n)
	case n.Kind == yaml.MappingNode:
		v, err = plainMap(n)
	default:
		err = fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
	}
	if err != nil || !custom {
		return v, err
	}
	fn := strings.TrimPrefix(n.Tag, "!")
	if s, ok := v.(string); ok && fn == "GetAtt" {
		resource, attribute, _ := strings.Cut(s, ".")
		v = []any{resource, attribute}
	}
	if fn != "Ref" && fn != "Condition" {
		fn = "Fn::" + fn
	}
	return map[string]any{fn: v}, nil
}

func plainList(n *yaml.Node) ([]any, error) {
	out := make([]any, 0, len(n.Content))
	for _, c := range n.Content {
		v, err := plain(c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func plainMap(n *yaml.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping key is not a scalar", k.Line)
		}
		if _, dup := out[k.Value]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		v, err := plain(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		out[k.Value] = v
	}
	return out, nil
}

// dig walks maps by key, failing the test when a key is missing.
func dig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for i, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: is %T, not a mapping", strings.Join(path[:i], "."), v)
		}
		if v, ok = m[key]; !ok {
			t.Fatalf("%s: missing", strings.Join(path[:i+1], "."))
		}
	}
	return v
}

// rawResource is a resource's raw properties.
func rawResource(t *testing.T, raw map[string]any, name string) map[string]any {
	t.Helper()
	props, ok := dig(t, raw, "Resources", name, "Properties").(map[string]any)
	if !ok {
		t.Fatalf("resource %s: Properties is not a mapping", name)
	}
	return props
}

// strs turns a policy's string-or-list value into a list.
func strs(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// number reads a YAML or JSON number.
func number(t *testing.T, what string, v any) float64 {
	t.Helper()
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	case *int:
		if n != nil {
			return float64(*n)
		}
	case *float64:
		if n != nil {
			return *n
		}
	}
	t.Fatalf("%s: %v (%T) is not a number", what, v, v)
	return 0
}
