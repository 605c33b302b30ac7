package awstemplate_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// SQS limits the template has to stay within.
const (
	sqsMaxReceiveCount   = 1000
	sqsMaxRetention      = 14 * 24 * 3600
	sqsMaxVisibility     = 12 * 3600
	visibilityPerTimeout = 6 // AWS: queue visibility at least six times the function timeout
)

func TestTemplateIsPlainCloudFormation(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	if tpl.Transform != nil {
		t.Errorf("Transform is set: goformation's SAM types drop FunctionResponseTypes")
	}
	if n := len(tpl.GetAllServerlessFunctionResources()); n > 0 {
		t.Errorf("%d AWS::Serverless::Function resources, want plain AWS::Lambda::Function", n)
	}
	rawTemplate(t) // anchors, aliases and duplicate keys fail here
}

// TestEventSourceMappingsReportBatchItemFailures: without ReportBatchItemFailures, every
// pending monitor request would be deleted after its first check, and every failed dispatch
// with its batch.
func TestEventSourceMappingsReportBatchItemFailures(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	raw := rawTemplate(t)
	mappings := map[string]struct {
		queue    string
		maxBatch int
	}{
		"MonitorEventSourceMapping": {"MonitorQueue", 10},
		"FinishEventSourceMapping":  {"FinishQueue", 5},
	}
	if n := len(tpl.GetAllLambdaEventSourceMappingResources()); n != len(mappings) {
		t.Fatalf("%d event source mappings, want %d", n, len(mappings))
	}
	for name, want := range mappings {
		esm, err := tpl.GetLambdaEventSourceMappingWithName(name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(esm.FunctionResponseTypes, "ReportBatchItemFailures") {
			t.Errorf("%s: FunctionResponseTypes = %q, want ReportBatchItemFailures",
				name, esm.FunctionResponseTypes)
		}
		if got := deref(esm.EventSourceArn); got != cloudformation.GetAtt(want.queue, "Arn") {
			t.Errorf("%s: EventSourceArn = %s, want %s's ARN", name, got, want.queue)
		}
		if got, fn := esm.FunctionName, cloudformation.Ref("Function"); got != fn {
			t.Errorf("%s: FunctionName = %s, want Function", name, got)
		}
		if esm.BatchSize == nil || *esm.BatchSize < 1 || *esm.BatchSize > want.maxBatch {
			t.Errorf("%s: BatchSize = %v, want 1 to %d", name, esm.BatchSize, want.maxBatch)
		}

		// The same, read without goformation's types, which are what dropped it under SAM.
		types := rawResource(t, raw, name)["FunctionResponseTypes"]
		if !slices.Contains(strs(types), any("ReportBatchItemFailures")) {
			t.Errorf("%s: raw FunctionResponseTypes = %v", name, types)
		}
	}
}

// TestQueueArithmetic checks the queue settings against the parameters' bounds, which is
// where CloudFormation (which cannot multiply) keeps them.
func TestQueueArithmetic(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	maxTimeout := bound(t, tpl, "FunctionTimeout", "MaxValue")
	maxWatch := bound(t, tpl, "MaxWatchHours", "MaxValue") * 3600
	minTick := bound(t, tpl, "MinTickSeconds", "MinValue")
	maxTick := bound(t, tpl, "MaxTickSeconds", "MaxValue")

	queue := sqsQueue(t, tpl, "MonitorQueue")
	dlq := sqsQueue(t, tpl, "MonitorDeadLetterQueue")
	visibility := number(t, "MonitorQueue.VisibilityTimeout", queue.VisibilityTimeout)
	retention := number(t, "MonitorQueue.MessageRetentionPeriod", queue.MessageRetentionPeriod)
	dlqRetention := number(t, "MonitorDeadLetterQueue.MessageRetentionPeriod",
		dlq.MessageRetentionPeriod)
	redrive, ok := queue.RedrivePolicy.(map[string]any)
	if !ok {
		t.Fatalf("MonitorQueue.RedrivePolicy = %#v, want a mapping", queue.RedrivePolicy)
	}
	receives := number(t, "maxReceiveCount", redrive["maxReceiveCount"])

	checks := []struct {
		name string
		ok   bool
	}{
		{"visibility >= 6 x the longest function timeout",
			visibility >= visibilityPerTimeout*maxTimeout},
		{"visibility within the SQS limit", visibility <= sqsMaxVisibility},
		{"maxReceiveCount > longest watch / shortest tick", receives > maxWatch/minTick},
		{"maxReceiveCount within the SQS limit", receives <= sqsMaxReceiveCount},
		{"retention > longest watch", retention > maxWatch},
		{"dead-letter retention > queue retention", dlqRetention > retention},
		{"dead-letter retention within the SQS limit", dlqRetention <= sqsMaxRetention},
		{"longest tick fits one receipt", maxTick <= sqsMaxVisibility},
		{"longest tick fits the watch", maxTick < maxWatch},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: visibility %v, receives %v, retention %v, dead-letter retention %v, "+
				"timeout <= %v, watch <= %vs, tick %v to %v",
				c.name, visibility, receives, retention, dlqRetention, maxTimeout, maxWatch,
				minTick, maxTick)
		}
	}
	if got, want := redrive["deadLetterTargetArn"],
		cloudformation.GetAtt("MonitorDeadLetterQueue", "Arn"); got != want {
		t.Errorf("deadLetterTargetArn = %v, want MonitorDeadLetterQueue's ARN", got)
	}
}

func TestEveryQueueIsEncrypted(t *testing.T) {
	t.Parallel()
	queues := openTemplate(t).GetAllSQSQueueResources()
	if len(queues) != 4 {
		t.Errorf("%d queues, want 4 (monitor, finish and their dead-letter queues)",
			len(queues))
	}
	for name, q := range queues {
		if q.SqsManagedSseEnabled == nil || !*q.SqsManagedSseEnabled {
			t.Errorf("%s: SqsManagedSseEnabled is not true", name)
		}
		if q.MessageRetentionPeriod == nil {
			t.Errorf("%s: no MessageRetentionPeriod (the default, 4 days, is implicit)", name)
		}
	}
}

// TestEventPatternsMatchPublishedEvents builds the events the code publishes and evaluates
// each rule's pattern on them.
func TestEventPatternsMatchPublishedEvents(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	requested := sampleEvent(t, monitor.DetailTypeRequested, sampleRequest())
	finished := sampleEvent(t, monitor.DetailTypeFinished,
		monitor.Finished{Request: sampleRequest(), Status: "Succeeded", Success: true})
	// A publisher's monitor request that is a finish event in disguise: on MonitorQueue
	// its body would read as a queued finish event.
	disguised := sampleEvent(t, monitor.DetailTypeRequested, finished)
	tests := []struct {
		rule    string
		matches map[string]any
		misses  []map[string]any
	}{
		{rule: "MonitorRule", matches: requested, misses: []map[string]any{finished, disguised}},
		{rule: "FinishRule", matches: finished, misses: []map[string]any{requested, disguised}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			pattern := eventPattern(t, tpl, tt.rule)
			if !matchPattern(t, pattern, tt.matches) {
				t.Errorf("pattern %v does not match %q", pattern, tt.matches["detail-type"])
			}
			for i, miss := range tt.misses {
				if matchPattern(t, pattern, miss) {
					t.Errorf("pattern %v also matches event %d (%q)", pattern, i,
						miss["detail-type"])
				}
			}
			other := maps.Clone(tt.matches)
			other["source"] = "aws.events"
			if matchPattern(t, pattern, other) {
				t.Errorf("pattern %v matches source %q", pattern, other["source"])
			}
		})
	}
}

func TestMonitorRuleSendsTheDetailToTheQueue(t *testing.T) {
	t.Parallel()
	target := onlyTarget(t, openTemplate(t), "MonitorRule")
	if got, want := target.Arn, cloudformation.GetAtt("MonitorQueue", "Arn"); got != want {
		t.Errorf("target = %s, want MonitorQueue", got)
	}
	if got := deref(target.InputPath); got != "$.detail" {
		t.Fatalf("InputPath = %q, want $.detail", got)
	}
	if target.DeadLetterConfig == nil || deref(target.DeadLetterConfig.Arn) !=
		cloudformation.GetAtt("MonitorDeadLetterQueue", "Arn") {
		t.Errorf("DeadLetterConfig = %+v, want MonitorDeadLetterQueue", target.DeadLetterConfig)
	}

	// The message body ($.detail) is the monitor request the Lambda decodes.
	want := sampleRequest()
	event := sampleEvent(t, monitor.DetailTypeRequested, want)
	body, err := json.Marshal(event["detail"])
	if err != nil {
		t.Fatal(err)
	}
	var got monitor.Request
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("decode message body %s: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("message body = %+v, want %+v", got, want)
	}
}

func TestFinishRuleQueuesTheWholeEvent(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	target := onlyTarget(t, tpl, "FinishRule")
	if got, want := target.Arn, cloudformation.GetAtt("FinishQueue", "Arn"); got != want {
		t.Errorf("target = %s, want FinishQueue", got)
	}
	if target.InputPath != nil || target.Input != nil || target.InputTransformer != nil {
		t.Errorf("target reshapes the event (InputPath %q): the function tells a finish "+
			"event by its source and detail-type", deref(target.InputPath))
	}
	if p := target.RetryPolicy; p == nil || p.MaximumEventAgeInSeconds == nil ||
		p.MaximumRetryAttempts == nil {
		t.Errorf("RetryPolicy = %+v, want both limits set", p)
	}
	if target.DeadLetterConfig == nil || deref(target.DeadLetterConfig.Arn) !=
		cloudformation.GetAtt("FinishDeadLetterQueue", "Arn") {
		t.Errorf("DeadLetterConfig = %+v, want FinishDeadLetterQueue", target.DeadLetterConfig)
	}

	// What only the asynchronous invocation needed is gone.
	if n := len(tpl.GetAllLambdaPermissionResources()); n != 0 {
		t.Errorf("%d Lambda permissions: nothing invokes the function but its queues", n)
	}
	if n := len(tpl.GetAllLambdaEventInvokeConfigResources()); n != 0 {
		t.Errorf("%d EventInvokeConfigs: the function is no longer invoked asynchronously", n)
	}

	// The message body is the whole event, whose detail decodes as the finish.
	want := monitor.Finished{Request: sampleRequest(), Status: "Failed", ComponentErrors: 2}
	body, err := json.Marshal(sampleEvent(t, monitor.DetailTypeFinished, want))
	if err != nil {
		t.Fatal(err)
	}
	var event events.EventBridgeEvent
	if err := json.Unmarshal(body, &event); err != nil {
		t.Fatalf("decode message body %s: %v", body, err)
	}
	got, err := monitor.ParseFinished(event.Detail)
	if err != nil || event.Source != monitor.Source ||
		event.DetailType != monitor.DetailTypeFinished || !reflect.DeepEqual(got, want) {
		t.Errorf("message body = %s %s %+v (%v), want the finish event %+v",
			event.Source, event.DetailType, got, err, want)
	}
}

// TestFinishQueueArithmetic adds up the function's own backoff (lambdafn.FinishBackoff)
// over FinishQueue's receives: the last attempt must come a day or more after the first.
func TestFinishQueueArithmetic(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	maxTimeout := bound(t, tpl, "FunctionTimeout", "MaxValue")
	queue := sqsQueue(t, tpl, "FinishQueue")
	dlq := sqsQueue(t, tpl, "FinishDeadLetterQueue")
	visibility := number(t, "FinishQueue.VisibilityTimeout", queue.VisibilityTimeout)
	retention := number(t, "FinishQueue.MessageRetentionPeriod", queue.MessageRetentionPeriod)
	dlqRetention := number(t, "FinishDeadLetterQueue.MessageRetentionPeriod",
		dlq.MessageRetentionPeriod)
	redrive, ok := queue.RedrivePolicy.(map[string]any)
	if !ok {
		t.Fatalf("FinishQueue.RedrivePolicy = %#v, want a mapping", queue.RedrivePolicy)
	}
	receives := int(number(t, "maxReceiveCount", redrive["maxReceiveCount"]))

	// Receive n is followed by FinishBackoff(n); the message moves after the last receive.
	var retrying, longest time.Duration
	for n := 1; n < receives; n++ {
		retrying += lambdafn.FinishBackoff(n)
		longest = max(longest, lambdafn.FinishBackoff(n))
	}
	permanent := time.Duration(receives-1) * longest // an error that needs a fix
	seconds := func(d time.Duration) float64 { return d.Seconds() }

	checks := []struct {
		name string
		ok   bool
	}{
		{"visibility >= 6 x the longest function timeout",
			visibility >= visibilityPerTimeout*maxTimeout},
		{"visibility >= the longest backoff", visibility >= seconds(longest)},
		{"visibility within the SQS limit", visibility <= sqsMaxVisibility},
		{"retries cover 24 hours", retrying >= 24*time.Hour},
		{"maxReceiveCount within the SQS limit", receives <= sqsMaxReceiveCount},
		{"retention > every retry", retention > seconds(max(retrying, permanent))},
		{"dead-letter retention > queue retention", dlqRetention > retention},
		{"dead-letter retention within the SQS limit", dlqRetention <= sqsMaxRetention},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: visibility %v, receives %d, retries over %s (%s when permanent), "+
				"retention %v, dead-letter retention %v, timeout <= %v", c.name, visibility,
				receives, retrying, permanent, retention, dlqRetention, maxTimeout)
		}
	}
	if got, want := redrive["deadLetterTargetArn"],
		cloudformation.GetAtt("FinishDeadLetterQueue", "Arn"); got != want {
		t.Errorf("deadLetterTargetArn = %v, want FinishDeadLetterQueue's ARN", got)
	}
}

// TestQueuePoliciesLetOnlyTheirRuleSend finds every queue a rule sends to (target or
// dead-letter queue) and wants a policy on it that lets EventBridge send from that rule only.
func TestQueuePoliciesLetOnlyTheirRuleSend(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	queues := tpl.GetAllSQSQueueResources()
	sends := 0
	for ruleName, rule := range tpl.GetAllEventsRuleResources() {
		for _, target := range rule.Targets {
			arns := []string{target.Arn}
			if target.DeadLetterConfig != nil {
				arns = append(arns, deref(target.DeadLetterConfig.Arn))
			}
			for _, arn := range arns {
				for queueName := range queues {
					if arn == cloudformation.GetAtt(queueName, "Arn") {
						sends++
						checkQueuePolicy(t, tpl, queueName, ruleName)
					}
				}
			}
		}
	}
	if sends != 4 {
		t.Errorf("rules send to %d queues, want 4", sends)
	}
}

func TestFunction(t *testing.T) {
	t.Parallel()
	tpl := openTemplate(t)
	fn, err := tpl.GetLambdaFunctionWithName("Function")
	if err != nil {
		t.Fatal(err)
	}
	if deref(fn.Runtime) != "provided.al2023" || deref(fn.Handler) != "bootstrap" {
		t.Errorf("runtime %q, handler %q; want provided.al2023 and bootstrap",
			deref(fn.Runtime), deref(fn.Handler))
	}
	arch := []string{cloudformation.Ref("Architecture")}
	if !slices.Equal(fn.Architectures, arch) {
		t.Errorf("Architectures = %q, want [Ref Architecture]", fn.Architectures)
	}
	if c := fn.LoggingConfig; c == nil || deref(c.LogFormat) != "JSON" ||
		deref(c.LogGroup) != cloudformation.Ref("LogGroup") {
		t.Errorf("LoggingConfig = %+v, want JSON into LogGroup", c)
	}
	if fn.Environment == nil {
		t.Fatal("no Environment")
	}
	env := fn.Environment.Variables
	names := slices.Sorted(maps.Keys(env))
	want := []string{"ALLOWED_ORG_HOSTS", "ALLOWED_REPOSITORIES", "COMMIT_STATUS",
		"EVENT_BUS_NAME", "GITHUB_API_URL", "GITHUB_TOKEN_SECRET", "GITLAB_TOKEN_SECRET",
		"GITLAB_URL", "MAX_TICK", "MAX_WATCH", "MIN_TICK", "ORG_CREDENTIALS_SECRET_PREFIX",
		"TICK_POLICY"}
	if !slices.Equal(names, want) {
		t.Errorf("environment variables = %q, want exactly %q", names, want)
	}
	durations := map[string]string{
		"MIN_TICK": "${MinTickSeconds}s", "MAX_TICK": "${MaxTickSeconds}s",
		"MAX_WATCH": "${MaxWatchHours}h",
	}
	for name, sub := range durations {
		if env[name] != cloudformation.Sub(sub) {
			t.Errorf("%s is not the Go duration !Sub %q", name, sub)
		}
	}
	for _, rule := range []string{"MonitorRule", "FinishRule"} {
		r, _ := tpl.GetEventsRuleWithName(rule)
		if r == nil || deref(r.EventBusName) != env["EVENT_BUS_NAME"] {
			t.Errorf("%s is not on the bus the function publishes to (EVENT_BUS_NAME)", rule)
		}
	}

	raw := rawResource(t, rawTemplate(t), "Function")
	if got := raw["Timeout"]; !reflect.DeepEqual(got, map[string]any{"Ref": "FunctionTimeout"}) {
		t.Errorf("Timeout = %v, want !Ref FunctionTimeout", got)
	}
}

func TestLogGroupHasRetention(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	for name, lg := range openTemplate(t).GetAllLogsLogGroupResources() {
		if lg.RetentionInDays == nil {
			t.Errorf("%s: no RetentionInDays (logs would be kept forever)", name)
		}
		got := rawResource(t, raw, name)["RetentionInDays"]
		if !reflect.DeepEqual(got, map[string]any{"Ref": "LogRetentionDays"}) {
			t.Errorf("%s: RetentionInDays = %v, want !Ref LogRetentionDays", name, got)
		}
	}
}

func TestOutputs(t *testing.T) {
	t.Parallel()
	outputs := openTemplate(t).Outputs
	want := map[string]string{
		"EventBusName": "", "EventBusArn": "", "MonitorQueueUrl": "",
		"MonitorDeadLetterQueueUrl": "", "FinishQueueUrl": "", "FinishDeadLetterQueueUrl": "",
		"FunctionName": "", "LogGroupName": "",
		"GitHubPublisherRoleArn": "CreateGitHubPublisherRole",
		"GitLabPublisherRoleArn": "CreateGitLabPublisherRole",
	}
	names := slices.Sorted(maps.Keys(want))
	if got := slices.Sorted(maps.Keys(outputs)); !slices.Equal(got, names) {
		t.Errorf("outputs = %q, want %q", got, names)
	}
	for name, cond := range want {
		if o, ok := outputs[name]; ok && deref(o.Condition) != cond {
			t.Errorf("output %s: Condition %q, want %q", name, deref(o.Condition), cond)
		}
	}
}
