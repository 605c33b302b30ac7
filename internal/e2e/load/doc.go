// Package loade2e monitors many deployments at once through the in-process queue (with SQS
// visibility, redelivery and receive counts), a slow and flaky org, the real Lambda handler
// and the real GitHub dispatcher against a fake API.
package loade2e
