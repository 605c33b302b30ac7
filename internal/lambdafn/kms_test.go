package lambdafn

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
)

const decrypt = "TrentService.Decrypt"

// seal encrypts the fake org's token for deploymentID as deploy does with kms-key-id.
func seal(t *testing.T, hz *harness, deploymentID string) string {
	t.Helper()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hz.aws.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDCI", "cisecret", "")}
	sealed, err := awsbus.NewSessionCipher(cfg).Encrypt(context.Background(),
		"alias/sf-async-deploy", deploymentID, hz.org.AccessToken())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, hz.org.AccessToken()) {
		t.Fatal("the ciphertext shows the token")
	}
	return sealed
}

func TestKMSEncryptedSessionIsDecryptedOnce(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	req := hz.request(id)
	req.SessionID, req.EncryptedSessionID = "", seal(t, hz, id)
	for i := range 2 {
		resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, i, req)))
		if len(failed(resp)) != 1 || len(hz.aws.Calls(putEvents)) != 0 {
			t.Fatalf("tick %d: want the running deployment kept; logs:\n%s", i, hz.logs.String())
		}
	}
	if n := len(hz.aws.Calls(decrypt)); n != 1 {
		t.Errorf("%d Decrypt calls over two ticks, want 1", n)
	}
	for _, r := range hz.org.Requests() {
		if r.Authorization != "Bearer "+hz.org.AccessToken() {
			t.Errorf("org request with authorization %q", r.Authorization)
		}
	}
	hz.assertNoSecret(t)
}

func TestKMSSessionOfAnotherDeploymentFinishesUnknown(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id, other := hz.deployment(t), hz.deployment(t)
	req := hz.request(id)
	req.SessionID, req.EncryptedSessionID = "", seal(t, hz, other)
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req)))
	puts := hz.aws.Calls(putEvents)
	if len(failed(resp)) != 0 || len(puts) != 1 || !strings.Contains(puts[0].Raw, "Unknown") {
		t.Fatalf("want an Unknown finish for a replayed ciphertext; logs:\n%s", hz.logs.String())
	}
	if n := len(hz.org.Requests()); n != 0 {
		t.Errorf("%d org requests with a session that is not this deployment's", n)
	}
}

func TestKMSUnavailableIsRetried(t *testing.T) {
	hz := newHarness(t, fakeorg.Options{})
	id := hz.deployment(t)
	req := hz.request(id)
	req.SessionID, req.EncryptedSessionID = "", seal(t, hz, id)
	hz.aws.FailTarget(decrypt, 5)
	resp := hz.h.HandleSQS(context.Background(), batch(sqsMessage(t, 1, req)))
	if len(failed(resp)) != 1 || len(hz.aws.Calls(putEvents)) != 0 {
		t.Fatalf("want the message kept while KMS is down; logs:\n%s", hz.logs.String())
	}
}
