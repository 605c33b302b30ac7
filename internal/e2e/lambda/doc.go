// Package lambdae2e runs the built Lambda bootstrap under the runtime interface emulator,
// with its AWS endpoints, the org and the CI APIs all on loopback.
package lambdae2e
