package source

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// zipTime is every zip entry's time, the earliest a zip records, so that the bytes depend
// on the files alone.
var zipTime = time.Date(1980, time.January, 1, 0, 0, 0, 0, time.UTC)

// output is one file of the metadata-format tree and how to write it.
type output struct {
	name  string // slash-separated, relative to the tree's root
	write func(w io.Writer) error
}

// sink receives the files of the metadata-format tree.
type sink interface {
	put(name string, write func(w io.Writer) error) error
}

// zipSink writes the files as entries of a zip.
type zipSink struct{ zw *zip.Writer }

// put adds one entry, compressed, at the fixed time.
func (s zipSink) put(name string, write func(io.Writer) error) error {
	fw, err := s.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate,
		Modified: zipTime})
	if err != nil {
		return err
	}
	return write(fw)
}

// dirSink writes the files under a folder.
type dirSink struct{ dir string }

// put creates one file, and its folders.
func (s dirSink) put(name string, write func(io.Writer) error) (err error) {
	p := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return write(f)
}

// writeAll writes the outputs to s in the order of their names.
func writeAll(s sink, outs []output) error {
	sort.Slice(outs, func(i, j int) bool { return outs[i].name < outs[j].name })
	for i, o := range outs {
		if i > 0 && outs[i-1].name == o.name {
			return fmt.Errorf("two components write %q", o.name)
		}
		if err := s.put(o.name, o.write); err != nil {
			return fmt.Errorf("write %q: %w", o.name, err)
		}
	}
	return nil
}

// copyBuffers lends copyFrom its buffers, so that copying thousands of small files does not
// allocate a buffer for each.
var copyBuffers = sync.Pool{New: func() any { return new([32 * 1024]byte) }}

// copyFrom returns a writer of the file at p's bytes.
func copyFrom(p string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		buf := copyBuffers.Get().(*[32 * 1024]byte)
		defer copyBuffers.Put(buf)
		// Hiding *os.File's WriteTo makes io.CopyBuffer use buf.
		_, err = io.CopyBuffer(w, struct{ io.Reader }{f}, buf[:])
		return err
	}
}

// zipFolder returns a writer of a zip of the files (slash-separated, relative to dir), as a
// static resource's folder is deployed.
func zipFolder(dir string, files []string) func(io.Writer) error {
	return func(w io.Writer) error {
		sorted := append([]string(nil), files...)
		sort.Strings(sorted)
		zw := zip.NewWriter(w)
		for _, name := range sorted {
			if err := (zipSink{zw}).put(name, copyFrom(filepath.Join(dir,
				filepath.FromSlash(name)))); err != nil {
				return err
			}
		}
		return zw.Close()
	}
}

// outputsOf returns the metadata-format files of one component.
func outputsOf(c *component) []output {
	t := c.typ
	switch t.strategy {
	case matchingContent:
		name := path.Join(t.dir, path.Base(filepath.ToSlash(c.content)))
		return []output{{name, copyFrom(c.content)}, {name + "-meta.xml", copyFrom(c.xml)}}
	case bundle:
		outs := []output{}
		for _, f := range c.files {
			outs = append(outs, output{path.Join(t.dir, c.name, f),
				copyFrom(filepath.Join(c.content, filepath.FromSlash(f)))})
		}
		return outs
	case staticResource:
		name := path.Join(t.dir, c.name+".resource")
		content := copyFrom(c.content)
		if len(c.files) > 0 {
			content = zipFolder(c.content, c.files)
		}
		return []output{{name, content}, {name + "-meta.xml", copyFrom(c.xml)}}
	case decomposed:
		return []output{{path.Join(t.dir, c.name+"."+t.suffix), recomposeObject(c)}}
	case labels:
		return []output{{path.Join(t.dir, labelsName+"."+t.suffix), recomposeLabels(c)}}
	case folder:
		return []output{{path.Join(t.dir, c.name+"-meta.xml"), copyFrom(c.xml)}}
	case inFolder:
		name := path.Join(t.dir, c.name+"."+t.suffix)
		if t.content {
			return []output{{name, copyFrom(c.content)}, {name + "-meta.xml", copyFrom(c.xml)}}
		}
		return []output{{name, copyFrom(c.xml)}}
	}
	return []output{{path.Join(t.dir, c.name+"."+t.suffix), copyFrom(c.xml)}}
}
