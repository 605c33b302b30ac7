package gitlabe2e

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsfake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// glToken is the GitLab token the Lambda reads from (fake) Secrets Manager.
const glToken = "glpat-e2e-0123456789abcdef"

// e2eCase is one deployment taken through the whole flow.
type e2eCase struct {
	name    string
	outcome fakeorg.Outcome
	blocks  bool   // the finish-blocks-pipeline input
	status  string // the deployment's final status
	exit    int    // the finish job's exit code
}

// TestComponentEndToEnd runs the example pipeline's deploy job, watches the deployment with
// the real Lambda handler, lets the real GitLab dispatcher play the finish job, runs that
// job, and checks what each step left behind.
func TestComponentEndToEnd(t *testing.T) {
	root := repoRoot(t)
	tools := requireTools(t, root)
	bin := buildCLI(t, root)
	for _, c := range []e2eCase{
		{name: "deployment succeeds", outcome: fakeorg.OutcomeSuccess, status: "Succeeded"},
		{name: "apex tests fail and the pipeline is blocked", outcome: fakeorg.OutcomeTestFailure,
			blocks: true, status: "Failed", exit: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			newScenario(t, tools, root, bin, c).run(t)
		})
	}
}

// scenario is one case's fakes, repository and recorded output.
type scenario struct {
	c       e2eCase
	ctx     context.Context
	org     *fakeorg.Org
	aws     *awsfake.Server
	repo    gitRepo
	outputs []string
	gl      *fakeGitLab
	// noteVars are the finish job's variables for the merge request note; the fake's
	// goroutine reads them.
	noteMu   sync.Mutex
	noteVars []string
}

func newScenario(t *testing.T, tools toolchain, root, bin string, c e2eCase) *scenario {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Second)
	t.Cleanup(cancel)
	org := fakeorg.New(fakeorg.Options{Outcome: c.outcome})
	org.Start()
	t.Cleanup(org.Close)
	fake := awsfake.New()
	t.Cleanup(fake.Close)
	fake.SetSecret(tokenSecret, glToken)
	repo := newRepo(t, tools, root, examplePipeline(root, map[string]any{
		"command":           bin,
		"allowed-org-hosts": "127.0.0.1",
		// There is no STS fake: the deploy job signs with the static keys of ciArgs.
		"aws-role-arn":           "",
		"finish-blocks-pipeline": c.blocks,
		"commit-status":          true,
	}))
	s := &scenario{c: c, ctx: ctx, org: org, aws: fake, repo: repo}
	t.Cleanup(func() {
		if t.Failed() {
			for _, out := range s.outputs {
				t.Logf("gitlab-ci-local:\n%s", out)
			}
		}
	})
	return s
}

func (s *scenario) run(t *testing.T) {
	id := s.deploy(t)
	detail, req, pipeline := s.monitorRequest(t, id)
	gl := newFakeGitLab(t, glToken, req.ProjectID, pipeline, s.finish)
	gl.rec.AddMergeRequest(req.ProjectID, mergeRequest, "main")
	s.gl = gl
	s.setNoteVars(gl.URL())
	h, logs := newLambda(t, s.aws.URL(), gl.URL())
	s.watch(t, h, detail, id)

	finished := s.finishedEvent(t)
	if err := h.HandleFinished(s.ctx, eventBridgeEvent(finished, "evt-finish-1")); err != nil {
		t.Fatalf("HandleFinished: %v\n%s", err, logs)
	}
	res, err := gl.wait(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.outputs = append(s.outputs, res.output)
	s.checkFinishRun(t, res)
	s.checkFinishArtifacts(t, id)
	wantStatus := map[bool]string{true: "success", false: "failed"}[s.c.exit == 0]
	if got := gl.status(finishJob); got != wantStatus {
		t.Errorf("the finish job's status is %q, want %q", got, wantStatus)
	}

	// A redelivered finish event finds the job finished and plays nothing.
	if err := h.HandleFinished(s.ctx, eventBridgeEvent(finished, "evt-finish-1")); err != nil {
		t.Fatalf("HandleFinished again: %v\n%s", err, logs)
	}
	if lists, plays := gl.counts(); plays != 1 || lists != 2 {
		t.Errorf("the fake GitLab saw %d job listings and %d plays, want 2 and 1\n%s",
			lists, plays, logs)
	}
	s.checkStatuses(t, req, pipeline)
	s.checkNote(t, req.ProjectID)
	s.checkNoSecret(t, logs.String(), finished.Detail)
}

// ciArgs are the flags of every gitlab-ci-local run, with the org's CI variables.
func (s *scenario) ciArgs() []string {
	return []string{
		// Artifacts pass between jobs through .gitlab-ci-local, as between runners.
		"--shell-isolation",
		// The jobs have an image; this runs them in a shell, without Docker.
		"--force-shell-executor",
		"--no-artifacts-to-source", "--no-color",
		// gitlab-ci-local sets GITLAB_CI=false; the CLI writes deploy.env only under GitLab.
		"--variable", "GITLAB_CI=true", "--ignore-predefined-vars", "GITLAB_CI,CI_API_V4_URL",
		"--variable", "SF_ORG_URL=" + s.org.URL(),
		"--variable", "SF_ASYNC_DEPLOY_ACCESS_TOKEN=" + s.org.AccessToken(),
	}
}

// deploy runs the deploy job and returns the deployment id of its dotenv report.
func (s *scenario) deploy(t *testing.T) string {
	t.Helper()
	res, err := s.repo.exec(s.ctx, append(s.ciArgs(),
		"--variable", "AWS_ENDPOINT_URL_EVENTBRIDGE="+s.aws.URL(),
		"--variable", "AWS_ACCESS_KEY_ID=AKIDTEST",
		"--variable", "AWS_SECRET_ACCESS_KEY=secretkeytest",
		"--variable", "AWS_EC2_METADATA_DISABLED=true",
		deployJob)...)
	s.outputs = append(s.outputs, res.output)
	if err != nil || res.code != 0 {
		t.Fatalf("gitlab-ci-local %s: exit %d, %v\n%s", deployJob, res.code, err, res.output)
	}
	if code, ok := res.jobExit(deployJob); !ok || code != 0 {
		t.Fatalf("the deploy job did not pass (exit %d, finished %t):\n%s", code, ok,
			res.output)
	}

	env := string(s.repo.artifact(t, deployJob, "deploy.env"))
	var id string
	for _, line := range strings.Split(env, "\n") {
		if v, ok := strings.CutPrefix(line, "SF_DEPLOYMENT_ID="); ok {
			id = v
		}
	}
	deps := s.org.Deployments()
	if len(deps) != 1 || id == "" || deps[0].ID != id {
		t.Fatalf("deploy.env = %q; the org received %d deployments", env, len(deps))
	}
	if got := deps[0]; got.Options.TestLevel != "RunLocalTests" ||
		!slices.Contains(got.Files, "classes/AccountServiceTest.cls") {
		t.Errorf("the org received test level %q and files %v", got.Options.TestLevel,
			got.Files)
	}
	return id
}

// monitorRequest checks the one monitor request the deploy job published and returns its
// detail, decoded and raw, and its pipeline id.
func (s *scenario) monitorRequest(t *testing.T, id string) (string, monitor.Request, int64) {
	t.Helper()
	entries := putEvents(t, s.aws, monitor.DetailTypeRequested)
	if n := len(s.aws.Calls("AWSEvents.PutEvents")); n != 1 || len(entries) != 1 {
		t.Fatalf("%d PutEvents calls with %d monitor requests, want 1 and 1", n, len(entries))
	}
	e := entries[0]
	if e.Source != monitor.Source || e.EventBusName != monitor.DefaultEventBusName {
		t.Errorf("the monitor request came from %q to bus %q", e.Source, e.EventBusName)
	}
	req, err := monitor.ParseRequest([]byte(e.Detail))
	if err != nil {
		t.Fatal(err)
	}
	pipeline, err := strconv.ParseInt(req.PipelineID, 10, 64)
	if err != nil || pipeline <= 0 {
		t.Errorf("pipelineId %q is not a pipeline id", req.PipelineID)
	}
	jobs := "https://" + serverHost + "/" + projectPath + "/-/jobs/"
	if req.CI != monitor.CIGitLab || req.FinishJobName != finishJob ||
		req.RepoPath != projectPath || req.ProjectID == "" || req.DeploymentID != id ||
		req.CommitSHA != s.repo.sha || req.Ref != "main" ||
		!strings.HasPrefix(req.RunURL, jobs) || req.SessionID == "" {
		t.Errorf("monitor request = %+v", req)
	}
	return e.Detail, req, pipeline
}

// watch hands the request to the monitor: one tick while the deployment runs, and one
// after it has ended.
func (s *scenario) watch(t *testing.T, h *lambdafn.Handler, detail, id string) {
	t.Helper()
	resp := h.HandleSQS(s.ctx, events.SQSEvent{Records: []events.SQSMessage{
		sqsMessage(detail, 1)}})
	if got := failedIDs(resp); len(got) != 1 {
		t.Errorf("while the deployment runs, the batch keeps %v, want [msg-1]", got)
	}
	if n := len(s.aws.Calls("AmazonSQS.ChangeMessageVisibility")); n != 1 {
		t.Errorf("%d visibility changes, want 1 (the next tick)", n)
	}
	if err := s.org.Complete(id); err != nil {
		t.Fatal(err)
	}
	resp = h.HandleSQS(s.ctx, events.SQSEvent{Records: []events.SQSMessage{
		sqsMessage(detail, 2)}})
	if got := failedIDs(resp); len(got) != 0 {
		t.Errorf("after the deployment ended, the batch keeps %v, want none", got)
	}
}

// finishedEvent returns the one Deployment Finished event the monitor published.
func (s *scenario) finishedEvent(t *testing.T) putEvent {
	t.Helper()
	entries := putEvents(t, s.aws, monitor.DetailTypeFinished)
	if len(entries) != 1 {
		t.Fatalf("the monitor published %d finish events, want 1", len(entries))
	}
	f, err := monitor.ParseFinished([]byte(entries[0].Detail))
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != s.c.status || f.SessionID != "" || f.FinishJobName != finishJob {
		t.Errorf("finish event = %+v", f)
	}
	return entries[0]
}

// finish runs the played finish job; it runs outside the test's goroutine, so it reports
// rather than fails.
func (s *scenario) finish() finishRun {
	res, err := s.repo.exec(s.ctx, append(s.ciArgs(), append(s.noteArgs(),
		"--manual", finishJob, finishJob)...)...)
	return finishRun{run: res, err: err}
}

func (s *scenario) checkFinishRun(t *testing.T, res finishRun) {
	t.Helper()
	if res.err != nil {
		t.Fatalf("the finish job: %v\n%s", res.err, res.output)
	}
	code, ok := res.jobExit(finishJob)
	if !ok || code != s.c.exit {
		t.Fatalf("the finish job exited %d (finished %t), want %d:\n%s", code, ok, s.c.exit,
			res.output)
	}
	// Only a job that may not fail (finish-blocks-pipeline) fails the pipeline.
	if pipelineFails := res.code != 0; pipelineFails != (s.c.blocks && s.c.exit != 0) {
		t.Errorf("gitlab-ci-local exited %d with finish-blocks-pipeline %t:\n%s", res.code,
			s.c.blocks, res.output)
	}
}

// checkFinishArtifacts reads the finish job's artifacts: the result, the JUnit report and
// the Cobertura coverage.
func (s *scenario) checkFinishArtifacts(t *testing.T, id string) {
	t.Helper()
	var result struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(s.repo.artifact(t, finishJob, "deploy-result.json"),
		&result); err != nil || result.ID != id || result.Status != s.c.status {
		t.Errorf("deploy-result.json: %+v, %v", result, err)
	}

	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(s.repo.artifact(t, finishJob, "junit.xml"), &junit); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	if junit.Tests == 0 || len(junit.Suites) == 0 || len(junit.Suites[0].Cases) == 0 ||
		(junit.Failures > 0) != (s.c.exit != 0) {
		t.Errorf("junit.xml: %d tests, %d failures, %d suites", junit.Tests, junit.Failures,
			len(junit.Suites))
	}

	var coverage struct {
		XMLName  xml.Name `xml:"coverage"`
		Packages []struct {
			Classes []struct {
				Name string `xml:"name,attr"`
			} `xml:"classes>class"`
		} `xml:"packages>package"`
	}
	raw := s.repo.artifact(t, finishJob, "coverage/cobertura.xml")
	if err := xml.Unmarshal(raw, &coverage); err != nil || len(coverage.Packages) == 0 ||
		len(coverage.Packages[0].Classes) == 0 {
		t.Errorf("coverage/cobertura.xml has no classes (%v):\n%s", err, raw)
	}
	if summary := s.repo.artifact(t, finishJob, "summary.md"); !strings.Contains(
		string(summary), id) {
		t.Errorf("summary.md does not name the deployment:\n%s", summary)
	}
}

// checkNoSecret scans every log and event for the org's access token and the GitLab token,
// and every artifact for the access token.
func (s *scenario) checkNoSecret(t *testing.T, texts ...string) {
	t.Helper()
	texts = append(texts, s.outputs...)
	for i, text := range texts {
		for _, token := range []string{s.org.AccessToken(), glToken} {
			if strings.Contains(text, token) {
				t.Errorf("a token appears in output %d:\n%s", i, text)
			}
		}
	}
	token := s.org.AccessToken()
	artifacts := filepath.Join(s.repo.dir, ".gitlab-ci-local", "artifacts")
	err := filepath.WalkDir(artifacts, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), token) {
			t.Errorf("the access token appears in the artifact %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
