// Package gitlabe2e runs the GitLab CI/CD component of templates/ end to end, in its tests:
// gitlab-ci-local runs the deploy job against a fake org and fake AWS APIs, the real Lambda
// handler watches the deployment and plays the finish job through the real GitLab
// dispatcher and a fake GitLab API, and gitlab-ci-local then runs that finish job.
//
// The tests need gitlab-ci-local 4.75.1, Node 22, rsync and git. They look for
// gitlab-ci-local in $GITLAB_CI_LOCAL, then in the folder $SF_ASYNC_DEPLOY_TOOLS, on PATH,
// and in the repository's bin/tools (where scripts/test installs tools); without them they
// skip, or fail when SF_ASYNC_DEPLOY_REQUIRE_TOOLS=1.
package gitlabe2e
