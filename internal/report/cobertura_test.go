package report

import (
	"bytes"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

func TestSourcePath(t *testing.T) {
	tests := []struct {
		root, kind, name, want string
	}{
		{"", "Class", "Foo", "classes/Foo.cls"},
		{"", "Trigger", "AccountTrigger", "triggers/AccountTrigger.trigger"},
		{"force-app/main/default", "Class", "Foo", "force-app/main/default/classes/Foo.cls"},
		{"force-app/main/default/", "Trigger", "T", "force-app/main/default/triggers/T.trigger"},
		{"./src", "Class", "Foo", "src/classes/Foo.cls"},
	}
	for _, tt := range tests {
		if got := sourcePath(tt.root, tt.kind, tt.name); got != tt.want {
			t.Errorf("sourcePath(%q, %q, %q) = %q, want %q",
				tt.root, tt.kind, tt.name, got, tt.want)
		}
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		covered, valid int
		want           string
	}{
		{0, 0, "1"},
		{0, 10, "0"},
		{10, 10, "1"},
		{21, 24, "0.875"},
		{2, 3, "0.6667"},
	}
	for _, tt := range tests {
		if got := rate(tt.covered, tt.valid); got != tt.want {
			t.Errorf("rate(%d, %d) = %q, want %q", tt.covered, tt.valid, got, tt.want)
		}
	}
}

func TestCoberturaClass(t *testing.T) {
	r := salesforce.DeployResult{
		LastModifiedDate: at(t, "2026-11-30T10:19:16+0000"),
		Details: &salesforce.DeployDetails{RunTestResult: &salesforce.RunTestResult{
			CodeCoverage: []salesforce.CodeCoverage{{
				Name: "Svc", Namespace: "ns", Type: "Class",
				NumLocations: 10, NumLocationsNotCovered: 3,
				LocationsNotCovered: []salesforce.Location{
					{Line: 9}, {Line: 4, Column: 7}, {Line: 4, Column: 2}, {Line: 0},
				},
			}},
		}},
	}
	var b bytes.Buffer
	if err := WriteCobertura(&b, r, "src"); err != nil {
		t.Fatal(err)
	}
	var got parsedCobertura
	decodeXML(t, b.Bytes(), &got)

	if got.LinesCovered != 7 || got.LinesValid != 10 {
		t.Errorf("lines = %d of %d, want 7 of 10", got.LinesCovered, got.LinesValid)
	}
	if len(got.Packages) != 1 || got.Packages[0].Name != "apex" ||
		len(got.Packages[0].Classes) != 1 {
		t.Fatalf("packages = %+v, want one class in package apex", got.Packages)
	}
	c := got.Packages[0].Classes[0]
	if c.Name != "ns.Svc" || c.Filename != "src/classes/Svc.cls" {
		t.Errorf("class = %q in %q, want ns.Svc in src/classes/Svc.cls", c.Name, c.Filename)
	}
	var lines []int
	for _, l := range c.Lines {
		if l.Hits != 0 {
			t.Errorf("line %d has %d hits, want 0", l.Number, l.Hits)
		}
		lines = append(lines, l.Number)
	}
	if len(lines) != 2 || lines[0] != 4 || lines[1] != 9 {
		t.Errorf("uncovered lines = %v, want [4 9]", lines)
	}
	if want := []byte(`timestamp="1796033956000"`); !bytes.Contains(b.Bytes(), want) {
		t.Errorf("no %s (the last modification, without a completion):\n%s", want, b.Bytes())
	}
}
