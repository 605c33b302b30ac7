package shipcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// actionCommands are the CLI commands the action runs; their options are its inputs.
var actionCommands = []string{"deploy", "finish", "status", "cancel"}

// cliOption is an option as the CLI's source declares it.
type cliOption struct {
	name string
	def  string
}

// goPackage is the parsed non-test source of one package of this module.
type goPackage struct {
	files  []*ast.File
	consts map[string]ast.Expr
}

// goSource reads this module's packages from source: the CLI's option tables are unexported,
// so the tests read them the way a reviewer would, from the composite literals.
type goSource struct {
	root string
	fset *token.FileSet
	pkgs map[string]*goPackage // by folder relative to root
}

func newGoSource(root string) *goSource {
	return &goSource{root: root, fset: token.NewFileSet(), pkgs: map[string]*goPackage{}}
}

// pkg parses the non-test files of the package in dir (relative to the root) once.
func (s *goSource) pkg(dir string) (*goPackage, error) {
	if p, ok := s.pkgs[dir]; ok {
		return p, nil
	}
	names, err := filepath.Glob(filepath.Join(s.root, dir, "*.go"))
	if err != nil {
		return nil, err
	}
	p := &goPackage{consts: map[string]ast.Expr{}}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(s.fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.files = append(p.files, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if i < len(vs.Values) {
							p.consts[id.Name] = vs.Values[i]
						}
					}
				}
			}
		}
	}
	if len(p.files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	s.pkgs[dir] = p
	return p, nil
}

// str evaluates a constant string expression of file f in package dir: a literal, a
// concatenation, or a constant of this package or of another package of this module.
func (s *goSource) str(dir string, f *ast.File, e ast.Expr) (string, error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			return strconv.Unquote(e.Value)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, err := s.str(dir, f, e.X)
			if err != nil {
				return "", err
			}
			y, err := s.str(dir, f, e.Y)
			return x + y, err
		}
	case *ast.Ident:
		p, err := s.pkg(dir)
		if err != nil {
			return "", err
		}
		if v, ok := p.consts[e.Name]; ok {
			return s.str(dir, fileOf(s.fset, p, v), v)
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if other := importedDir(f, x.Name); other != "" {
				return s.str(other, nil, e.Sel)
			}
		}
	}
	return "", fmt.Errorf("%s: not a constant string of this module",
		s.fset.Position(e.Pos()))
}

// fileOf returns the file of p that holds node n.
func fileOf(fset *token.FileSet, p *goPackage, n ast.Node) *ast.File {
	for _, f := range p.files {
		if f.FileStart <= n.Pos() && n.Pos() < f.FileEnd {
			return f
		}
	}
	return nil
}

// importedDir returns the folder of this module's package that f imports as name.
func importedDir(f *ast.File, name string) string {
	if f == nil {
		return ""
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		local := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if local == name && strings.HasPrefix(p, module+"/") {
			return strings.TrimPrefix(p, module+"/")
		}
	}
	return ""
}

// cliOptions returns the options of each of the action's commands, as internal/cli declares
// them: the option literals in the command's constructor (named in commands()) and in the
// package-level []option tables it uses.
func cliOptions(t *testing.T, root string) map[string][]cliOption {
	t.Helper()
	src := newGoSource(root)
	const dir = "internal/cli"
	p, err := src.pkg(dir)
	if err != nil {
		t.Fatal(err)
	}
	funcs, tables := map[string]*ast.FuncDecl{}, map[string]*ast.CompositeLit{}
	for _, f := range p.files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					funcs[d.Name.Name] = d
				}
			case *ast.GenDecl:
				collectTables(d, tables)
			}
		}
	}
	constructors := commandConstructors(t, funcs["commands"])
	out := map[string][]cliOption{}
	for _, cmd := range actionCommands {
		fn := funcs[constructors[cmd]]
		if fn == nil {
			t.Fatalf("internal/cli: commands() names no constructor for %q", cmd)
		}
		for _, lit := range optionLiterals(fn.Body, tables) {
			o, err := readOption(src, dir, fileOf(src.fset, p, lit), lit)
			if err != nil {
				t.Fatalf("internal/cli: command %s: %v", cmd, err)
			}
			out[cmd] = append(out[cmd], o)
		}
		if len(out[cmd]) == 0 {
			t.Fatalf("internal/cli: found no options for command %s", cmd)
		}
	}
	return out
}

// collectTables records package-level variables whose value is a []option literal.
func collectTables(d *ast.GenDecl, tables map[string]*ast.CompositeLit) {
	if d.Tok != token.VAR {
		return
	}
	for _, spec := range d.Specs {
		vs := spec.(*ast.ValueSpec)
		for i, id := range vs.Names {
			if i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.CompositeLit); ok && isOptionSlice(lit.Type) {
					tables[id.Name] = lit
				}
			}
		}
	}
}

// commandConstructors reads commands()'s map literal: command name to constructor name.
func commandConstructors(t *testing.T, fn *ast.FuncDecl) map[string]string {
	t.Helper()
	if fn == nil {
		t.Fatal("internal/cli: no func commands()")
	}
	out := map[string]string{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		key, ok := kv.Key.(*ast.BasicLit)
		call, isCall := kv.Value.(*ast.CallExpr)
		if ok && isCall {
			if id, ok := call.Fun.(*ast.Ident); ok {
				name, _ := strconv.Unquote(key.Value)
				out[name] = id.Name
			}
		}
		return true
	})
	return out
}

// optionLiterals returns the option literals used in body, directly or through tables.
func optionLiterals(body ast.Node, tables map[string]*ast.CompositeLit) []*ast.CompositeLit {
	var out []*ast.CompositeLit
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			if isOptionSlice(n.Type) {
				out = append(out, elements(n)...)
				return false
			}
			if id, ok := n.Type.(*ast.Ident); ok && id.Name == "option" {
				out = append(out, n)
				return false
			}
		case *ast.Ident:
			if lit, ok := tables[n.Name]; ok {
				out = append(out, elements(lit)...)
			}
		}
		return true
	})
	return out
}

func elements(lit *ast.CompositeLit) []*ast.CompositeLit {
	var out []*ast.CompositeLit
	for _, e := range lit.Elts {
		if c, ok := e.(*ast.CompositeLit); ok {
			out = append(out, c)
		}
	}
	return out
}

func isOptionSlice(e ast.Expr) bool {
	a, ok := e.(*ast.ArrayType)
	if !ok || a.Len != nil {
		return false
	}
	id, ok := a.Elt.(*ast.Ident)
	return ok && id.Name == "option"
}

// readOption reads the name and def fields of one option literal.
func readOption(src *goSource, dir string, f *ast.File, lit *ast.CompositeLit) (cliOption,
	error) {
	var o cliOption
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return o, fmt.Errorf("%s: option literal without field names",
				src.fset.Position(e.Pos()))
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil || (key.Name != "name" && key.Name != "def") {
			continue
		}
		v, err := src.str(dir, f, kv.Value)
		if err != nil {
			return o, err
		}
		if key.Name == "name" {
			o.name = v
		} else {
			o.def = v
		}
	}
	if o.name == "" {
		return o, fmt.Errorf("%s: option without a name", src.fset.Position(lit.Pos()))
	}
	return o, nil
}

// cliOutputs returns the output names the CLI sets: the first strings of the [2]string pairs
// and the keys of the map[string]string literals in every function that calls .Output.
func cliOutputs(t *testing.T, root string) []string {
	t.Helper()
	src := newGoSource(root)
	p, err := src.pkg("internal/cli")
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, f := range p.files {
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil && callsOutput(fn.Body) {
				collectOutputNames(fn.Body, set)
			}
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("internal/cli: found no output names")
	}
	return names
}

func callsOutput(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Output" {
				found = true
			}
		}
		return !found
	})
	return found
}

func collectOutputNames(body ast.Node, set map[string]bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		switch {
		case isStringPairSlice(lit.Type):
			for _, e := range elements(lit) {
				addFirstString(e, set)
			}
			return false
		case isStringPair(lit.Type):
			addFirstString(lit, set)
			return false
		case isStringMap(lit.Type):
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					addString(kv.Key, set)
				}
			}
			return false
		}
		return true
	})
}

func addFirstString(lit *ast.CompositeLit, set map[string]bool) {
	if len(lit.Elts) > 0 {
		addString(lit.Elts[0], set)
	}
}

func addString(e ast.Expr, set map[string]bool) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		if s, err := strconv.Unquote(b.Value); err == nil {
			set[s] = true
		}
	}
}

func isStringPair(e ast.Expr) bool {
	a, ok := e.(*ast.ArrayType)
	if !ok || a.Len == nil {
		return false
	}
	n, ok := a.Len.(*ast.BasicLit)
	return ok && n.Value == "2" && isIdent(a.Elt, "string")
}

func isStringPairSlice(e ast.Expr) bool {
	a, ok := e.(*ast.ArrayType)
	return ok && a.Len == nil && isStringPair(a.Elt)
}

func isStringMap(e ast.Expr) bool {
	m, ok := e.(*ast.MapType)
	return ok && isIdent(m.Key, "string") && isIdent(m.Value, "string")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
