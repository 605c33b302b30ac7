package source

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// ignoreCase is a .forceignore and paths with whether it ignores them.
type ignoreCase struct {
	name   string
	rules  string
	denied []string // paths the rules ignore; a trailing "/" marks a folder
	kept   []string // paths they keep
}

var ignoreCases = []ignoreCase{
	{name: "defaults: dot files and dup files", rules: "",
		denied: []string{".eslintrc.json", "force-app/lwc/.eslintrc.json", "a/.git/",
			"x/y.dup", "package2-descriptor.json", "a/package2-manifest.json"},
		kept: []string{"force-app/main/default/classes/A.cls", "sfdx-project.json"}},
	{name: "a name matches at any depth", rules: "jsconfig.json\n",
		denied: []string{"jsconfig.json", "force-app/lwc/jsconfig.json"},
		kept:   []string{"force-app/lwc/jsconfig.json5"}},
	{name: "double star folders", rules: "**/__tests__/**\n",
		denied: []string{"force-app/lwc/card/__tests__/card.test.js", "__tests__/a/b.js"},
		kept:   []string{"force-app/lwc/card/card.js", "__tests__"}},
	{name: "anchored path with a star", rules: "force-app/main/default/classes/Scratch*\n",
		denied: []string{"force-app/main/default/classes/ScratchPad.cls",
			"force-app/main/default/classes/Scratch.cls-meta.xml"},
		kept: []string{"other/force-app/main/default/classes/ScratchPad.cls",
			"force-app/main/default/classes/MyScratch.cls"}},
	{name: "leading slash anchors", rules: "/profiles\n",
		denied: []string{"profiles/Admin.profile-meta.xml"},
		kept:   []string{"force-app/profiles/Admin.profile-meta.xml"}},
	{name: "folder-only rule", rules: "build/\n",
		denied: []string{"build/", "build/out.txt", "a/build/x"},
		kept:   []string{"build", "a/build"}},
	{name: "negation re-includes", rules: "*.cls\n!Keep.cls\n",
		denied: []string{"A.cls", "classes/B.cls"},
		kept:   []string{"Keep.cls", "classes/Keep.cls", "A.cls-meta.xml"}},
	{name: "nothing re-includes inside an ignored folder", rules: "classes/\n!classes/Keep.cls\n",
		denied: []string{"classes/Keep.cls", "classes/A.cls"}},
	{name: "comments, blanks, escapes and trailing spaces",
		rules:  "# comment\n\n\\#hash.cls\nspaced.cls   \n\\!bang.cls\r\n",
		denied: []string{"#hash.cls", "spaced.cls", "!bang.cls"},
		kept:   []string{"# comment", "comment"}},
	{name: "question mark and classes", rules: "Test?.cls\n[ab]*.page\n[!x]z.txt\n[a-c]y\n",
		denied: []string{"Test1.cls", "a1.page", "b.page", "xz.txt", "!z.txt", "by"},
		kept:   []string{"Test12.cls", "c.page", "yz.txt", "Test/a.cls", "dy"}},
	{name: "patterns that match nothing", rules: "a[b.txt\n[]a]x\n[z-a]x\n",
		kept: []string{"a[b.txt", "ab.txt", "]x", "ax", "bx", "zx"}},
	{name: "middle double star", rules: "a/**/z.txt\n",
		denied: []string{"a/z.txt", "a/b/z.txt", "a/b/c/z.txt"},
		kept:   []string{"b/a/z.txt", "a/z.txt2"}},
	{name: "star does not cross folders", rules: "force-app/*.cls\n",
		denied: []string{"force-app/A.cls"},
		kept:   []string{"force-app/classes/A.cls"}},
	{name: "escaped star and space", rules: "a\\*b\nfoo\\ \n",
		denied: []string{"a*b", "foo "}, kept: []string{"axb", "foo"}},
}

// splitDir returns a test path without its trailing "/" and whether it names a folder.
func splitDir(p string) (string, bool) {
	trimmed, dir := strings.CutSuffix(p, "/")
	return trimmed, dir
}

func TestForceIgnoreDenies(t *testing.T) {
	for _, tc := range ignoreCases {
		t.Run(tc.name, func(t *testing.T) {
			f := ParseForceIgnore([]byte(tc.rules))
			for _, p := range tc.denied {
				if rel, dir := splitDir(p); !f.Denies(rel, dir) {
					t.Errorf("Denies(%q) = false, want true", p)
				}
			}
			for _, p := range tc.kept {
				if rel, dir := splitDir(p); f.Denies(rel, dir) {
					t.Errorf("Denies(%q) = true, want false", p)
				}
			}
		})
	}
}

// TestForceIgnoreMatchesNodeIgnore checks the cases against node-ignore, the library the
// Salesforce CLI reads .forceignore with.
func TestForceIgnoreMatchesNodeIgnore(t *testing.T) {
	ref := findReference(t)
	const script = `const ignore = require('ignore');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(cases.map(c => {
  const ig = ignore().add(c.rules);
  return c.paths.map(p => ig.ignores(p));
})));`
	type jsCase struct {
		Rules string   `json:"rules"`
		Paths []string `json:"paths"`
	}
	var in []jsCase
	for _, tc := range ignoreCases {
		paths := append(append([]string(nil), tc.denied...), tc.kept...)
		in = append(in, jsCase{strings.Join(defaultIgnore, "\n") + "\n" + tc.rules, paths})
	}
	var got [][]bool
	runNode(t, ref, script, in, &got)
	for i, tc := range ignoreCases {
		for j, want := range got[i] {
			p := in[i].Paths[j]
			rel, dir := splitDir(p)
			if mine := ParseForceIgnore([]byte(tc.rules)).Denies(rel, dir); mine != want {
				t.Errorf("%s: %q: Denies = %v, node-ignore says %v", tc.name, p, mine, want)
			}
		}
	}
}

// runNode runs a script with the reference's node and modules, passing in as JSON on stdin
// and decoding its JSON output into out.
func runNode(t *testing.T, ref *reference, script string, in, out any) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ref.node, "-e", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+ref.modules)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("node printed %q: %v", res, err)
	}
}

func FuzzParseForceIgnore(f *testing.F) {
	f.Add("**/__tests__/**\n!keep\n/anchored/*.cls\nbuild/\n[a-z]?.txt\n", "a/b/c.txt")
	f.Add("\\#x\n\\!y \n[!", "x/[/y")
	f.Fuzz(func(t *testing.T, rules, p string) {
		fi := ParseForceIgnore([]byte(rules))
		denied := fi.Denies(p, false)
		if denied != fi.Denies(p, false) {
			t.Fatal("Denies is not deterministic")
		}
		// What lies inside an ignored folder is ignored.
		if p != "" && !strings.HasPrefix(p, "../") && fi.Denies(p, true) &&
			!fi.Denies(p+"/child", false) {
			t.Errorf("%q is ignored as a folder but %q is not", p, p+"/child")
		}
	})
}
