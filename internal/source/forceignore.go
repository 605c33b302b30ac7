package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// ForceIgnoreFile is the name of the file that keeps source files out of deployments.
const ForceIgnoreFile = ".forceignore"

// defaultIgnore are the rules the Salesforce CLI puts before a project's .forceignore (only
// when the project has one): dot files and folders, *.dup files and packaging descriptors.
var defaultIgnore = []string{
	"**/*.dup",
	"**/.*",
	"!.sf",
	"**/.sf/**",
	"!**/.sf/orgs",
	"!**/.sf/orgs/**",
	"**/.sf/orgs/*/**",
	"!**/.sf/orgs/*/remoteMetadata",
	"!**/.sf/orgs/*/remoteMetadata/**",
	"**/package2-descriptor.json",
	"**/package2-manifest.json",
}

// ForceIgnore holds the rules of a .forceignore file, which follow .gitignore's syntax.
type ForceIgnore struct {
	rules []ignoreRule
}

// ignoreRule is one pattern line.
type ignoreRule struct {
	re      *regexp.Regexp
	negate  bool // the line started with "!": it re-includes what it matches
	dirOnly bool // the line ended with "/": it matches folders only
	// baseOnly: the pattern has no "/" (but a leading "**/"), so it matches a path whose
	// last element it matches, and re is tried on that element alone.
	baseOnly bool
}

// ParseForceIgnore reads the contents of a .forceignore file, with the Salesforce CLI's
// default rules first. A line that cannot be compiled into a pattern is skipped, as git does.
func ParseForceIgnore(data []byte) *ForceIgnore {
	f := &ForceIgnore{}
	lines := append(append([]string(nil), defaultIgnore...), strings.Split(string(data), "\n")...)
	for _, line := range lines {
		if r, ok := parseIgnoreLine(line); ok {
			f.rules = append(f.rules, r)
		}
	}
	return f
}

// parseIgnoreLine compiles one line; ok is false for blank lines, comments and bad patterns.
func parseIgnoreLine(line string) (ignoreRule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimTrailingSpaces(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
	}
	var r ignoreRule
	if strings.HasPrefix(line, "!") {
		r.negate, line = true, line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") && !strings.HasSuffix(line, `\/`) {
		r.dirOnly, line = true, strings.TrimRight(line, "/")
	}
	if line == "" {
		return ignoreRule{}, false
	}
	if rest, ok := strings.CutPrefix(line, "**/"); ok && !strings.Contains(rest, "/") {
		line = rest // the same rule: a name at any depth
	}
	r.baseOnly = !strings.Contains(line, "/")
	expr, ok := globRegexp(line)
	if !ok {
		return ignoreRule{}, false
	}
	re, err := regexp.Compile(expr)
	if err != nil { // an invalid range such as [z-a]
		return ignoreRule{}, false
	}
	r.re = re
	return r, true
}

// trimTrailingSpaces removes trailing spaces that are not escaped with a backslash.
func trimTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// globRegexp translates a gitignore pattern, without its "!" and trailing "/", into a
// regular expression over slash-separated paths relative to the .forceignore's folder. It
// returns false for a pattern that can match nothing, as node-ignore (which the Salesforce
// CLI uses) reads an unclosed or empty bracket expression.
func globRegexp(p string) (string, bool) {
	p = strings.TrimPrefix(p, "/")
	var b strings.Builder
	b.WriteString("^") // a pattern without "/" is matched against the last element alone
	for i := 0; i < len(p); {
		switch {
		case strings.HasPrefix(p[i:], "**/") && (i == 0 || p[i-1] == '/'):
			b.WriteString("(?:.*/)?")
			i += 3
		case p[i:] == "**" && i > 0 && p[i-1] == '/':
			b.WriteString(".+")
			i += 2
		case p[i] == '*':
			b.WriteString("[^/]*")
			for i < len(p) && p[i] == '*' {
				i++
			}
		case p[i] == '?':
			b.WriteString("[^/]")
			i++
		case p[i] == '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end <= 0 {
				return "", false
			}
			b.WriteString(globClass(p[i+1 : i+1+end]))
			i += end + 2
		case p[i] == '\\' && i+1 < len(p):
			b.WriteString(regexp.QuoteMeta(p[i+1 : i+2]))
			i += 2
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			i++
		}
	}
	b.WriteString("$")
	return b.String(), true
}

// globClass translates the inside of a bracket expression. As in node-ignore, "!" and "^"
// are members, not negations, and only "-" between two members makes a range.
func globClass(members string) string {
	var b strings.Builder
	b.WriteString("[")
	for _, c := range members {
		switch {
		case c == '-' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') ||
			('0' <= c && c <= '9'):
			b.WriteRune(c)
		default:
			b.WriteString(`\`)
			b.WriteRune(c)
		}
	}
	b.WriteString("]")
	return b.String()
}

// Denies reports whether the path rel (slash-separated, relative to the .forceignore's
// folder; a folder when dir is true) is ignored. As in git, a path inside an ignored folder
// is ignored whatever later rules say.
func (f *ForceIgnore) Denies(rel string, dir bool) bool {
	if !local(rel) {
		return false
	}
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' && f.matches(rel[:i], true) {
			return true
		}
	}
	return f.matches(rel, dir)
}

// local reports whether rel is a path inside the .forceignore's folder.
func local(rel string) bool {
	return rel != "" && rel != "." && rel != ".." && !strings.HasPrefix(rel, "../")
}

// matches applies the rules to one path, not to the folders it lies in: the last rule that
// matches decides.
func (f *ForceIgnore) matches(p string, dir bool) bool {
	if f == nil || !local(p) {
		return false
	}
	base := path.Base(p)
	ignored := false
	for _, r := range f.rules {
		if r.dirOnly && !dir || ignored != r.negate {
			continue // the rule cannot change the outcome
		}
		target := p
		if r.baseOnly {
			target = base
		}
		if r.re.MatchString(target) {
			ignored = !r.negate
		}
	}
	return ignored
}

// ignoreScope applies a .forceignore to the files of one source folder.
type ignoreScope struct {
	rules  *ForceIgnore // nil: nothing is ignored
	prefix string       // the source folder, relative to the .forceignore's folder
}

// denies reports whether the file or folder rel (slash-separated, relative to the source
// folder) is ignored, its folders inside the source folder being known not to be.
func (s ignoreScope) denies(rel string, dir bool) bool {
	return s.rules.matches(path.Join(s.prefix, rel), dir)
}

// deniesRoot reports whether the source folder itself lies in an ignored folder.
func (s ignoreScope) deniesRoot() bool {
	return s.rules.Denies(s.prefix, true)
}

// findForceIgnore looks for .forceignore in the source folder dir and its parents, up to
// and including stop (the project's folder, absolute) when dir lies inside it, and reads the
// first one found.
func findForceIgnore(dir, stop string) (ignoreScope, error) {
	start, err := filepath.Abs(dir)
	if err != nil {
		return ignoreScope{}, fmt.Errorf("find %s for %q: %w", ForceIgnoreFile, dir, err)
	}
	for abs := start; ; {
		p := filepath.Join(abs, ForceIgnoreFile)
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			rel, err := filepath.Rel(abs, start)
			if err != nil {
				return ignoreScope{}, fmt.Errorf("apply %q: %w", p, err)
			}
			return ignoreScope{rules: ParseForceIgnore(data), prefix: filepath.ToSlash(rel)}, nil
		case !errors.Is(err, fs.ErrNotExist):
			return ignoreScope{}, fmt.Errorf("read %q: %w", p, err)
		}
		parent := filepath.Dir(abs)
		if abs == stop || parent == abs {
			return ignoreScope{}, nil
		}
		abs = parent
	}
}
