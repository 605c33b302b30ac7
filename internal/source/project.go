package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ProjectFile is the name of a Salesforce DX project's configuration file.
const ProjectFile = "sfdx-project.json"

// Project is what conversion takes from sfdx-project.json.
type Project struct {
	// PackageDirs are the package directories, slash-separated, relative to the project's
	// folder, in the file's order.
	PackageDirs []string
	// SourceAPIVersion is sourceApiVersion, if set.
	SourceAPIVersion string
}

// projectJSON is the part of sfdx-project.json that conversion reads.
type projectJSON struct {
	PackageDirectories    []json.RawMessage `json:"packageDirectories"`
	SourceAPIVersion      any               `json:"sourceApiVersion"`
	Replacements          json.RawMessage   `json:"replacements"`
	RegistryCustomization json.RawMessage   `json:"registryCustomizations"`
	SourceBehaviorOptions json.RawMessage   `json:"sourceBehaviorOptions"`
}

// ParseProject reads the contents of an sfdx-project.json file. It fails on a file without
// package directories, on a package directory outside the project, and on the settings that
// change what the Salesforce CLI converts (replacements, registryCustomizations and
// sourceBehaviorOptions), which this converter does not apply.
func ParseProject(data []byte) (Project, error) {
	var raw projectJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return Project{}, fmt.Errorf("parse %s: %w", ProjectFile, err)
	}
	if dec.More() {
		return Project{}, fmt.Errorf("parse %s: data after the JSON object", ProjectFile)
	}
	for name, v := range map[string]json.RawMessage{"replacements": raw.Replacements,
		"registryCustomizations": raw.RegistryCustomization,
		"sourceBehaviorOptions":  raw.SourceBehaviorOptions} {
		if set(v) {
			return Project{}, fmt.Errorf("%s sets %s, which this converter does not apply: "+
				"convert with the Salesforce CLI and deploy the result with metadata-dir",
				ProjectFile, name)
		}
	}
	p := Project{}
	if v, ok := raw.SourceAPIVersion.(string); ok {
		p.SourceAPIVersion = v
	}
	if len(raw.PackageDirectories) == 0 {
		return Project{}, fmt.Errorf("%s lists no packageDirectories: add one, such as "+
			`{"path": "force-app", "default": true}`, ProjectFile)
	}
	for i, entry := range raw.PackageDirectories {
		dir, err := packageDir(entry)
		if err != nil {
			return Project{}, fmt.Errorf("%s: packageDirectories[%d]: %w", ProjectFile, i, err)
		}
		p.PackageDirs = append(p.PackageDirs, dir)
	}
	return p, nil
}

// set reports whether a JSON value is present and neither null nor empty.
func set(v json.RawMessage) bool {
	s := string(bytes.TrimSpace(v))
	return s != "" && s != "null" && s != "[]" && s != "{}" && s != `""`
}

// packageDir reads one packageDirectories entry and returns its cleaned path.
func packageDir(entry json.RawMessage) (string, error) {
	var d struct {
		Path any `json:"path"`
	}
	if err := json.Unmarshal(entry, &d); err != nil {
		return "", fmt.Errorf("want an object with a path: %w", err)
	}
	p, ok := d.Path.(string)
	if !ok || strings.TrimSpace(p) == "" {
		return "", errors.New(`want a "path" string, such as "force-app"`)
	}
	clean := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	if !filepath.IsLocal(filepath.FromSlash(clean)) || strings.ContainsRune(clean, 0) ||
		hasDrive(clean) {
		return "", fmt.Errorf("path %q must be relative and inside the project", p)
	}
	return clean, nil
}

// hasDrive reports whether p starts with a Windows drive letter, as in "C:".
func hasDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// expandDirs checks the source folders and replaces each that holds sfdx-project.json by
// the project's package directories. Each folder comes with the project it lies in, whose
// sfdx-project.json must not set what the converter does not apply. A folder inside another
// one given is dropped, so that no file counts twice.
func expandDirs(given []string) ([]sourceDir, error) {
	var out []sourceDir
	for _, dir := range given {
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() {
			return nil, inputErrorf("%q is not a folder: give a package directory such as "+
				"force-app, or the project's folder", dir)
		}
		root, proj, err := findProject(dir)
		if err != nil {
			return nil, &InputError{Input: InputSourceDir, Err: err}
		}
		if root == "" || root != absPath(dir) {
			out = append(out, sourceDir{path: dir, root: root})
			continue
		}
		for _, pd := range proj.PackageDirs {
			full := filepath.Join(dir, filepath.FromSlash(pd))
			if info, err := os.Stat(full); err != nil || !info.IsDir() {
				return nil, inputErrorf("package directory %q of %q is not a folder", pd,
					filepath.Join(dir, ProjectFile))
			}
			out = append(out, sourceDir{path: full, root: root})
		}
	}
	return dropNested(out), nil
}

// inputErrorf returns an *InputError for the source folders.
func inputErrorf(format string, args ...any) error {
	return &InputError{Input: InputSourceDir, Err: fmt.Errorf(format, args...)}
}

// findProject looks for sfdx-project.json in dir and its parents, and reads it. It returns
// the project's folder, absolute, or "" when there is none.
func findProject(dir string) (string, Project, error) {
	for abs := absPath(dir); ; {
		p := filepath.Join(abs, ProjectFile)
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			proj, err := ParseProject(data)
			if err != nil {
				return "", Project{}, fmt.Errorf("%q: %w", p, err)
			}
			return abs, proj, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", Project{}, fmt.Errorf("read %q: %w", p, err)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", Project{}, nil
		}
		abs = parent
	}
}

// dropNested drops the folders that lie inside another folder of the list.
func dropNested(dirs []sourceDir) []sourceDir {
	var out []sourceDir
	for i, d := range dirs {
		inside := false
		for j, other := range dirs {
			rel, err := filepath.Rel(absPath(other.path), absPath(d.path))
			if i == j || err != nil {
				continue
			}
			if rel == "." { // the same folder twice: keep the first
				inside = inside || j < i
			} else {
				inside = inside || filepath.IsLocal(rel)
			}
		}
		if !inside {
			out = append(out, d)
		}
	}
	return out
}
