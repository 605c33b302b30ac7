package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// The handler measurement's setting.
const (
	orgAnswer   = 100 * time.Millisecond // the org's time to answer a status read
	batchSize   = 10                     // the event source mapping's default batch
	benchToken  = "00D5g00000BENCH!AQ4AQBenchAccessTokenNotARealOne"
	benchQueue  = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-monitor"
	benchRegion = "us-east-1"
)

// HandlerCost is the monitor handler's cost on batches of running deployments.
type HandlerCost struct {
	Concurrency int
	Batches     int
	PerBatch    time.Duration
	PerMessage  time.Duration
	Allocs      float64 // per message
	Bytes       float64 // allocated per message
}

// MeasureHandler runs the handler on batches of 10 running deployments, 100 ms each.
func MeasureHandler(ctx context.Context, concurrency, batches int) (HandlerCost, error) {
	// The AWS calls go through the real SDK to an in-process answer. Allocations count the
	// whole process, so they include the loopback org server's share.
	org := httptest.NewServer(runningOrg(time.Now()))
	defer org.Close()
	h, visibility, err := benchHandler(org.URL, concurrency)
	if err != nil {
		return HandlerCost{}, err
	}
	batch := runningBatch(org.URL)
	if err := handleOnce(ctx, h, batch); err != nil { // connections and the client
		return HandlerCost{}, err
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for range batches {
		if err := handleOnce(ctx, h, batch); err != nil {
			return HandlerCost{}, err
		}
	}
	spent := time.Since(start)
	runtime.ReadMemStats(&after)

	if want := int64((batches + 1) * batchSize); visibility.Load() != want {
		return HandlerCost{}, fmt.Errorf("handler: %d visibility changes, want %d",
			visibility.Load(), want)
	}
	msgs := float64(batches * batchSize)
	return HandlerCost{Concurrency: concurrency, Batches: batches,
		PerBatch:   spent / time.Duration(batches),
		PerMessage: time.Duration(float64(spent) / msgs),
		Allocs:     float64(after.Mallocs-before.Mallocs) / msgs,
		Bytes:      float64(after.TotalAlloc-before.TotalAlloc) / msgs}, nil
}

// handleOnce hands the batch to the handler and checks that it keeps every message.
func handleOnce(ctx context.Context, h *lambdafn.Handler, batch events.SQSEvent) error {
	resp := h.HandleSQS(ctx, batch)
	if len(resp.BatchItemFailures) != len(batch.Records) {
		return fmt.Errorf("handler: kept %d of %d running deployments",
			len(resp.BatchItemFailures), len(batch.Records))
	}
	return nil
}

// benchHandler wires the Lambda's handler as New does, with the default tick policy.
func benchHandler(orgURL string, concurrency int) (*lambdafn.Handler, *atomic.Int64, error) {
	env := map[string]string{"EVENT_BUS_NAME": monitor.DefaultEventBusName,
		"ALLOWED_ORG_HOSTS": "127.0.0.1", "ALLOWED_REPOSITORIES": "acme/*"}
	cfg, err := lambdafn.ReadConfig(func(k string) string { return env[k] })
	if err != nil {
		return nil, nil, fmt.Errorf("configure the handler: %w", err)
	}
	cfg.Concurrency = concurrency
	fake := &inProcessAWS{}
	awsCfg := awsConfig(fake)
	hc := &http.Client{Timeout: 20 * time.Second,
		Transport: http.DefaultTransport.(*http.Transport).Clone()}
	h := &lambdafn.Handler{Config: cfg, Bus: awsbus.NewPublisher(awsCfg, cfg.EventBus),
		Queue: awsbus.NewQueue(awsCfg), Secrets: awsbus.NewSecrets(awsCfg), HTTPClient: hc,
		Ticker: lambdafn.DefaultTicker(cfg), Triggers: lambdafn.NewTriggers(cfg, hc),
		Log: lambdafn.NewLogger(func(string) string { return "" }, io.Discard)}
	return h, &fake.visibility, nil
}

func awsConfig(client aws.HTTPClient) aws.Config {
	return aws.Config{Region: benchRegion, HTTPClient: client,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDBENCH", "benchsecret", "")}
}

// inProcessAWS answers every AWS JSON-protocol call with {} and counts visibility changes.
type inProcessAWS struct{ visibility atomic.Int64 }

// Do answers r in process.
func (a *inProcessAWS) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ChangeMessageVisibility") {
		a.visibility.Add(1)
	}
	h := http.Header{"Content-Type": {"application/x-amz-json-1.0"},
		"X-Amzn-Requestid": {"bench"}}
	return &http.Response{StatusCode: http.StatusOK, Header: h, ContentLength: 2,
		Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

// runningOrg answers, after orgAnswer, with a deployment 40% through its components.
func runningOrg(now time.Time) http.Handler {
	const layout = "2006-01-02T15:04:05.000-0700"
	body := fmt.Sprintf(`{"id":null,"deployOptions":null,"deployResult":{`+
		`"id":"0Af5g00000BENCHAAA","status":"InProgress","done":false,"success":false,`+
		`"checkOnly":false,"ignoreWarnings":false,"rollbackOnError":true,`+
		`"runTestsEnabled":true,"numberComponentsDeployed":400,"numberComponentsTotal":1000,`+
		`"numberComponentErrors":0,"numberTestsCompleted":0,"numberTestsTotal":0,`+
		`"numberTestErrors":0,"createdDate":%q,"startDate":%q,"lastModifiedDate":%q,`+
		`"completedDate":null,"stateDetail":"Processing Type: ApexClass"}}`,
		now.Add(-31*time.Minute).Format(layout), now.Add(-30*time.Minute).Format(layout),
		now.Format(layout))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(orgAnswer):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Sforce-Limit-Info", "api-usage=1/100000")
		_, _ = io.WriteString(w, body)
	})
}

// runningBatch is one SQS batch of monitor requests for different deployments of the org.
func runningBatch(orgURL string) events.SQSEvent {
	now := time.Now().UTC()
	var batch events.SQSEvent
	for i := range batchSize {
		req := monitor.Request{RepoPath: "acme/app", CI: monitor.CIGitHub,
			PipelineFinishJobID: monitor.DefaultFinishWorkflow, SchemaVersion: 1,
			DeploymentID: fmt.Sprintf("0Af5g%010d", i), SessionID: benchToken, OrgURL: orgURL,
			Ref: "main", TickSeconds: 60, RequestedAt: now.Add(-time.Hour).Format(time.RFC3339),
			Deadline: now.Add(6 * time.Hour).Format(time.RFC3339)}
		body, _ := json.Marshal(req) // a struct of strings and ints always encodes
		batch.Records = append(batch.Records, events.SQSMessage{
			MessageId: fmt.Sprintf("msg-%d", i), ReceiptHandle: fmt.Sprintf("rh-%d", i),
			Body: string(body), EventSourceARN: benchQueue, EventSource: "aws:sqs",
			AWSRegion: benchRegion, Attributes: map[string]string{"ApproximateReceiveCount": "3"}})
	}
	return batch
}
