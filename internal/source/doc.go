// Package source converts a Salesforce DX project from source format (sfdx-project.json,
// force-app/main/default/...) to the metadata format the Metadata API deploys, without the
// Salesforce CLI.
//
// It reads the project's package directories from sfdx-project.json, honours .forceignore,
// resolves every file to a component of a supported metadata type (see types.go), and writes
// the metadata-format tree, package.xml included, into a zip or a folder. The conversion
// follows @salesforce/source-deploy-retrieve, the library the Salesforce CLI converts with,
// and the tests compare the two outputs file for file. A file of an unsupported type, or one
// that matches no type, stops the conversion with a *ConvertError that lists them all: no
// file is ever left out in silence.
package source
