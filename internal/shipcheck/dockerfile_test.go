package shipcheck

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper-cased: FROM, RUN, …
	args string
}

// stage is one FROM and the instructions after it.
type stage struct {
	base, name string
	body       []instruction
}

// readDockerfile splits the Dockerfile into stages. It knows the subset of the syntax this
// repository uses: no heredocs, and `\` as the escape character.
func readDockerfile(t *testing.T, root string) []stage {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []stage
	var cur strings.Builder
	start, n := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		in := instruction{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, parseFrom(in.args))
			continue
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile:%d: %s before the first FROM", in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(stages) < 2 {
		t.Fatal("Dockerfile: want a multi-stage build")
	}
	return stages
}

func parseFrom(args string) stage {
	var fields []string
	for _, f := range strings.Fields(args) {
		if !strings.HasPrefix(f, "--") {
			fields = append(fields, f)
		}
	}
	s := stage{base: fields[0]}
	if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
		s.name = fields[2]
	}
	return s
}

const binaryPath = "/usr/local/bin/sf-async-deploy"

func TestDockerfileFinalStage(t *testing.T) {
	stages := readDockerfile(t, repoRoot(t))
	final := stages[len(stages)-1]
	for _, bad := range []string{"scratch", "distroless"} {
		if strings.Contains(final.base, bad) {
			t.Errorf("Dockerfile: final base %s has no /bin/sh: GitLab jobs run a script in "+
				"the image", final.base)
		}
	}
	var entrypoint, certs, copied bool
	for _, in := range final.body {
		switch in.cmd {
		case "USER", "WORKDIR":
			t.Errorf("Dockerfile:%d: no %s in the final stage: the Actions runner needs root "+
				"and sets the working folder itself", in.line, in.cmd)
		case "ENTRYPOINT":
			entrypoint = in.args == `["`+binaryPath+`"]`
		case "RUN":
			certs = certs || (strings.Contains(in.args, "apk add --no-cache") &&
				strings.Contains(in.args, "ca-certificates"))
		case "COPY":
			copied = copied || strings.HasSuffix(in.args, " "+binaryPath)
		}
	}
	if !entrypoint {
		t.Errorf(`Dockerfile: want ENTRYPOINT ["%s"] in the final stage`, binaryPath)
	}
	if !certs {
		t.Error("Dockerfile: the final stage must install ca-certificates (apk add --no-cache)")
	}
	if !copied {
		t.Errorf("Dockerfile: the final stage must copy the CLI to %s", binaryPath)
	}
}

// goBuild is the Dockerfile's go build command, variables expanded.
type goBuild struct {
	env  []string
	args []string // after "go"
}

// dockerGoBuild finds the RUN that runs go build in the stage the final stage copies the CLI
// from, and expands it with vars.
func dockerGoBuild(t *testing.T, stages []stage, vars map[string]string) goBuild {
	t.Helper()
	from := ""
	for _, in := range stages[len(stages)-1].body {
		if in.cmd == "COPY" && strings.HasSuffix(in.args, " "+binaryPath) {
			for _, f := range strings.Fields(in.args) {
				if v, ok := strings.CutPrefix(f, "--from="); ok {
					from = v
				}
			}
		}
	}
	for _, s := range stages {
		if s.name != from || from == "" {
			continue
		}
		for _, in := range s.body {
			if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
				return splitGoBuild(t, in, vars)
			}
		}
	}
	t.Fatalf("Dockerfile: no RUN go build in stage %q, which the CLI is copied from", from)
	return goBuild{}
}

func splitGoBuild(t *testing.T, in instruction, vars map[string]string) goBuild {
	t.Helper()
	words := shellWords(t, in, vars)
	var b goBuild
	for len(words) > 0 && strings.HasPrefix(words[0], "--mount=") {
		words = words[1:]
	}
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		b.env, words = append(b.env, words[0]), words[1:]
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("Dockerfile:%d: want one command, [VAR=value…] go build …", in.line)
	}
	b.args = words[1:]
	return b
}

// shellWords splits a RUN's shell command into words, expanding $VAR and ${VAR} outside
// single quotes. Operators such as && or ; are refused: the RUN must be one command.
func shellWords(t *testing.T, in instruction, vars map[string]string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	s := []rune(in.args)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == 0 && (c == ' ' || c == '\t'):
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
			continue
		case quote == 0 && strings.ContainsRune("&|;<>`()", c):
			t.Fatalf("Dockerfile:%d: %q in the go build RUN: keep it one plain command",
				in.line, c)
		case c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case c == '$' && quote != '\'':
			name, n := varName(s[i+1:])
			v, ok := vars[name]
			if !ok {
				t.Fatalf("Dockerfile:%d: $%s is not an ARG the test knows", in.line, name)
			}
			cur.WriteString(v)
			i += n
		default:
			cur.WriteRune(c)
		}
		inWord = true
	}
	if quote != 0 {
		t.Fatalf("Dockerfile:%d: unterminated quote", in.line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// varName reads NAME or {NAME} after a $ and returns the name and the runes it took.
func varName(s []rune) (string, int) {
	if len(s) > 0 && s[0] == '{' {
		end := slices.Index(s, '}')
		if end < 0 {
			return "", 0
		}
		return string(s[1:end]), end + 1
	}
	n := 0
	for n < len(s) && (s[n] == '_' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= 'a' && s[n] <= 'z' ||
		s[n] >= '0' && s[n] <= '9') {
		n++
	}
	return string(s[:n]), n
}

// TestDockerfileGoBuild runs the Dockerfile's go build command, with its flags, and checks
// that the binary it builds reports the injected version.
func TestDockerfileGoBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	root := repoRoot(t)
	const version = "v0.0.0-shipcheck"
	b := dockerGoBuild(t, readDockerfile(t, root), map[string]string{
		"TARGETOS": "linux", "TARGETARCH": runtime.GOARCH, "VERSION": version})

	if !slices.Contains(b.env, "CGO_ENABLED=0") {
		t.Errorf("Dockerfile: go build needs CGO_ENABLED=0 (got env %v)", b.env)
	}
	for _, want := range []string{"GOOS=linux", "GOARCH=" + runtime.GOARCH} {
		if !slices.Contains(b.env, want) {
			t.Errorf("Dockerfile: go build needs %s from TARGETOS/TARGETARCH (got %v)",
				want, b.env)
		}
	}
	if !slices.Contains(b.args, "-trimpath") {
		t.Error("Dockerfile: go build needs -trimpath")
	}
	ldflags := flagValue(b.args, "-ldflags")
	if !strings.Contains(ldflags, "-X "+module+"/internal/buildinfo.Version="+version) {
		t.Errorf("Dockerfile: -ldflags %q does not set internal/buildinfo.Version from VERSION",
			ldflags)
	}
	if b.args[len(b.args)-1] != "./cmd/sf-async-deploy" {
		t.Errorf("Dockerfile: go build builds %s, want ./cmd/sf-async-deploy",
			b.args[len(b.args)-1])
	}
	out := flagValue(b.args, "-o")
	if out == "" {
		t.Fatal("Dockerfile: go build has no -o")
	}
	bin := filepath.Join(t.TempDir(), "sf-async-deploy")
	b.args[slices.Index(b.args, "-o")+1] = bin

	build := exec.Command("go", b.args...)
	build.Dir = root
	build.Env = append(os.Environ(), b.env...)
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(b.args, " "), err, msg)
	}
	if runtime.GOOS != "linux" {
		t.Skip("built for linux; cannot run it here")
	}
	run := exec.Command(bin, "version")
	run.Env = []string{} // no CI variables: the plain terminal output
	msg, err := run.CombinedOutput()
	if err != nil || !bytes.Contains(msg, []byte(version)) {
		t.Errorf("sf-async-deploy version = %q, %v; want it to print %s", msg, err, version)
	}
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// TestDockerignoreLetsInTheCLI checks that .dockerignore, an allow list, lets in every file the
// CLI is built from: go.mod, go.sum and the Go and embedded files of each package it imports.
func TestDockerignoreLetsInTheCLI(t *testing.T) {
	root := repoRoot(t)
	rules := readDockerignore(t, root)
	list := exec.Command("go", "list", "-deps", "-f",
		`{{if and .Module .Module.Main}}{{range .GoFiles}}{{$.Dir}}/{{.}}
{{end}}{{range .EmbedFiles}}{{$.Dir}}/{{.}}
{{end}}{{end}}`, "./cmd/sf-async-deploy")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	files := []string{"go.mod", "go.sum"}
	for _, f := range strings.Fields(string(out)) {
		files = append(files, rel(root, f))
	}
	for _, f := range files {
		if ignored(rules, f) {
			t.Errorf(".dockerignore leaves out %s, which the CLI's build needs", f)
		}
	}
	for _, f := range []string{".git/config", "internal/cli/cli_test.go", "Dockerfile"} {
		if !ignored(rules, f) {
			t.Errorf(".dockerignore lets in %s: keep the build context small", f)
		}
	}
}

// ignoreRule is one .dockerignore line.
type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

func readDockerignore(t *testing.T, root string) []ignoreRule {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var rules []ignoreRule
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if p, ok := strings.CutPrefix(line, "!"); ok {
			r.negate, line = true, p
		}
		line = strings.Trim(filepath.ToSlash(filepath.Clean(line)), "/")
		r.re = regexp.MustCompile("^" + globRegexp(line) + "$")
		rules = append(rules, r)
	}
	return rules
}

// globRegexp translates a .dockerignore pattern: ** spans folders, * and ? do not.
func globRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	return b.String()
}

// ignored applies the rules as Docker does: the last rule that matches the file, or one of
// its parent folders, decides.
func ignored(rules []ignoreRule, file string) bool {
	out := false
	for _, r := range rules {
		for p := file; p != "." && p != ""; p = filepath.ToSlash(filepath.Dir(p)) {
			if r.re.MatchString(p) {
				out = !r.negate
				break
			}
		}
	}
	return out
}
