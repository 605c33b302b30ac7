package source

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestParseManifest(t *testing.T) {
	tests := []struct {
		name string
		xml  string
		want *Manifest
		err  string
	}{
		{name: "types and version", xml: `<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata">
    <types><members> A </members><members>B</members><name>ApexClass</name></types>
    <types><members>*</members><name>Layout</name></types>
    <version>62.0</version>
</Package>`, want: &Manifest{Version: "62.0", Types: []ManifestType{
			{Name: "ApexClass", Members: []string{"A", "B"}},
			{Name: "Layout", Members: []string{"*"}}}}},
		{name: "named package", xml: `<Package><fullName>Billing</fullName>
			<types><members>A</members><name>ApexClass</name></types></Package>`,
			want: &Manifest{FullName: "Billing",
				Types: []ManifestType{{Name: "ApexClass", Members: []string{"A"}}}}},
		{name: "no name", xml: `<Package><types><members>A</members></types></Package>`,
			err: "types[0] has no <name>"},
		{name: "not a package", xml: `<CustomObject/>`, err: "parse package.xml"},
		{name: "not XML", xml: `{"types": []}`, err: "parse package.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseManifest([]byte(tc.xml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != tc.want.Version || m.FullName != tc.want.FullName ||
				len(m.Types) != len(tc.want.Types) {
				t.Fatalf("got %+v, want %+v", m, tc.want)
			}
			for i, mt := range m.Types {
				if mt.Name != tc.want.Types[i].Name ||
					!slices.Equal(mt.Members, tc.want.Types[i].Members) {
					t.Errorf("types[%d] = %+v, want %+v", i, mt, tc.want.Types[i])
				}
			}
		})
	}
}

func TestSelectionReadsFoldersAsTheCLIDoes(t *testing.T) {
	m := &Manifest{Types: []ManifestType{
		{Name: "Report", Members: []string{"Sales", "Sales/Q1", "Sales/Q1/Pipeline",
			"Ops/", "Ops/Weekly"}},
		{Name: "EmailTemplateFolder", Members: []string{"Letters"}},
		{Name: "CustomField", Members: []string{"Account.Tier__c", "Case.*"}},
		{Name: "ApexClass", Members: []string{"*"}},
	}}
	s, err := newSelection(m)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range s.names {
		got = append(got, k.typ+" "+k.name)
	}
	sort.Strings(got)
	want := []string{"CustomField Account.Tier__c", "CustomField Case.*",
		"EmailFolder Letters", "Report Ops/Weekly", "Report Sales/Q1/Pipeline",
		"ReportFolder Ops", "ReportFolder Sales", "ReportFolder Sales/Q1"}
	if !slices.Equal(got, want) {
		t.Errorf("members = %v\nwant %v", got, want)
	}
	if !s.all["ApexClass"] || !s.has("ApexClass", "Anything") {
		t.Error("ApexClass * selects nothing")
	}
}

func TestSelectionRefusesUnsupportedTypes(t *testing.T) {
	m := &Manifest{Types: []ManifestType{{Name: "Workflow", Members: []string{"Case"}},
		{Name: "ApexClass", Members: []string{"A"}}, {Name: "QuickAction",
			Members: []string{"*"}}}}
	_, err := newSelection(m)
	if err == nil || !strings.Contains(err.Error(), `"QuickAction", "Workflow"`) {
		t.Fatalf("err = %v, want one naming QuickAction and Workflow", err)
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add(`<Package><types><members>A</members><name>ApexClass</name></types>` +
		`<version>62.0</version></Package>`)
	f.Add(`<Package><types><members>Sales/</members><members>*</members>` +
		`<name>Report</name></types></Package>`)
	f.Fuzz(func(t *testing.T, data string) {
		m, err := ParseManifest([]byte(data))
		if err != nil {
			return
		}
		for _, mt := range m.Types {
			if mt.Name == "" || slices.Contains(mt.Members, "") {
				t.Fatalf("empty name or member in %+v", mt)
			}
		}
		if s, err := newSelection(m); err == nil {
			_ = s.unused()
		}
	})
}
