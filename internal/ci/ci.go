// Package ci is where a command reports: GitHub Actions (workflow commands, outputs, the
// step summary), GitLab CI (log sections), or a plain terminal.
package ci

import (
	"fmt"
	"io"
	"time"
)

// Kind names a CI platform.
type Kind string

// The platforms a command can run on.
const (
	GitHub   Kind = "github"
	GitLab   Kind = "gitlab"
	Terminal Kind = "terminal"
)

// Annotation is a problem tied to a file, shown on the pull request under GitHub.
type Annotation struct {
	File   string
	Line   int
	Column int
	Title  string
	Body   string
}

// Surface is the runtime a command writes to.
type Surface interface {
	Kind() Kind
	// Mask tells the platform to hide secret in its logs; call it before printing anything.
	Mask(secret string)
	Group(title string)
	EndGroup()
	Printf(format string, args ...any)
	Warnf(format string, args ...any)
	Output(name, value string) error
	Summary(markdown string) error
	Annotate(a Annotation)
}

// Detect picks the surface from the environment. raw receives only mask commands;
// out receives everything else and should redact secrets.
func Detect(getenv func(string) string, raw, out io.Writer, now func() time.Time) Surface {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		return newGitHub(getenv, raw, out)
	case getenv("GITLAB_CI") == "true":
		return &gitlab{plain: plain{out: out}, now: now}
	}
	return &plain{out: out}
}

// plain writes readable lines for a person at a terminal.
type plain struct{ out io.Writer }

func (p *plain) Kind() Kind                        { return Terminal }
func (p *plain) Mask(string)                       {}
func (p *plain) Group(title string)                { fmt.Fprintf(p.out, "== %s\n", title) }
func (p *plain) EndGroup()                         {}
func (p *plain) Output(string, string) error       { return nil }
func (p *plain) Summary(string) error              { return nil }
func (p *plain) Printf(format string, args ...any) { fmt.Fprintf(p.out, format+"\n", args...) }

func (p *plain) Warnf(format string, args ...any) {
	fmt.Fprintf(p.out, "warning: "+format+"\n", args...)
}

func (p *plain) Annotate(a Annotation) {
	location := a.File
	if a.Line > 0 {
		location = fmt.Sprintf("%s:%d", a.File, a.Line)
	}
	if location == "" {
		fmt.Fprintf(p.out, "error: %s: %s\n", a.Title, a.Body)
		return
	}
	fmt.Fprintf(p.out, "error: %s: %s: %s\n", location, a.Title, a.Body)
}
