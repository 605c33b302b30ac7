package mdapi

import (
	"errors"
	"fmt"
)

// Sentinel errors for errors.Is; the concrete errors below carry the details.
var (
	// ErrNoPackageXML matches a *NoPackageXMLError.
	ErrNoPackageXML = errors.New("no package.xml")
	// ErrTooManyFiles matches a *LimitError for LimitFiles.
	ErrTooManyFiles = errors.New("too many files")
	// ErrTooLarge matches a *LimitError for LimitZipBytes or LimitUnzippedBytes.
	ErrTooLarge = errors.New("too large")
	// ErrUnsafePath matches an *UnsafePathError.
	ErrUnsafePath = errors.New("unsafe path")
)

// NoPackageXMLError reports a folder or zip without package.xml where the deployment needs it.
type NoPackageXMLError struct {
	Path  string // the folder or zip file
	Zip   bool   // Path is a zip file
	Found string // a package.xml found deeper down, if any
}

// Error describes the problem and how to fix it.
func (e *NoPackageXMLError) Error() string {
	kind := "folder"
	if e.Zip {
		kind = "zip"
	}
	msg := fmt.Sprintf("no package.xml at the root of %s %q", kind, e.Path)
	switch {
	case e.Found != "" && e.Zip:
		return fmt.Sprintf("%s (found %q): zip the contents of the folder that holds it, "+
			"so that package.xml is at the zip's root", msg, e.Found)
	case e.Found != "":
		return fmt.Sprintf("%s (found %q): use the folder that holds package.xml instead",
			msg, e.Found)
	case e.Zip:
		return msg + ": add a package.xml manifest at the zip's root"
	}
	return msg + ": use a metadata-format folder with package.xml at its root, or convert a " +
		"source-format project first with \"sf project convert source --output-dir DIR\""
}

// Is reports whether target is ErrNoPackageXML.
func (e *NoPackageXMLError) Is(target error) bool { return target == ErrNoPackageXML }

// Limit names one of the Metadata API's deployment limits.
type Limit int

// The limits a LimitError reports.
const (
	LimitFiles         Limit = iota + 1 // MaxFiles
	LimitZipBytes                       // MaxZipBytes
	LimitUnzippedBytes                  // MaxUnzippedBytes
)

// String names the limit.
func (l Limit) String() string {
	switch l {
	case LimitFiles:
		return "files"
	case LimitZipBytes:
		return "zipped size"
	case LimitUnzippedBytes:
		return "unzipped size"
	}
	return fmt.Sprintf("Limit(%d)", int(l))
}

// LimitError reports a deployment over one of the Metadata API's limits.
type LimitError struct {
	Path  string // the folder or zip file measured
	Limit Limit
	Max   int64 // the limit, in files or bytes
	Size  int64 // what was measured, in files or bytes
}

// Error names the limit and the measured size.
func (e *LimitError) Error() string {
	if e.Limit == LimitFiles {
		return fmt.Sprintf("%q has %d files, more than the Metadata API limit of %d: "+
			"split the deployment into smaller ones", e.Path, e.Size, e.Max)
	}
	state := "unzipped"
	if e.Limit == LimitZipBytes {
		state = "zipped"
	}
	return fmt.Sprintf("%q is %s %s, more than the Metadata API limit of %s: "+
		"split the deployment into smaller ones",
		e.Path, formatBytes(e.Size), state, formatBytes(e.Max))
}

// Is reports whether target is ErrTooManyFiles or ErrTooLarge, as fits the limit.
func (e *LimitError) Is(target error) bool {
	if e.Limit == LimitFiles {
		return target == ErrTooManyFiles
	}
	return target == ErrTooLarge
}

// UnsafePathError reports a path that would reach outside the folder or the zip.
type UnsafePathError struct {
	Path   string // the folder or zip file
	Name   string // the symlink or entry inside it
	Reason string // why the path is unsafe and what to do
}

// Error names the path and the reason.
func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("unsafe path %q in %q: %s", e.Name, e.Path, e.Reason)
}

// Is reports whether target is ErrUnsafePath.
func (e *UnsafePathError) Is(target error) bool { return target == ErrUnsafePath }

// formatBytes writes n in MB of 2^20 bytes, with the exact count.
func formatBytes(n int64) string {
	return fmt.Sprintf("%.1f MB (%d bytes)", float64(n)/(1<<20), n)
}
