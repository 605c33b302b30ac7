package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/awsfake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

const testQueueARN = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-monitor"

// harness wires a Handler to a fake org and fake AWS APIs over loopback.
type harness struct {
	org      *fakeorg.Org
	aws      *awsfake.Server
	h        *Handler
	logs     *syncBuffer
	triggers *fakeTrigger
	now      time.Time
}

func newHarness(t *testing.T, opts fakeorg.Options) *harness {
	t.Helper()
	org := fakeorg.New(opts)
	org.StartTLS()
	t.Cleanup(org.Close)
	fake := awsfake.New()
	t.Cleanup(fake.Close)
	awsCfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(fake.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secretkeytest", "")}
	cfg, err := ReadConfig(mapEnv(map[string]string{
		"EVENT_BUS_NAME": "sf-async-deploy", "ALLOWED_ORG_HOSTS": "127.0.0.1",
		"ALLOWED_REPOSITORIES": "acme/*", "GITHUB_TOKEN_SECRET": "gh-token",
		"GITLAB_TOKEN_SECRET": "gl-token", "ORG_CREDENTIALS_SECRET_PREFIX": "sf-async-deploy/org/",
		"MIN_TICK": "30s", "MAX_TICK": "15m", "MAX_WATCH": "12h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	hz := &harness{org: org, aws: fake, logs: &syncBuffer{}, triggers: &fakeTrigger{},
		now: fakeorg.DefaultStart.Add(time.Minute)}
	hz.h = &Handler{
		Config: cfg, Bus: awsbus.NewPublisher(awsCfg, cfg.EventBus), Queue: awsbus.NewQueue(awsCfg),
		Secrets: secretsOnClock(awsCfg, hz), Sessions: awsbus.NewSessionCipher(awsCfg),
		HTTPClient: org.Client(),
		Ticker:     monitor.FixedTick{Default: time.Minute, Min: cfg.MinTick, Max: cfg.MaxTick},
		Triggers:   hz.triggers.factory, Log: NewLogger(mapEnv(nil), hz.logs),
		Now: func() time.Time { return hz.now },
	}
	return hz
}

func mapEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// request is a valid GitHub monitor request for deployment id on the fake org.
func (hz *harness) request(id string) monitor.Request {
	return monitor.Request{RepoPath: "acme/app", PipelineFinishJobID: "sf-async-deploy-finish.yml",
		DeploymentID: id, SessionID: hz.org.AccessToken(), OrgURL: hz.org.URL(),
		SchemaVersion: 1, CI: "github", Ref: "main", CommitSHA: "0123abcd", TickSeconds: 60,
		RequestedAt: hz.now.Add(-time.Minute).Format(time.RFC3339),
		Deadline:    hz.now.Add(6 * time.Hour).Format(time.RFC3339)}
}

func (hz *harness) deployment(t *testing.T) string {
	t.Helper()
	return hz.org.CreateDeployment(fakeorg.DeployOptions{TestLevel: "RunLocalTests",
		SinglePackage: true, RollbackOnError: true})
}

func sqsMessage(t *testing.T, n int, body any) events.SQSMessage {
	t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	return events.SQSMessage{MessageId: fmt.Sprintf("msg-%d", n), ReceiptHandle: fmt.Sprintf("rh-%d", n),
		Body: raw, EventSourceARN: testQueueARN, EventSource: "aws:sqs", AWSRegion: "us-east-1",
		Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
}

func batch(msgs ...events.SQSMessage) events.SQSEvent { return events.SQSEvent{Records: msgs} }

// failed returns the ids reported as batch item failures.
func failed(resp events.SQSEventResponse) []string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// assertNoSecret fails when a secret appears in the logs or any AWS call.
func (hz *harness) assertNoSecret(t *testing.T, secrets ...string) {
	t.Helper()
	for _, s := range append(secrets, hz.org.AccessToken()) {
		if s == "" {
			continue
		}
		if strings.Contains(hz.logs.String(), s) {
			t.Errorf("a secret reached the logs:\n%s", hz.logs.String())
		}
		for _, c := range hz.aws.Calls("AWSEvents.PutEvents") {
			if strings.Contains(c.Raw, s) {
				t.Errorf("a secret reached PutEvents: %s", c.Raw)
			}
		}
	}
}

// fakeTrigger records the finish events it is asked to trigger.
type fakeTrigger struct {
	mu     sync.Mutex
	got    []monitor.Finished
	tokens []string
	err    error
}

var _ FinishTrigger = (*fakeTrigger)(nil)

func (f *fakeTrigger) factory(_, token string) (FinishTrigger, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = append(f.tokens, token)
	return f, nil
}

func (f *fakeTrigger) Trigger(_ context.Context, fin monitor.Finished) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	f.got = append(f.got, fin)
	return "dispatched", nil
}

// syncBuffer is a bytes.Buffer safe for the handler's concurrent log lines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// secretsOnClock is the real secret cache, on the harness's clock.
func secretsOnClock(cfg aws.Config, hz *harness) *awsbus.Secrets {
	s := awsbus.NewSecrets(cfg)
	s.Now = func() time.Time { return hz.now }
	return s
}
