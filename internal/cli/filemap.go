package cli

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// maxIndexedFiles bounds the workspace walk that maps org file names to repository paths.
const maxIndexedFiles = 200_000

// repoFiles maps the org's file names (classes/Foo.cls) back to paths in the checkout
// (force-app/main/default/classes/Foo.cls), so annotations land on the right file.
type repoFiles struct {
	root  string
	skip  string
	paths []string
	built bool
}

func newRepoFiles(root, skip string) *repoFiles {
	return &repoFiles{root: root, skip: filepath.Clean(skip)}
}

func (f *repoFiles) index() {
	f.built = true
	_ = filepath.WalkDir(f.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, relErr := filepath.Rel(f.root, path)
		if relErr != nil {
			return nil
		}
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (name == ".git" || name == "node_modules" || rel == f.skip) {
				return filepath.SkipDir
			}
			return nil
		}
		if len(f.paths) >= maxIndexedFiles {
			return filepath.SkipAll
		}
		f.paths = append(f.paths, filepath.ToSlash(rel))
		return nil
	})
	sort.Slice(f.paths, func(i, j int) bool {
		if len(f.paths[i]) != len(f.paths[j]) {
			return len(f.paths[i]) < len(f.paths[j])
		}
		return f.paths[i] < f.paths[j]
	})
}

// Path returns the repository path for an org file name, or "" when none matches.
// The shortest matching path wins when several folders hold the same file name.
func (f *repoFiles) Path(orgName string) string {
	orgName = strings.TrimPrefix(filepath.ToSlash(orgName), "unpackaged/")
	if orgName == "" {
		return ""
	}
	if !f.built {
		f.index()
	}
	for _, p := range f.paths {
		if p == orgName || strings.HasSuffix(p, "/"+orgName) {
			return p
		}
	}
	return ""
}

// Root returns the folder that holds the org's classes/ or triggers/ for a mapped file,
// such as force-app/main/default, or "".
func (f *repoFiles) Root(orgName string) string {
	p := f.Path(orgName)
	if p == "" {
		return ""
	}
	root := strings.TrimSuffix(strings.TrimSuffix(p, orgName), "/")
	return root
}
