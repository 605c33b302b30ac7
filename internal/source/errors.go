package source

import (
	"errors"
	"fmt"
	"strings"
)

// The inputs an InputError can name, as the deploy command's options are called.
const (
	InputSourceDir = "source-dir"
	InputManifest  = "manifest"
)

// ErrNotConvertible matches a *ConvertError.
var ErrNotConvertible = errors.New("source not convertible")

// InputError reports a problem with one input of the conversion: a source folder or the
// manifest.
type InputError struct {
	Input string // InputSourceDir or InputManifest
	Err   error
}

// Error describes the problem.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

// Problem is one file the converter cannot convert.
type Problem struct {
	Path   string // the file or folder, as found under the source folder
	Reason string // why, in a few words
	// Unsupported: the file is of a metadata type this converter does not convert.
	Unsupported bool
}

// ConvertError lists every file that stops the conversion.
type ConvertError struct {
	Problems []Problem
}

// maxListed is how many problems an error message lists before it counts the rest.
const maxListed = 40

// Error lists the problems and says how to proceed.
func (e *ConvertError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s cannot be converted from source format:", len(e.Problems),
		plural(len(e.Problems), "file", "files"))
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-maxListed)
			break
		}
		fmt.Fprintf(&b, "\n  %s: %s", p.Path, p.Reason)
	}
	b.WriteString("\nNothing was deployed. Convert the project with the Salesforce CLI " +
		"(sf project convert source --source-dir DIR --output-dir mdapi) and deploy that " +
		"folder with metadata-dir, or list the files that should not be deployed in " +
		".forceignore; see docs/source-format.md for the supported types")
	return b.String()
}

// Is reports whether target is ErrNotConvertible.
func (e *ConvertError) Is(target error) bool { return target == ErrNotConvertible }

// plural returns one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
