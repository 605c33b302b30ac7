// Package buildinfo holds what the build stamps into both binaries.
package buildinfo

// Version is the release version, set with -ldflags "-X …/internal/buildinfo.Version=v1.2.3".
var Version = "dev"
