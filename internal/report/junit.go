package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// junitSuiteName is the suite name the sf CLI gives Apex tests.
const junitSuiteName = "force.apex"

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Stack   string `xml:",cdata"`
}

// WriteJUnit writes the deployment's Apex test results as JUnit XML: one suite, force.apex, with
// a test case per test method, sorted by class then method. A deployment that ran no tests gets
// an empty suite.
func WriteJUnit(w io.Writer, r salesforce.DeployResult) error {
	suite := junitSuite{Name: junitSuiteName, Time: seconds(0), Timestamp: junitTimestamp(r)}
	if t := runTests(r); t != nil {
		suite.Time = seconds(t.TotalTime)
	}
	for _, c := range testCases(r) {
		jc := junitCase{Name: c.method, ClassName: c.class, Time: seconds(c.millis)}
		if f := c.failure; f != nil {
			jc.Failure = &junitFailure{Message: f.Message, Type: f.Type, Stack: xmlText(f.StackTrace)}
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, jc)
	}
	suite.Tests = len(suite.Cases)

	doc := junitSuites{
		Name:     junitSuiteName,
		Tests:    suite.Tests,
		Failures: suite.Failures,
		Time:     suite.Time,
		Suites:   []junitSuite{suite},
	}
	if err := writeXML(w, xml.Header, doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// junitTimestamp is when the tests' deployment started, in the JUnit layout, or "" if unknown.
func junitTimestamp(r salesforce.DeployResult) string {
	start := r.StartDate.Time
	if start.IsZero() {
		start = r.CreatedDate.Time
	}
	if start.IsZero() {
		return ""
	}
	return start.UTC().Format("2006-01-02T15:04:05")
}

// seconds formats a duration the API gives in milliseconds as seconds, as JUnit expects.
func seconds(millis float64) string {
	return strconv.FormatFloat(millis/float64(time.Second/time.Millisecond), 'f', 3, 64)
}

// xmlText returns s with line ends as "\n" and every character XML 1.0 forbids as U+FFFD, for
// CDATA, which encoding/xml writes unchanged (apart from splitting "]]>").
func xmlText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= unicode.MaxRune:
			return r
		}
		return utf8.RuneError
	}, s)
}

// writeXML writes the prolog, then v as indented XML and a final newline.
func writeXML(w io.Writer, prolog string, v any) error {
	if _, err := io.WriteString(w, prolog); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
