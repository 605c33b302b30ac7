// Package githube2e runs the example GitHub workflows' sf-async-deploy steps as the runner
// would, through the whole flow: deploy, the built Lambda under the emulator, the dispatch
// on a fake GitHub API, and the finish workflow's step with the dispatched inputs.
package githube2e
