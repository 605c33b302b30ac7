package mdapi

import (
	"errors"
	"testing"
)

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		is   error
		want string
	}{
		{"files", &LimitError{Path: "mdapi", Limit: LimitFiles, Max: MaxFiles, Size: 10001},
			ErrTooManyFiles, `"mdapi" has 10001 files, more than the Metadata API limit of ` +
				`10000: split the deployment into smaller ones`},
		{"zipped", &LimitError{Path: "deploy.zip", Limit: LimitZipBytes, Max: MaxZipBytes,
			Size: 45 << 20}, ErrTooLarge, `"deploy.zip" is 45.0 MB (47185920 bytes) zipped, ` +
			`more than the Metadata API limit of 39.0 MB (40894464 bytes): ` +
			`split the deployment into smaller ones`},
		{"unzipped", &LimitError{Path: "mdapi", Limit: LimitUnzippedBytes,
			Max: MaxUnzippedBytes, Size: MaxUnzippedBytes + 1}, ErrTooLarge,
			`"mdapi" is 600.0 MB (629145601 bytes) unzipped, more than the ` +
				`Metadata API limit of 600.0 MB (629145600 bytes): split the deployment ` +
				`into smaller ones`},
		{"folder", &NoPackageXMLError{Path: "force-app"}, ErrNoPackageXML,
			`no package.xml at the root of folder "force-app": use a metadata-format folder ` +
				`with package.xml at its root, or convert a source-format project first with ` +
				`"sf project convert source --output-dir DIR"`},
		{"folder, found", &NoPackageXMLError{Path: "out", Found: "out/src/package.xml"},
			ErrNoPackageXML, `no package.xml at the root of folder "out" ` +
				`(found "out/src/package.xml"): use the folder that holds package.xml instead`},
		{"zip", &NoPackageXMLError{Path: "d.zip", Zip: true}, ErrNoPackageXML,
			`no package.xml at the root of zip "d.zip": add a package.xml manifest at the ` +
				`zip's root`},
		{"unsafe", &UnsafePathError{Path: "d.zip", Name: "../evil", Reason: "it climbs"},
			ErrUnsafePath, `unsafe path "../evil" in "d.zip": it climbs`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("message\n got %s\nwant %s", got, tt.want)
			}
			if !errors.Is(tt.err, tt.is) {
				t.Errorf("errors.Is(%T, %v) = false", tt.err, tt.is)
			}
			for _, other := range []error{ErrNoPackageXML, ErrTooManyFiles, ErrTooLarge,
				ErrUnsafePath} {
				if other != tt.is && errors.Is(tt.err, other) {
					t.Errorf("errors.Is(%T, %v) = true", tt.err, other)
				}
			}
		})
	}
}
