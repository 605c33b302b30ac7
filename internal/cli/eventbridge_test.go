package cli

import (
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsfake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// useFakeAWS points the real SDK at a fake through the standard variables. The SDK reads
// the process environment, so these tests do not run in parallel.
func useFakeAWS(t *testing.T) *awsfake.Server {
	t.Helper()
	fake := awsfake.New()
	t.Cleanup(fake.Close)
	for k, v := range map[string]string{"AWS_ENDPOINT_URL_EVENTBRIDGE": fake.URL(),
		"AWS_ENDPOINT_URL_STS": fake.URL(), "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "AKIDSTATICKEY", "AWS_SECRET_ACCESS_KEY": "staticsecretkey",
		"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
		"AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	return fake
}

func TestDeployPublishesToEventBridge(t *testing.T) {
	fake := useFakeAWS(t)
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).github()
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata", "--event-bus",
		"team-bus"}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	calls := fake.Calls("AWSEvents.PutEvents")
	if len(calls) != 1 {
		t.Fatalf("%d PutEvents, want 1", len(calls))
	}
	entry := calls[0].Body["Entries"].([]any)[0].(map[string]any)
	if entry["Source"] != monitor.Source || entry["DetailType"] != monitor.DetailTypeRequested ||
		entry["EventBusName"] != "team-bus" {
		t.Errorf("entry = %v", entry)
	}
	req, err := monitor.ParseRequest([]byte(entry["Detail"].(string)))
	if err != nil || req.DeploymentID != org.Deployments()[0].ID || req.CI != "github" {
		t.Errorf("detail = %+v, %v", req, err)
	}
	if !strings.Contains(calls[0].Auth, "AKIDSTATICKEY") {
		t.Errorf("not signed with the standard chain's key: %q", calls[0].Auth)
	}
}

func TestDeployWhenPutEventsRefusesTheEntry(t *testing.T) {
	fake := useFakeAWS(t)
	fake.FailPutEvents(1)
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).github()
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata"},
		inv.orgFlags()...)...)
	inv.want(ExitRemote)
	id := org.Deployments()[0].ID
	for _, want := range []string{"event bus refused the event", "InternalFailure",
		"is running", "finish --deployment-id " + id} {
		if !strings.Contains(inv.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, inv.stderr.String())
		}
	}
}

func TestDeployAssumesARoleWithTheGitLabIDToken(t *testing.T) {
	fake := useFakeAWS(t)
	const idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6YWNtZS9hcHAifQ.sig"
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).gitlab()
	inv.vars["SF_ASYNC_DEPLOY_AWS_WEB_IDENTITY_TOKEN"] = idToken
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata", "--aws-role-arn",
		"arn:aws:iam::123456789012:role/sf-async-deploy-gitlab"}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	sts := fake.Calls("STS.AssumeRoleWithWebIdentity")
	if len(sts) != 1 || sts[0].Body["WebIdentityToken"] != idToken ||
		sts[0].Body["RoleArn"] != "arn:aws:iam::123456789012:role/sf-async-deploy-gitlab" ||
		sts[0].Body["RoleSessionName"] != "sf-async-deploy-99" {
		t.Fatalf("STS calls = %+v", sts)
	}
	puts := fake.Calls("AWSEvents.PutEvents")
	if len(puts) != 1 || !strings.Contains(puts[0].Auth, awsfake.AssumedAccessKeyID) {
		t.Fatalf("PutEvents not signed with the assumed role's key: %+v", puts)
	}
	inv.assertNoSecrets(idToken, org.AccessToken())
}

func TestDeployEncryptsTheSessionWithKMS(t *testing.T) {
	fake := useFakeAWS(t)
	t.Setenv("AWS_ENDPOINT_URL_KMS", fake.URL())
	org := startOrg(t, fakeorg.Options{})
	inv := newInvocation(t, org).gitlab()
	inv.run(append([]string{"deploy", "--metadata-dir", "testdata/metadata", "--kms-key-id",
		"alias/sf-async-deploy"}, inv.orgFlags()...)...)
	inv.want(ExitOK)
	id := org.Deployments()[0].ID
	enc := fake.Calls("TrentService.Encrypt")
	if len(enc) != 1 || enc[0].Body["KeyId"] != "alias/sf-async-deploy" {
		t.Fatalf("Encrypt calls = %+v", enc)
	}
	if ctx, _ := enc[0].Body["EncryptionContext"].(map[string]any); ctx["deploymentId"] != id {
		t.Errorf("encryption context = %v, want deploymentId %s", ctx, id)
	}
	puts := fake.Calls("AWSEvents.PutEvents")
	if len(puts) != 1 {
		t.Fatalf("%d PutEvents", len(puts))
	}
	detail := puts[0].Body["Entries"].([]any)[0].(map[string]any)["Detail"].(string)
	req, _ := monitor.ParseRequest([]byte(detail))
	if req.SessionID != "" || req.EncryptedSessionID == "" {
		t.Errorf("published session %q, encrypted %q", req.SessionID, req.EncryptedSessionID)
	}
	if strings.Contains(puts[0].Raw, org.AccessToken()) {
		t.Error("the token crossed EventBridge in plain text")
	}
	inv.assertNoSecrets(org.AccessToken())
}
