package cli

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
)

// finishedDeployment starts a deployment with the given outcome and runs it to its end.
func finishedDeployment(t *testing.T, outcome fakeorg.Outcome) (*fakeorg.Org, string) {
	t.Helper()
	org := startOrg(t, fakeorg.Options{Outcome: outcome})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true, RollbackOnError: true,
		TestLevel: "RunLocalTests"})
	if err := org.Complete(id); err != nil {
		t.Fatal(err)
	}
	return org, id
}

func TestFinishOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		outcome     fakeorg.Outcome
		code        int
		status      string
		annotation  string
		junitFailed bool
	}{
		{"success", fakeorg.OutcomeSuccess, ExitOK, "Succeeded", "", false},
		{"component failure", fakeorg.OutcomeComponentFailure, ExitFailed, "Failed",
			"file=force-app/main/default/classes/AccountService.cls,line=12", false},
		{"test failure", fakeorg.OutcomeTestFailure, ExitFailed, "Failed", "", true},
		{"partial", fakeorg.OutcomePartial, ExitFailed, "SucceededPartial", "::error ", false},
		{"canceled", fakeorg.OutcomeCanceled, ExitFailed, "Canceled", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org, id := finishedDeployment(t, tt.outcome)
			inv := newInvocation(t, org).github()
			inv.run(append([]string{"finish", "--deployment-id", id}, inv.orgFlags()...)...)
			inv.want(tt.code)

			var raw map[string]any
			if err := json.Unmarshal([]byte(inv.file("deploy-result.json")), &raw); err != nil {
				t.Fatalf("deploy-result.json: %v", err)
			}
			if raw["status"] != tt.status || raw["details"] == nil {
				t.Errorf("deploy-result.json status %v, details present %v", raw["status"],
					raw["details"] != nil)
			}
			junit := inv.file("junit.xml")
			var suites struct {
				XMLName xml.Name `xml:"testsuites"`
			}
			if err := xml.Unmarshal([]byte(junit), &suites); err != nil {
				t.Errorf("junit.xml is not XML: %v", err)
			}
			if got := strings.Contains(junit, "<failure"); got != tt.junitFailed {
				t.Errorf("junit failures present = %v, want %v", got, tt.junitFailed)
			}
			if !strings.Contains(inv.file("coverage/cobertura.xml"), "<coverage") {
				t.Error("coverage/cobertura.xml has no <coverage>")
			}
			summary := inv.file("summary.md")
			if !strings.Contains(inv.ghFile("summary"), strings.TrimSpace(summary)[:20]) {
				t.Error("step summary does not hold summary.md")
			}
			outputs := inv.ghFile("output")
			for _, want := range []string{"status", tt.status, "success", "deployment-id", id,
				"components-total", "tests-total"} {
				if !strings.Contains(outputs, want) {
					t.Errorf("outputs lack %q", want)
				}
			}
			if tt.annotation != "" && !strings.Contains(inv.stdout.String(), tt.annotation) {
				t.Errorf("stdout lacks annotation %q:\n%s", tt.annotation, inv.stdout.String())
			}
			inv.assertNoSecrets(org.AccessToken())
		})
	}
}

func TestFinishWhileRunningExits3(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	inv := newInvocation(t, org)
	inv.run(append([]string{"finish", "--deployment-id", id}, inv.orgFlags()...)...)
	inv.want(ExitNotFinished)
	if !strings.Contains(inv.stderr.String(), "has not finished") {
		t.Errorf("stderr = %s", inv.stderr.String())
	}
}

func TestFinishWaitPollsToTheEnd(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	inv := newInvocation(t, org).gitlab()
	inv.vars["SF_DEPLOYMENT_ID"] = id
	inv.run(append([]string{"finish", "--wait", "10m"}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	if n := strings.Count(inv.stdout.String(), id+": "); n < 3 {
		t.Errorf("%d progress lines, want one per poll:\n%s", n, inv.stdout.String())
	}
	if !strings.Contains(inv.file("summary.md"), id) {
		t.Error("summary.md lacks the id")
	}
}

func TestStatusAndCancel(t *testing.T) {
	org := startOrg(t, fakeorg.Options{})
	id := org.CreateDeployment(fakeorg.DeployOptions{SinglePackage: true})
	inv := newInvocation(t, org)
	inv.run(append([]string{"status", "--deployment-id", id}, inv.orgFlags()...)...)
	inv.want(ExitNotFinished)
	if !strings.Contains(inv.stdout.String(), id+" Pending") {
		t.Errorf("status line = %q", inv.stdout.String())
	}
	inv.run(append([]string{"status", "--deployment-id", id, "--json"}, inv.orgFlags()...)...)
	var status map[string]any
	if err := json.Unmarshal(inv.stdout.Bytes(), &status); err != nil {
		t.Fatalf("status --json: %v\n%s", err, inv.stdout.String())
	}
	inv.run(append([]string{"cancel", "--deployment-id", id}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	if !strings.Contains(inv.stdout.String(), "Cancel") {
		t.Errorf("cancel output = %q", inv.stdout.String())
	}
	inv.run(append([]string{"status", "--deployment-id", id}, inv.orgFlags()...)...)
	inv.want(ExitFailed)

	doneOrg, doneID := finishedDeployment(t, fakeorg.OutcomeSuccess)
	inv2 := newInvocation(t, doneOrg)
	inv2.run(append([]string{"status", "--deployment-id", doneID}, inv2.orgFlags()...)...)
	inv2.want(ExitOK)
}
