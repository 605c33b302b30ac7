package fakeorg

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strings"
)

// Limits of the Metadata API on a deployment zip.
const (
	maxZipFiles      = 10000
	maxUnzippedBytes = 600 << 20
	maxJSONPartBytes = 1 << 20
)

// DeployOptions are the deployOptions a deployment was started with, as the org read them.
type DeployOptions struct {
	AllowMissingFiles bool     `json:"allowMissingFiles"`
	AutoUpdatePackage bool     `json:"autoUpdatePackage"`
	CheckOnly         bool     `json:"checkOnly"`
	IgnoreWarnings    bool     `json:"ignoreWarnings"`
	PerformRetrieve   bool     `json:"performRetrieve"`
	PurgeOnDelete     bool     `json:"purgeOnDelete"`
	RollbackOnError   bool     `json:"rollbackOnError"`
	RunTests          []string `json:"runTests"`
	SinglePackage     bool     `json:"singlePackage"`
	TestLevel         string   `json:"testLevel"`
}

// runsTests reports whether the options make the org run Apex tests. An absent testLevel
// runs them, as a production org's default of RunLocalTests does.
func (d DeployOptions) runsTests() bool { return d.TestLevel != "NoTestRun" }

var testLevels = []string{
	"NoTestRun", "RunSpecifiedTests", "RunLocalTests", "RunAllTestsInOrg", "RunRelevantTests",
}

// upload is a validated multipart deploy request.
type upload struct {
	options  DeployOptions
	rawJSON  []byte
	fileName string
	files    []string
}

// parseUpload reads and validates the multipart body of a deploy request.
func parseUpload(r *http.Request, apiVersion int) (upload, error) {
	var up upload
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return up, badRequest("INVALID_MULTIPART_REQUEST",
			"Content-Type must be multipart/form-data with a boundary")
	}
	var zipData []byte
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, badRequest("INVALID_MULTIPART_REQUEST", "read multipart body: %v", err)
		}
		switch part.FormName() {
		case "json":
			up.rawJSON, err = readPart(part, up.rawJSON != nil, "application/json",
				maxJSONPartBytes)
		case "file":
			up.fileName = part.FileName()
			if up.fileName == "" {
				err = badRequest("INVALID_MULTIPART_REQUEST", "part file has no filename")
				break
			}
			zipData, err = readPart(part, zipData != nil, "application/zip", maxZipBytes)
		default:
			err = badRequest("INVALID_MULTIPART_REQUEST", "unexpected part %q", part.FormName())
		}
		if err != nil {
			return up, err
		}
	}
	if up.rawJSON == nil || zipData == nil {
		return up, badRequest("INVALID_MULTIPART_REQUEST",
			"a deploy request needs a json part and a file part")
	}
	if up.options, err = decodeOptions(up.rawJSON); err != nil {
		return up, err
	}
	if err := validateOptions(up.options, apiVersion); err != nil {
		return up, err
	}
	up.files, err = listZip(zipData, up.options.SinglePackage)
	return up, err
}

// readPart reads one part after checking it is the first of its name and of contentType.
func readPart(part *multipart.Part, seen bool, contentType string, limit int64) ([]byte, error) {
	name := part.FormName()
	if seen {
		return nil, badRequest("INVALID_MULTIPART_REQUEST", "part %q appears twice", name)
	}
	got, _, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
	if err != nil || got != contentType {
		return nil, badRequest("INVALID_MULTIPART_REQUEST",
			"part %q must have Content-Type %s", name, contentType)
	}
	b, err := io.ReadAll(io.LimitReader(part, limit+1))
	if err != nil {
		return nil, badRequest("INVALID_MULTIPART_REQUEST", "read part %q: %v", name, err)
	}
	if int64(len(b)) > limit {
		return nil, badRequest("INVALID_MULTIPART_REQUEST",
			"part %q exceeds %d bytes", name, limit)
	}
	return b, nil
}

// optionKeys are the deployOptions fields the API knows, spelled as it requires.
var optionKeys = []string{
	"allowMissingFiles", "autoUpdatePackage", "checkOnly", "ignoreWarnings",
	"performRetrieve", "purgeOnDelete", "rollbackOnError", "runTests", "singlePackage",
	"testLevel",
}

// decodeOptions decodes {"deployOptions":{…}} strictly, as the REST API's parser does.
func decodeOptions(b []byte) (DeployOptions, error) {
	var body struct {
		DeployOptions json.RawMessage `json:"deployOptions"`
	}
	if err := decodeStrict(b, &body, "deployOptions"); err != nil {
		return DeployOptions{}, err
	}
	if len(body.DeployOptions) == 0 || string(body.DeployOptions) == "null" {
		return DeployOptions{}, badRequest("JSON_PARSER_ERROR", "deployOptions is required")
	}
	var opts DeployOptions
	err := decodeStrict(body.DeployOptions, &opts, optionKeys...)
	return opts, err
}

// decodeStrict decodes one JSON value, refusing trailing data and, when v is an object,
// any key not among keys spelled exactly so (encoding/json alone ignores case).
func decodeStrict(b []byte, v any, keys ...string) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("JSON_PARSER_ERROR", "decode request body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("JSON_PARSER_ERROR", "unexpected data after the request body")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return badRequest("JSON_PARSER_ERROR", "the request body must be an object")
	}
	for name := range fields {
		if !slices.Contains(keys, name) {
			return badRequest("JSON_PARSER_ERROR", "Unrecognized field %q", name)
		}
	}
	return nil
}

// validateOptions checks testLevel and runTests.
func validateOptions(d DeployOptions, apiVersion int) error {
	if d.TestLevel != "" && !slices.Contains(testLevels, d.TestLevel) {
		return badRequest("JSON_PARSER_ERROR", "invalid testLevel %q, expected one of %s",
			d.TestLevel, strings.Join(testLevels, ", "))
	}
	if d.TestLevel == "RunRelevantTests" && apiVersion < 66 {
		return badRequest("INVALID_OPERATION", "testLevel RunRelevantTests needs API 66.0")
	}
	if d.TestLevel == "RunSpecifiedTests" && len(d.RunTests) == 0 {
		return badRequest("INVALID_OPERATION", "RunSpecifiedTests needs runTests")
	}
	if d.TestLevel != "RunSpecifiedTests" && len(d.RunTests) > 0 {
		return badRequest("INVALID_OPERATION",
			"runTests can only be used with testLevel RunSpecifiedTests")
	}
	if slices.Contains(d.RunTests, "") {
		return badRequest("INVALID_OPERATION", "runTests contains an empty name")
	}
	return nil
}

// listZip opens the zip and returns its file names, checking the API's limits and that
// package.xml is at the root (singlePackage) or somewhere in it.
func listZip(data []byte, singlePackage bool) ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, badRequest("INVALID_MULTIPART_REQUEST", "open zip: %v", err)
	}
	var files []string
	var unzipped uint64
	manifest := false
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if !zipPathOK(f.Name) {
			return nil, badRequest("INVALID_MULTIPART_REQUEST", "bad zip entry %q", f.Name)
		}
		files = append(files, f.Name)
		unzipped += f.UncompressedSize64
		if f.Name == "package.xml" || !singlePackage && path.Base(f.Name) == "package.xml" {
			manifest = true
		}
	}
	switch {
	case len(files) > maxZipFiles:
		return nil, badRequest("INVALID_MULTIPART_REQUEST",
			"the zip holds %d files, more than %d", len(files), maxZipFiles)
	case unzipped > maxUnzippedBytes:
		return nil, badRequest("INVALID_MULTIPART_REQUEST", "the zip unpacks to over 600 MB")
	case !manifest && singlePackage:
		return nil, badRequest("INVALID_MULTIPART_REQUEST",
			"no package.xml at the root of the zip (singlePackage is true)")
	case !manifest:
		return nil, badRequest("INVALID_MULTIPART_REQUEST", "no package.xml in the zip")
	}
	return files, nil
}

// zipPathOK refuses absolute names, backslashes and parent references.
func zipPathOK(name string) bool {
	if strings.HasPrefix(name, "/") || strings.Contains(name, "\\") {
		return false
	}
	return !slices.Contains(strings.Split(name, "/"), "..")
}

// decodeQuickDeploy reads the body of a quick deploy and returns the id it names.
func decodeQuickDeploy(b []byte) (string, error) {
	var body struct {
		ValidatedDeployRequestID string `json:"validatedDeployRequestId"`
	}
	if err := decodeStrict(b, &body, "validatedDeployRequestId"); err != nil {
		return "", err
	}
	if body.ValidatedDeployRequestID == "" {
		return "", badRequest("JSON_PARSER_ERROR", "validatedDeployRequestId is required")
	}
	return body.ValidatedDeployRequestID, nil
}
