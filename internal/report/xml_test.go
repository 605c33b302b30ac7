package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// parsedJUnit is what a JUnit reader takes from the file, decoded independently of the writer.
type parsedJUnit struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   string `xml:"errors,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			ClassName string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// parsedCobertura is what a Cobertura reader takes from the file.
type parsedCobertura struct {
	XMLName      xml.Name `xml:"coverage"`
	LinesCovered int      `xml:"lines-covered,attr"`
	LinesValid   int      `xml:"lines-valid,attr"`
	Packages     []struct {
		Name    string `xml:"name,attr"`
		Classes []struct {
			Name     string `xml:"name,attr"`
			Filename string `xml:"filename,attr"`
			Lines    []struct {
				Number int `xml:"number,attr"`
				Hits   int `xml:"hits,attr"`
			} `xml:"lines>line"`
		} `xml:"classes>class"`
	} `xml:"packages>package"`
}

// decodeXML parses b strictly into v, failing the test when it is not well-formed.
func decodeXML(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	if err := dec.Decode(v); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
}

// junitOf writes r as JUnit and parses it back.
func junitOf(t *testing.T, r salesforce.DeployResult) parsedJUnit {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	var got parsedJUnit
	decodeXML(t, b.Bytes(), &got)
	return got
}

func TestJUnitParsesBack(t *testing.T) {
	for _, fixture := range fixtures {
		t.Run(fixture, func(t *testing.T) {
			r := loadResult(t, fixture)
			got := junitOf(t, r)
			if len(got.Suites) != 1 || got.Suites[0].Name != "force.apex" {
				t.Fatalf("suites = %+v, want one named force.apex", got.Suites)
			}
			s := got.Suites[0]
			run := runTests(r)
			wantTests, wantFailures := 0, 0
			if run != nil {
				wantTests, wantFailures = run.NumTestsRun, run.NumFailures
			}
			if s.Tests != wantTests || len(s.Cases) != wantTests || got.Tests != wantTests {
				t.Errorf("tests = %d (%d cases, %d total), want %d",
					s.Tests, len(s.Cases), got.Tests, wantTests)
			}
			if s.Failures != wantFailures || s.Errors != "0" {
				t.Errorf("failures, errors = %d, %q, want %d, 0", s.Failures, s.Errors, wantFailures)
			}
		})
	}
}

func TestCoberturaParsesBack(t *testing.T) {
	for _, fixture := range fixtures {
		t.Run(fixture, func(t *testing.T) {
			r := loadResult(t, fixture)
			var b bytes.Buffer
			if err := WriteCobertura(&b, r, ""); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b.Bytes(), []byte("coverage-04.dtd")) {
				t.Error("no DOCTYPE for coverage-04.dtd")
			}
			var got parsedCobertura
			decodeXML(t, b.Bytes(), &got)

			covered, valid := coverageTotals(r)
			if got.LinesCovered != covered || got.LinesValid != valid {
				t.Errorf("lines = %d of %d, want %d of %d",
					got.LinesCovered, got.LinesValid, covered, valid)
			}
			classes, uncovered := 0, 0
			for _, p := range got.Packages {
				for _, c := range p.Classes {
					classes++
					uncovered += len(c.Lines)
				}
			}
			if want := len(coverage(r)); classes != want {
				t.Errorf("%d classes, want %d", classes, want)
			}
			if uncovered != valid-covered {
				t.Errorf("%d uncovered lines listed, want %d", uncovered, valid-covered)
			}
		})
	}
}

// trickyResult is a deployment whose org messages hold every character that needs escaping.
func trickyResult(message, stack string) salesforce.DeployResult {
	return salesforce.DeployResult{
		ID: "0Af000000000001", Status: salesforce.StatusFailed, Done: true,
		Details: &salesforce.DeployDetails{
			ComponentFailures: []salesforce.ComponentMessage{{
				ComponentType: "ApexClass", FullName: "Odd", FileName: "classes/Odd.cls",
				Problem: message, ProblemType: "Error", LineNumber: 3,
			}},
			RunTestResult: &salesforce.RunTestResult{
				NumTestsRun: 1, NumFailures: 1,
				Failures: []salesforce.TestFailure{{
					Name: "Odd<Test>", MethodName: "a&b", Message: message, StackTrace: stack,
					Type: "Class",
				}},
			},
		},
	}
}

func TestEscaping(t *testing.T) {
	const message = `Expected <b>&amp; "q" 'a' ]]> | done` + "\nsecond line"
	const stack = "Class.OddTest.run: line 1, column 1 ]]> <x> & |\nnext ]]]]>"
	r := trickyResult(message, stack)

	got := junitOf(t, r)
	c := got.Suites[0].Cases[0]
	if c.ClassName != "Odd<Test>" || c.Name != "a&b" {
		t.Errorf("case = %q.%q, want Odd<Test>.a&b", c.ClassName, c.Name)
	}
	if c.Failure == nil || c.Failure.Message != message || c.Failure.Body != stack {
		t.Errorf("failure = %+v, want message %q and body %q", c.Failure, message, stack)
	}

	var md bytes.Buffer
	if err := WriteSummary(&md, r, SummaryInfo{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`Expected &lt;b&gt;&amp;amp; "q" 'a' \]\]&gt; \| done<br>second line`,
		`Class.OddTest.run: line 1, column 1 \]\]&gt; &lt;x&gt; &amp; \| |`,
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, md.String())
		}
	}
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "| ") && unescapedPipes(line) != 6 && unescapedPipes(line) != 4 {
			t.Errorf("row has %d cell borders: %q", unescapedPipes(line), line)
		}
	}
}

// unescapedPipes counts the pipes in a Markdown table row that are not backslash-escaped.
func unescapedPipes(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

func FuzzJUnitRoundTrip(f *testing.F) {
	f.Add("plain", "Class.A.b: line 1, column 1")
	f.Add("<&>\"']]>|", "]]>]]]]><![CDATA[\r\n\x00\x1b")
	f.Add("\xff\xfe", "\ufffe\U0010FFFF")
	f.Fuzz(func(t *testing.T, message, stack string) {
		got := junitOf(t, trickyResult(message, stack))
		f := got.Suites[0].Cases[0].Failure
		if f == nil {
			t.Fatal("no failure")
		}
		if want := xmlText(stack); f.Body != want {
			t.Errorf("body = %q, want %q", f.Body, want)
		}
		if utf8.ValidString(message) && !strings.ContainsFunc(message, notXMLChar) &&
			f.Message != message {
			t.Errorf("message = %q, want %q", f.Message, message)
		}
	})
}

// notXMLChar reports whether XML 1.0 cannot hold r.
func notXMLChar(r rune) bool {
	return r != '\n' && xmlText(string(r)) != string(r)
}

// failingWriter refuses every write.
type failingWriter struct{}

var errRefused = errors.New("refused")

func (failingWriter) Write([]byte) (int, error) { return 0, errRefused }

func TestWriteErrors(t *testing.T) {
	r := loadResult(t, "test-failure")
	writers := map[string]func() error{
		"junit":     func() error { return WriteJUnit(failingWriter{}, r) },
		"cobertura": func() error { return WriteCobertura(failingWriter{}, r, "") },
		"summary":   func() error { return WriteSummary(failingWriter{}, r, SummaryInfo{}) },
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			if err := write(); !errors.Is(err, errRefused) {
				t.Errorf("err = %v, want one wrapping %v", err, errRefused)
			}
		})
	}
}
