package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

func TestDeployMetadataDirWithMonitorNone(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org)
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata", "--monitor", "none",
		"--test-level", "RunSpecifiedTests", "--tests", "AccountServiceTest",
		"--check-only"}, inv.orgFlags()...)...)
	inv.want(ExitOK)

	deps := org.Deployments()
	if len(deps) != 1 {
		t.Fatalf("org received %d deployments, want 1", len(deps))
	}
	got := deps[0]
	if !strings.Contains(inv.stdout.String(), got.ID) {
		t.Errorf("stdout lacks the deployment id %s:\n%s", got.ID, inv.stdout.String())
	}
	opts := got.Options
	if opts.TestLevel != "RunSpecifiedTests" || len(opts.RunTests) != 1 || !opts.CheckOnly ||
		!opts.RollbackOnError || !opts.SinglePackage || opts.PurgeOnDelete {
		t.Errorf("deploy options = %+v", opts)
	}
	wantFiles := []string{"classes/AccountService.cls", "classes/AccountService.cls-meta.xml",
		"package.xml"}
	if strings.Join(got.Files, ",") != strings.Join(wantFiles, ",") {
		t.Errorf("zip files = %v, want %v", got.Files, wantFiles)
	}
	var stored monitor.Request
	if err := json.Unmarshal([]byte(inv.file("deployment.json")), &stored); err != nil {
		t.Fatal(err)
	}
	if stored.DeploymentID != got.ID || stored.SessionID != "" || stored.OrgURL != org.URL() {
		t.Errorf("deployment.json = %+v", stored)
	}
	inv.assertNoSecrets(org.AccessToken())
}

func TestDeployUnderGitHubActions(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).github()
	pub := &recordingPublisher{}
	inv.pub = pub
	inv.vars["INPUT_METADATA-DIR"] = "testdata/metadata"
	inv.vars["INPUT_ORG-URL"] = org.URL()
	inv.vars["INPUT_ACCESS-TOKEN"] = org.AccessToken()
	inv.vars["INPUT_ALLOWED-ORG-HOSTS"] = "127.0.0.1"
	inv.vars["INPUT_RESULTS-DIR"] = inv.results
	inv.vars["INPUT_EVENT-BUS"] = "team-bus"
	inv.run("deploy")
	inv.want(ExitOK)

	if !strings.HasPrefix(inv.stdout.String(), "::add-mask::"+org.AccessToken()+"\n") {
		t.Errorf("the token is not masked first:\n%s", inv.stdout.String())
	}
	id := org.Deployments()[0].ID
	outputs := inv.ghFile("output")
	for _, want := range []string{"deployment-id", id, "deploy-url",
		"/lightning/setup/DeployStatus/page?address=%2Fchangemgmt%2FmonitorDeploymentsDetails.apexp%3FasyncId%3D" + id} {
		if !strings.Contains(outputs, want) {
			t.Errorf("GITHUB_OUTPUT lacks %q:\n%s", want, outputs)
		}
	}
	if len(pub.reqs) != 1 || pub.bus != "team-bus" {
		t.Fatalf("published %d requests to %q", len(pub.reqs), pub.bus)
	}
	req := pub.reqs[0]
	if req.CI != "github" || req.RepoPath != "acme/app" || req.Ref != "main" ||
		req.PipelineFinishJobID != monitor.DefaultFinishWorkflow || req.TickSeconds != 60 ||
		req.RunURL != "https://github.com/acme/app/actions/runs/42" || req.SessionID == "" ||
		req.DeploymentID != id || req.SchemaVersion != 1 || req.Deadline == "" {
		t.Errorf("monitor request = %+v", req)
	}
	inv.assertNoSecrets(org.AccessToken())
}

func TestDeployUnderGitLabWritesDotenv(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).gitlab()
	pub := &recordingPublisher{}
	inv.pub = pub
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata", "--finish-job",
		"sf-finish"}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	id := org.Deployments()[0].ID
	if env := inv.file("deploy.env"); !strings.Contains(env, "SF_DEPLOYMENT_ID="+id+"\n") {
		t.Errorf("deploy.env = %q", env)
	}
	req := pub.reqs[0]
	if req.CI != "gitlab" || req.ProjectID != "7" || req.PipelineID != "99" ||
		req.FinishJobName != "sf-finish" || req.RepoPath != "acme/app" {
		t.Errorf("monitor request = %+v", req)
	}
}

func TestDeployPublishFailureSaysTheDeploymentRuns(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).github()
	inv.pub = &recordingPublisher{err: errors.New("AccessDeniedException: not authorized")}
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata"},
		inv.orgFlags()...)...)
	inv.want(ExitRemote)
	id := org.Deployments()[0].ID
	msg := inv.stderr.String()
	for _, want := range []string{"is running", id, "finish --deployment-id " + id,
		"AccessDeniedException"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	if !strings.Contains(inv.file("deployment.json"), id) {
		t.Error("deployment.json not written before the hand-off")
	}
}

func TestDeployAdoptAndQuickDeploy(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	adopted := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	inv := newInvocation(t, org)
	inv.run(append([]string{"deploy", "--deployment-id", adopted, "--monitor", "none"},
		inv.orgFlags()...)...)
	inv.want(ExitOK)
	if !strings.Contains(inv.file("deployment.json"), adopted) {
		t.Error("adopted id not in deployment.json")
	}

	validation := org.CreateDeployment(fakeorg.DeployOptions{CheckOnly: true, SinglePackage: true,
		TestLevel: "RunLocalTests"})
	if err := org.Complete(validation); err != nil {
		t.Fatal(err)
	}
	inv.run(append([]string{"deploy", "--validated-deployment-id", validation, "--monitor",
		"none"}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	if strings.Contains(inv.file("deployment.json"), `"SFDCdeploymentId": "`+validation) {
		t.Error("quick deploy kept the validation's id instead of the new deployment's")
	}
}

func TestDeployWithAuthURL(t *testing.T) {
	const refresh = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"
	org := startOrg(t, fakeorg.Options{RefreshToken: refresh, ClientID: "PlatformCLI",
		ClientSecret: "s3cr3tClientValue"})
	inv := newInvocation(t, org).github()
	authURL := "force://PlatformCLI:s3cr3tClientValue:" + refresh + "@" +
		strings.TrimPrefix(org.URL(), "https://")
	inv.run("deploy", "--metadata-dir", "testdata/metadata", "--monitor", "none",
		"--auth-url", authURL, "--allowed-org-hosts", "127.0.0.1", "--results-dir", inv.results)
	inv.want(ExitOK)
	if len(org.Deployments()) != 1 {
		t.Fatal("no deployment after the refresh grant")
	}
	inv.assertNoSecrets(authURL, refresh, "s3cr3tClientValue", org.AccessToken())
}
