// Package mdapi builds and checks the zip file that the Metadata REST API deploys.
//
// The deployRequest resource takes the zip as the "file" part of a multipart request. With
// singlePackage true, package.xml sits at the zip's root. Salesforce refuses a deployment of
// more than MaxFiles files, a zip over MaxZipBytes or contents over MaxUnzippedBytes; this
// package checks those limits before anything is uploaded, so that a user learns of them in
// seconds rather than after the upload.
package mdapi

// The Metadata API's deployment limits. Salesforce writes "39 MB" and "600 MB" without saying
// whether a megabyte is 10^6 or 2^20 bytes; these constants take 2^20. Should the server count
// 10^6, a zip between 39,000,000 and 40,894,464 bytes passes this check and is refused there.
const (
	// MaxFiles is the most files one deployment may hold.
	MaxFiles = 10000
	// MaxZipBytes is the largest zip a deployment may upload: 39 MB of 2^20 bytes.
	MaxZipBytes int64 = 39 * 1024 * 1024
	// MaxUnzippedBytes is the largest total size of a deployment's files: 600 MB of 2^20 bytes.
	MaxUnzippedBytes int64 = 600 * 1024 * 1024
)

// Stats describes a deployment zip.
type Stats struct {
	Files         int   // files in the zip, not counting folder entries
	ZipBytes      int64 // size of the zip
	UnzippedBytes int64 // total size of the files once unzipped
	SinglePackage bool  // package.xml at the root: deploy with singlePackage true
}

// limits are the limits a zip is checked against; tests lower them.
type limits struct {
	files         int
	zipBytes      int64
	unzippedBytes int64
}

// defaultLimits returns the Metadata API's limits.
func defaultLimits() limits {
	return limits{files: MaxFiles, zipBytes: MaxZipBytes, unzippedBytes: MaxUnzippedBytes}
}
