// Package shipcheck holds tests of what ships beside the Go code: action.yml, the Dockerfile
// and .dockerignore, the workflows in .github/workflows and the example workflows in
// examples/github. It has no code of its own.
//
// The tests read those files from the repository root, two folders up, and compare them with
// the CLI's source in internal/cli: the action's inputs with the CLI's options, its outputs
// with the ones the CLI writes, and the Dockerfile's go build command with a real build.
package shipcheck
