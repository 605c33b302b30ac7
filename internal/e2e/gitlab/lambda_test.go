package gitlabe2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/awsfake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/e2e/rie"
	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

const (
	queueARN    = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-monitor"
	tokenSecret = "sf-async-deploy/gitlab-token"
)

// newLambda is the real handler as cmd/lambda builds it, but with its AWS clients on the
// fake and its GitLab trigger (the real dispatcher) on gitlabURL.
func newLambda(t *testing.T, awsURL, gitlabURL string) (*lambdafn.Handler, *rie.LockedBuffer) {
	t.Helper()
	vars := map[string]string{
		"EVENT_BUS_NAME": monitor.DefaultEventBusName, "ALLOWED_ORG_HOSTS": "127.0.0.1",
		"ALLOWED_REPOSITORIES": "sf-async-deploy/*", "GITLAB_URL": gitlabURL,
		"GITLAB_TOKEN_SECRET": tokenSecret, "MIN_TICK": "30s", "MAX_TICK": "15m",
		"MAX_WATCH": "12h",
	}
	getenv := func(k string) string { return vars[k] }
	cfg, err := lambdafn.ReadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	awsCfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(awsURL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secretkeytest", "")}
	hc := &http.Client{Timeout: 20 * time.Second}
	logs := &rie.LockedBuffer{}
	return &lambdafn.Handler{
		Config:     cfg,
		Bus:        awsbus.NewPublisher(awsCfg, cfg.EventBus),
		Queue:      awsbus.NewQueue(awsCfg),
		Secrets:    awsbus.NewSecrets(awsCfg),
		HTTPClient: hc,
		Ticker:     monitor.FixedTick{Default: time.Minute, Min: cfg.MinTick, Max: cfg.MaxTick},
		Triggers:   lambdafn.NewTriggers(cfg, hc),
		Log:        lambdafn.NewLogger(getenv, logs),
	}, logs
}

// sqsMessage is the monitor queue's delivery of an EventBridge detail: the stack's rule has
// InputPath $.detail, so the body is the detail alone.
func sqsMessage(body string, receive int) events.SQSMessage {
	return events.SQSMessage{MessageId: "msg-1", ReceiptHandle: fmt.Sprintf("rh-%d", receive),
		Body: body, EventSourceARN: queueARN, EventSource: "aws:sqs", AWSRegion: "us-east-1",
		Attributes: map[string]string{"ApproximateReceiveCount": fmt.Sprint(receive)}}
}

// putEvent is one entry of a PutEvents call the fake received.
type putEvent struct {
	Source       string
	DetailType   string
	Detail       string
	EventBusName string
}

// putEvents returns the entries of every PutEvents call of detailType, in order.
func putEvents(t *testing.T, fake *awsfake.Server, detailType string) []putEvent {
	t.Helper()
	var out []putEvent
	for _, c := range fake.Calls("AWSEvents.PutEvents") {
		var body struct{ Entries []putEvent }
		if err := json.Unmarshal([]byte(c.Raw), &body); err != nil {
			t.Fatalf("decode PutEvents: %v", err)
		}
		for _, e := range body.Entries {
			if e.DetailType == detailType {
				out = append(out, e)
			}
		}
	}
	return out
}

// eventBridgeEvent is the event the dispatch rule delivers for a put entry.
func eventBridgeEvent(e putEvent, id string) events.EventBridgeEvent {
	return events.EventBridgeEvent{Version: "0", ID: id, DetailType: e.DetailType,
		Source: e.Source, AccountID: "123456789012", Time: time.Now().UTC(),
		Region: "us-east-1", Resources: []string{}, Detail: json.RawMessage(e.Detail)}
}

// failedIDs returns the message ids a batch response keeps.
func failedIDs(resp events.SQSEventResponse) []string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}
