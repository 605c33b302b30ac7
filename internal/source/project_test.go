package source

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseProject(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		dirs    []string
		version string
		err     string // a part of the error; empty when none
	}{
		{name: "generated project", json: `{"packageDirectories": [{"path": "force-app",
			"default": true}], "name": "x", "sourceApiVersion": "62.0"}`,
			dirs: []string{"force-app"}, version: "62.0"},
		{name: "several, cleaned", json: `{"packageDirectories": [{"path": "./force-app/"},
			{"path": "pkgs\\billing", "package": "Billing", "versionNumber": "1.0.0.NEXT"}]}`,
			dirs: []string{"force-app", "pkgs/billing"}},
		{name: "number version ignored", json: `{"packageDirectories": [{"path": "a"}],
			"sourceApiVersion": 62}`, dirs: []string{"a"}},
		{name: "empty replacements allowed", json: `{"packageDirectories": [{"path": "a"}],
			"replacements": []}`, dirs: []string{"a"}},
		{name: "not JSON", json: `packageDirectories: force-app`, err: "parse sfdx-project.json"},
		{name: "trailing data", json: `{"packageDirectories": [{"path": "a"}]} {}`,
			err: "data after"},
		{name: "no package directories", json: `{"name": "x"}`, err: "no packageDirectories"},
		{name: "entry without path", json: `{"packageDirectories": [{"default": true}]}`,
			err: `packageDirectories[0]: want a "path"`},
		{name: "entry not an object", json: `{"packageDirectories": ["force-app"]}`,
			err: "want an object"},
		{name: "outside the project", json: `{"packageDirectories": [{"path": "../x"}]}`,
			err: "inside the project"},
		{name: "absolute", json: `{"packageDirectories": [{"path": "/abs"}]}`,
			err: "inside the project"},
		{name: "drive letter", json: `{"packageDirectories": [{"path": "C:/x"}]}`,
			err: "inside the project"},
		{name: "replacements", json: `{"packageDirectories": [{"path": "a"}],
			"replacements": [{"filename": "x", "stringToReplace": "a", "replaceWithEnv": "B"}]}`,
			err: "sets replacements"},
		{name: "decomposed permission sets", json: `{"packageDirectories": [{"path": "a"}],
			"sourceBehaviorOptions": ["decomposePermissionSetBeta2"]}`,
			err: "sets sourceBehaviorOptions"},
		{name: "registry customizations", json: `{"packageDirectories": [{"path": "a"}],
			"registryCustomizations": {"types": {}}}`, err: "registryCustomizations"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseProject([]byte(tc.json))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.PackageDirs, tc.dirs) || p.SourceAPIVersion != tc.version {
				t.Errorf("got %+v, want dirs %v version %q", p, tc.dirs, tc.version)
			}
		})
	}
}

func TestExpandDirs(t *testing.T) {
	full := filepath.Join("testdata", "projects", "full")
	tests := []struct {
		name  string
		given []string
		want  []string
	}{
		{"project folder", []string{full},
			[]string{filepath.Join(full, "force-app"), filepath.Join(full, "extra-app")}},
		{"package directory", []string{filepath.Join(full, "force-app")},
			[]string{filepath.Join(full, "force-app")}},
		{"nested and repeated folders dropped", []string{filepath.Join(full, "force-app"),
			filepath.Join(full, "force-app", "main"), full},
			[]string{filepath.Join(full, "force-app"), filepath.Join(full, "extra-app")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dirs, err := expandDirs(tc.given)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range dirs {
				got = append(got, d.path)
				if d.root != absPath(full) {
					t.Errorf("%s: project %q, want %q", d.path, d.root, absPath(full))
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzParseProject(f *testing.F) {
	f.Add(`{"packageDirectories": [{"path": "force-app", "default": true}]}`)
	f.Add(`{"packageDirectories": [{"path": "a/../b"}, {"path": "c\\d"}], "replacements": null}`)
	f.Add(`{"packageDirectories": [{"path": ".."}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		p, err := ParseProject([]byte(data))
		if err != nil {
			return
		}
		if len(p.PackageDirs) == 0 {
			t.Fatal("no error and no package directories")
		}
		for _, d := range p.PackageDirs {
			if !filepath.IsLocal(filepath.FromSlash(d)) || strings.Contains(d, `\`) {
				t.Errorf("package directory %q is not a local slash path", d)
			}
		}
	})
}
