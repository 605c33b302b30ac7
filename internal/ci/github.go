package ci

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"
)

// github speaks the Actions runner's workflow commands and files.
type github struct {
	action *githubactions.Action
	getenv func(string) string
	raw    io.Writer
	out    io.Writer
}

func newGitHub(getenv func(string) string, raw, out io.Writer) *github {
	action := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(out))
	return &github{action: action, getenv: getenv, raw: raw, out: out}
}

func (g *github) Kind() Kind { return GitHub }

// Mask writes ::add-mask:: on the raw stream: the redacting one would hide the value
// from the runner too. Each line of a multi-line secret is masked on its own.
func (g *github) Mask(secret string) {
	for _, line := range strings.Split(secret, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(g.raw, "::add-mask::%s\n", line)
		}
	}
}

func (g *github) Group(title string)                { g.action.Group(title) }
func (g *github) EndGroup()                         { g.action.EndGroup() }
func (g *github) Printf(format string, args ...any) { fmt.Fprintf(g.out, format+"\n", args...) }
func (g *github) Warnf(format string, args ...any)  { g.action.Warningf(format, args...) }

// Output sets a step output; without GITHUB_OUTPUT (where go-githubactions would panic)
// it warns instead.
func (g *github) Output(name, value string) error {
	if g.getenv("GITHUB_OUTPUT") == "" {
		g.Warnf("GITHUB_OUTPUT is not set: output %s not written", name)
		return nil
	}
	g.action.SetOutput(name, value)
	return nil
}

// Summary appends Markdown to the job's step summary when the runner provides one.
func (g *github) Summary(markdown string) error {
	if g.getenv("GITHUB_STEP_SUMMARY") == "" {
		return nil
	}
	g.action.AddStepSummary(markdown)
	return nil
}

// Annotate writes an ::error:: command with file, line and title.
func (g *github) Annotate(a Annotation) {
	fields := map[string]string{}
	if a.File != "" {
		fields["file"] = a.File
	}
	if a.Line > 0 {
		fields["line"] = strconv.Itoa(a.Line)
	}
	if a.Column > 0 {
		fields["col"] = strconv.Itoa(a.Column)
	}
	if a.Title != "" {
		fields["title"] = a.Title
	}
	g.action.WithFieldsMap(fields).Errorf("%s", a.Body)
}
