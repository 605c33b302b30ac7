// Package salesforce is a client for a Salesforce org's Metadata REST API: it
// authenticates, starts and quick-deploys deployments, reads their status and
// results, and cancels them, refusing any host outside the org allowlist.
package salesforce
