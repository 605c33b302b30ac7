package report

import (
	"fmt"
	"strings"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// Annotation is one failure to show against a file in the CI's user interface.
type Annotation struct {
	// File is the org-side file name, such as classes/Foo.cls, with a leading "unpackaged/"
	// removed; it is not yet a repository path, and may be empty.
	File string
	// Line and Column are 1-based, and 0 when unknown.
	Line, Column int
	Title        string
	Message      string
}

// Annotations returns one annotation per component error (warnings and infos are left out) in
// the org's order, then one per failed Apex test, sorted by class then method. A test failure
// points at classes/CLASS.cls, at the line of the test class's frame in the stack trace.
func Annotations(r salesforce.DeployResult) []Annotation {
	var out []Annotation
	for _, f := range componentFailures(r) {
		if f.ProblemType != "" && f.ProblemType != "Error" {
			continue
		}
		title := "Deployment error"
		if name := strings.TrimSpace(f.ComponentType + " " + f.FullName); name != "" {
			title += ": " + name
		}
		out = append(out, Annotation{
			File:    orgFileName(f.FileName),
			Line:    max(f.LineNumber, 0),
			Column:  max(f.ColumnNumber, 0),
			Title:   title,
			Message: f.Problem,
		})
	}
	for _, c := range failedTests(r) {
		a := Annotation{
			File:    sourcePath("", "Class", c.name),
			Title:   "Apex test failed: " + c.class + "." + c.method,
			Message: c.failure.Message,
		}
		if stack := strings.TrimSpace(c.failure.StackTrace); stack != "" {
			a.Message += "\n" + stack
			a.Line, a.Column = stackPosition(stack, c.class, c.name)
		}
		out = append(out, a)
	}
	return out
}

// stackPosition returns the line and column of the first stack frame in the named class (with
// or without its namespace; inner classes count), or zeros when no frame is in it. A frame reads
// "Class.acme.PricingTest.testDiscount: line 18, column 1".
func stackPosition(stack string, names ...string) (line, column int) {
	for _, frame := range strings.Split(stack, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(frame), "Class.")
		if !ok {
			continue
		}
		i := strings.LastIndex(rest, ": line ")
		if i < 0 {
			continue
		}
		method := rest[:i]
		j := strings.LastIndex(method, ".")
		if j < 0 || !inClass(method[:j], names) {
			continue
		}
		n, _ := fmt.Sscanf(rest[i:], ": line %d, column %d", &line, &column)
		if n == 0 || line <= 0 {
			line, column = 0, 0
			continue
		}
		return line, max(column, 0)
	}
	return 0, 0
}

// inClass reports whether an Apex type name is one of names or an inner class of one.
func inClass(owner string, names []string) bool {
	for _, n := range names {
		if n != "" && (owner == n || strings.HasPrefix(owner, n+".")) {
			return true
		}
	}
	return false
}
