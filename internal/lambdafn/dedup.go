package lambdafn

import (
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// duplicateKey names what a valid monitor request watches and whom it finishes.
type duplicateKey struct {
	deploymentID, orgURL, repo, ci, finishJob, finishName, pipeline, ref string
}

// duplicatesInBatch returns, for each message, whether an earlier valid message of the batch
// asks for the same watch. Checked concurrently, both would see the deployment end at once
// and both dispatch before either run is listed; the earlier one is kept and does the work.
// Only valid requests count, so that a forged message cannot push a real one out.
func duplicatesInBatch(batch events.SQSEvent, rules monitor.Rules) []bool {
	seen := map[duplicateKey]bool{}
	dup := make([]bool, len(batch.Records))
	for i, msg := range batch.Records {
		r, err := monitor.ParseRequest([]byte(msg.Body))
		if err != nil || r.Validate(rules) != nil {
			continue
		}
		k := duplicateKey{r.DeploymentID, r.OrgURL, r.RepoPath, r.CI, r.PipelineFinishJobID,
			r.FinishJobName, r.PipelineID, r.Ref}
		dup[i] = seen[k]
		seen[k] = true
	}
	return dup
}

// deploymentLocks serializes the finish handling of one deployment within this process, so
// that two finish events for it are dispatched one after the other and the second sees the
// first run. Known shortcoming: two execution environments handling finish events of one
// deployment at the same instant can both dispatch on GitHub (GitLab's job status guards
// it); closing that needs a shared idempotency record, such as a DynamoDB conditional write.
type deploymentLocks struct {
	mu    sync.Mutex
	locks map[string]*refLock
}

// refLock is a deployment's lock and how many handlers hold or wait for it, so that the
// map forgets a deployment once nobody does.
type refLock struct {
	sync.Mutex
	users int
}

// lock takes the deployment's lock and returns its release.
func (d *deploymentLocks) lock(id string) func() {
	d.mu.Lock()
	if d.locks == nil {
		d.locks = map[string]*refLock{}
	}
	l, ok := d.locks[id]
	if !ok {
		l = &refLock{}
		d.locks[id] = l
	}
	l.users++
	d.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		d.mu.Lock()
		defer d.mu.Unlock()
		if l.users--; l.users == 0 {
			delete(d.locks, id)
		}
	}
}

// held returns how many deployments have a lock in the map.
func (d *deploymentLocks) held() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.locks)
}
