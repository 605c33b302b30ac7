package githube2e

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsfake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/e2e/rie"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

const (
	refreshToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"
	githubToken  = "github_pat_11AAAAAAA0EndToEndTokenNotReal"
	// runToken is the finish run's GITHUB_TOKEN, which comments on the pull request.
	runToken = "ghs_EndToEndRunTokenNotReal000000000000"
	// branch is where the deploy workflow was run by hand, with pull request 12 open from it.
	branch = "feature/login"
)

// world holds the fakes and the built binaries one flow runs against.
type world struct {
	org       *fakeorg.Org
	aws       *awsfake.Server
	github    *cifake.GitHub
	lambda    *rie.Emulator
	cli       string
	act       action
	deployWF  workflow
	finishWF  workflow
	workspace string
	contexts  map[string]map[string]string
	env       map[string]string
}

func newWorld(t *testing.T, outcome fakeorg.Outcome) *world {
	t.Helper()
	emulator := rie.Find(t)
	root := rie.RepoRoot(t)
	w := &world{org: fakeorg.New(fakeorg.Options{Outcome: outcome, RefreshToken: refreshToken,
		ClientID: "PlatformCLI"}), aws: awsfake.New(), github: cifake.NewGitHub()}
	w.org.StartTLS()
	t.Cleanup(func() { w.org.Close(); w.aws.Close(); w.github.Close() })
	readYAML(t, filepath.Join(root, "action.yml"), &w.act)
	readYAML(t, filepath.Join(root, "examples/github/sf-async-deploy.yml"), &w.deployWF)
	readYAML(t, filepath.Join(root, "examples/github/sf-async-deploy-finish.yml"), &w.finishWF)
	w.github.RunName = func(in map[string]string) string {
		return evaluate(t, w.finishWF.RunName, map[string]map[string]string{"inputs": in})
	}

	caFile := filepath.Join(t.TempDir(), "org-ca.pem")
	if err := os.WriteFile(caFile, w.org.CertificatePEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	w.workspace = checkout(t, root)
	w.cli = rie.Build(t, "./cmd/sf-async-deploy", filepath.Join(t.TempDir(), "sf-async-deploy"))
	host := strings.TrimPrefix(w.org.URL(), "https://")
	w.contexts = map[string]map[string]string{
		"vars": {"SF_ORG_URL": w.org.URL(), "SF_ASYNC_DEPLOY_AWS_ROLE_ARN": "arn:aws:iam::1:role/x",
			"AWS_REGION": "us-east-1"},
		"secrets": {"SF_AUTH_URL": "force://PlatformCLI::" + refreshToken + "@" + host,
			"GITHUB_TOKEN": runToken},
	}
	w.github.AddPullRequest("acme/app", 12, branch)
	// What the runner and configure-aws-credentials put in the job's environment; the org is
	// on loopback, which only allowed-org-hosts admits.
	w.env = map[string]string{"GITHUB_REPOSITORY": "acme/app", "GITHUB_REF_NAME": branch,
		"GITHUB_SHA": "5f1c9e2d", "GITHUB_RUN_ID": "777", "GITHUB_SERVER_URL": "https://github.com",
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "ASIAENDTOEND",
		"AWS_SECRET_ACCESS_KEY": "endtoendsecretkey", "AWS_SESSION_TOKEN": "endtoendsession",
		"AWS_ENDPOINT_URL_EVENTBRIDGE": w.aws.URL(), "SSL_CERT_FILE": caFile,
		"SF_ASYNC_DEPLOY_ALLOWED_ORG_HOSTS": "127.0.0.1"}
	w.aws.SetSecret("sf-async-deploy/github-token", githubToken)
	w.lambda = rie.Start(t, emulator, rie.BuildBootstrap(t), map[string]string{
		"EVENT_BUS_NAME": "sf-async-deploy", "ALLOWED_ORG_HOSTS": "127.0.0.1",
		"ALLOWED_REPOSITORIES": "acme/*", "GITHUB_API_URL": w.github.URL(),
		"GITHUB_TOKEN_SECRET": "sf-async-deploy/github-token", "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "AKIDLAMBDA", "AWS_SECRET_ACCESS_KEY": "lambdasecretkey",
		"AWS_ENDPOINT_URL_SQS": w.aws.URL(), "AWS_ENDPOINT_URL_EVENTBRIDGE": w.aws.URL(),
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": w.aws.URL(), "SSL_CERT_FILE": caFile})
	return w
}

// checkout is the repository as actions/checkout leaves it: the example's mdapi/ folder.
func checkout(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(root, "internal/cli/testdata/metadata")
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dir, "mdapi", rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// putEvents returns the details of the PutEvents entries of a detail type.
func (w *world) putEvents(detailType string) []string {
	var details []string
	for _, c := range w.aws.Calls("AWSEvents.PutEvents") {
		for _, e := range c.Body["Entries"].([]any) {
			entry := e.(map[string]any)
			if entry["DetailType"] == detailType {
				details = append(details, entry["Detail"].(string))
			}
		}
	}
	return details
}

// monitorUntilFinished feeds the monitor request to the Lambda, once per tick, until it
// lets the message go.
func (w *world) monitorUntilFinished(t *testing.T, request string) {
	t.Helper()
	for receive := 1; receive <= 20; receive++ {
		answer := w.lambda.Invoke(t, rie.SQSEvent("msg-1", strconv.Itoa(receive), request))
		failures := rie.BatchFailures(t, answer)
		if len(failures) == 0 {
			if n := len(w.aws.Calls("AmazonSQS.ChangeMessageVisibility")); n != receive-1 {
				t.Errorf("%d visibility changes for %d pending polls", n, receive-1)
			}
			return
		}
	}
	t.Fatalf("the deployment never finished:\n%s", w.lambda.Logs.String())
}

func TestExampleWorkflowsEndToEnd(t *testing.T) {
	tests := []struct {
		name       string
		outcome    fakeorg.Outcome
		code       int
		status     string
		annotation string
		junitFail  bool
		statuses   []string // the commit statuses, as "state|description"
	}{
		{"success", fakeorg.OutcomeSuccess, 0, "Succeeded", "", false, []string{
			pendingStatus, "pending|InProgress: 2/5 components, tests to follow",
			"pending|InProgress: 5/5 components, tests to follow",
			"pending|InProgress: 5/5 components, 2/4 tests",
			"pending|InProgress: 5/5 components, 4/4 tests",
			"success|Succeeded: 5/5 components, 4/4 tests"}},
		{"component failure", fakeorg.OutcomeComponentFailure, 1, "Failed",
			"::error col=9,file=mdapi/classes/AccountService.cls,line=12", false, []string{
				pendingStatus, "pending|InProgress: 1/5 components (1 error), tests to follow",
				"pending|InProgress: 4/5 components (1 error), tests to follow",
				"failure|Failed: 4/5 components (1 error)"}},
		{"test failure", fakeorg.OutcomeTestFailure, 1, "Failed", "::error ", true, []string{
			pendingStatus, "pending|InProgress: 2/5 components, tests to follow",
			"pending|InProgress: 5/5 components, tests to follow",
			"pending|InProgress: 5/5 components, 1/4 tests (1 failed)",
			"pending|InProgress: 5/5 components, 3/4 tests (1 failed)",
			"failure|Failed: 5/5 components, 3/4 tests (1 failed)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.outcome)
			deploy := runStep(t, w.cli, w.act, ourStep(t, w.deployWF), w.contexts, w.workspace, w.env)
			if deploy.code != 0 {
				t.Fatalf("deploy step exit %d:\n%s\n%s", deploy.code, deploy.stdout, deploy.stderr)
			}
			id := deploy.output("deployment-id")
			requests := w.putEvents(monitor.DetailTypeRequested)
			if id == "" || len(requests) != 1 || !strings.Contains(requests[0], id) {
				t.Fatalf("deployment id %q, %d monitor requests", id, len(requests))
			}

			w.monitorUntilFinished(t, requests[0])
			finished := w.putEvents(monitor.DetailTypeFinished)
			if len(finished) != 1 {
				t.Fatalf("%d finish events, want 1", len(finished))
			}
			for range 2 { // a redelivered event must not dispatch again
				w.lambda.Invoke(t, rie.FinishEvent("evt-1", finished[0]))
			}
			dispatches := w.github.Dispatches()
			if len(dispatches) != 1 {
				t.Fatalf("%d dispatches, want 1:\n%s", len(dispatches), w.lambda.Logs.String())
			}
			d := dispatches[0]
			if d.Workflow != "sf-async-deploy-finish.yml" || d.Ref != branch ||
				d.Inputs["deployment-id"] != id || d.Inputs["status"] != tt.status {
				t.Errorf("dispatch = %+v", d)
			}

			w.contexts["inputs"] = d.Inputs
			finish := runStep(t, w.cli, w.act, ourStep(t, w.finishWF), w.contexts, w.workspace,
				w.dispatchedEnv(d))
			if finish.code != tt.code {
				t.Fatalf("finish step exit %d, want %d:\n%s\n%s", finish.code, tt.code,
					finish.stdout, finish.stderr)
			}
			w.checkFinish(t, finish, tt.status, tt.annotation, tt.junitFail)
			w.checkStatuses(t, tt.statuses, deploy.output("deploy-url"))
			w.checkComment(t, tt.status)
			w.assertNoSecrets(t, deploy, finish)
		})
	}
}

func (w *world) checkFinish(t *testing.T, r stepRun, status, annotation string, junitFail bool) {
	t.Helper()
	if got := r.output("status"); got != status {
		t.Errorf("output status = %q, want %q", got, status)
	}
	if !strings.Contains(r.summary, "Deployment") {
		t.Errorf("step summary = %q", r.summary)
	}
	if annotation != "" && !strings.Contains(r.stdout, annotation) {
		t.Errorf("no annotation %q in:\n%s", annotation, r.stdout)
	}
	results := filepath.Join(w.workspace, "sf-async-deploy-results")
	var raw map[string]any
	b, _ := os.ReadFile(filepath.Join(results, "deploy-result.json"))
	if err := json.Unmarshal(b, &raw); err != nil || raw["status"] != status {
		t.Errorf("deploy-result.json: %v, status %v", err, raw["status"])
	}
	junit, _ := os.ReadFile(filepath.Join(results, "junit.xml"))
	if err := xml.Unmarshal(junit, new(struct{})); err != nil {
		t.Errorf("junit.xml: %v", err)
	}
	if got := strings.Contains(string(junit), "<failure"); got != junitFail {
		t.Errorf("junit failures = %v, want %v", got, junitFail)
	}
	if _, err := os.Stat(filepath.Join(results, "coverage", "cobertura.xml")); err != nil {
		t.Error(err)
	}
}

// assertNoSecrets scans both steps' output, the Lambda's logs and every artifact.
func (w *world) assertNoSecrets(t *testing.T, runs ...stepRun) {
	t.Helper()
	var all strings.Builder
	for _, r := range runs {
		for _, line := range strings.Split(r.stdout, "\n") {
			if !strings.HasPrefix(line, "::add-mask::") {
				all.WriteString(line + "\n")
			}
		}
		all.WriteString(r.stderr + r.outputs + r.summary)
	}
	all.WriteString(w.lambda.Logs.String())
	_ = filepath.Walk(filepath.Join(w.workspace, "sf-async-deploy-results"),
		func(path string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(path)
				all.Write(b)
			}
			return nil
		})
	for _, secret := range []string{w.org.AccessToken(), refreshToken, githubToken, runToken,
		w.contexts["secrets"]["SF_AUTH_URL"], "endtoendsecretkey", "lambdasecretkey"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("secret %.8s… reached an output, a log or an artifact", secret)
		}
	}
}
