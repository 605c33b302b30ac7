package awstemplate_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/events"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// bound is a Number parameter's MinValue or MaxValue; without it nothing holds the
// template's arithmetic.
func bound(t *testing.T, tpl *cloudformation.Template, name, which string) float64 {
	t.Helper()
	p, ok := tpl.Parameters[name]
	if !ok {
		t.Fatalf("parameter %s: missing", name)
	}
	v := p.MaxValue
	if which == "MinValue" {
		v = p.MinValue
	}
	if v == nil {
		t.Fatalf("parameter %s: no %s, so the queue settings cannot be checked", name, which)
	}
	return *v
}

func sqsQueue(t *testing.T, tpl *cloudformation.Template, name string) *sqs.Queue {
	t.Helper()
	q, err := tpl.GetSQSQueueWithName(name)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func onlyTarget(t *testing.T, tpl *cloudformation.Template, rule string) events.Rule_Target {
	t.Helper()
	r, err := tpl.GetEventsRuleWithName(rule)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 {
		t.Fatalf("%s: %d targets, want 1", rule, len(r.Targets))
	}
	return r.Targets[0]
}

func sampleRequest() monitor.Request {
	return monitor.Request{
		RepoPath:            "acme/app",
		PipelineFinishJobID: monitor.DefaultFinishWorkflow,
		DeploymentID:        "0Af5g00000ABCDEFGH",
		OrgURL:              "https://acme.my.salesforce.com",
		SchemaVersion:       monitor.SchemaVersion,
		CI:                  monitor.CIGitHub,
		Ref:                 "main",
		CredentialRef:       "acme-production",
		TickSeconds:         60,
		Deadline:            "2025-01-02T15:04:05Z",
		RequestedAt:         "2025-01-02T03:04:05Z",
	}
}

// sampleEvent is the event EventBridge delivers for a PutEvents entry with the product's
// source, the given detail type and detail, decoded as a rule sees it.
func sampleEvent(t *testing.T, detailType string, detail any) map[string]any {
	t.Helper()
	d, err := json.Marshal(detail)
	if err != nil {
		t.Fatal(err)
	}
	envelope, err := json.Marshal(map[string]any{
		"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
		"detail-type": detailType, "source": monitor.Source, "account": "111122223333",
		"time": "2025-01-02T03:04:05Z", "region": "eu-west-1", "resources": []string{},
		"detail": json.RawMessage(d),
	})
	if err != nil {
		t.Fatal(err)
	}
	var event map[string]any
	if err := json.Unmarshal(envelope, &event); err != nil {
		t.Fatal(err)
	}
	return event
}

func eventPattern(t *testing.T, tpl *cloudformation.Template, rule string) map[string]any {
	t.Helper()
	r, err := tpl.GetEventsRuleWithName(rule)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := r.EventPattern.(map[string]any)
	if !ok {
		t.Fatalf("%s: EventPattern is %T, want a mapping", rule, r.EventPattern)
	}
	return p
}

// matchPattern evaluates the part of EventBridge's pattern language the template uses:
// each key's list of exact string values or one {exists: bool}, nested for detail. Anything
// else fails the test, so a richer pattern needs a richer matcher here.
func matchPattern(t *testing.T, pattern, event map[string]any) bool {
	t.Helper()
	for key, want := range pattern {
		if nested, ok := want.(map[string]any); ok {
			sub, _ := event[key].(map[string]any)
			if sub == nil || !matchPattern(t, nested, sub) {
				return false
			}
			continue
		}
		values, ok := want.([]any)
		if !ok {
			t.Fatalf("pattern %s: %v is not a list of values", key, want)
		}
		if exists, ok := existsMatch(t, key, values); ok {
			if _, present := event[key]; present != exists {
				return false
			}
			continue
		}
		for _, v := range values {
			if _, ok := v.(string); !ok {
				t.Fatalf("pattern %s: %v is not an exact string match", key, v)
			}
		}
		if !slices.Contains(values, event[key]) {
			return false
		}
	}
	return len(pattern) > 0
}

// existsMatch reads a pattern's [{exists: bool}]; ok is false for any other list.
func existsMatch(t *testing.T, key string, values []any) (exists, ok bool) {
	t.Helper()
	if len(values) != 1 {
		return false, false
	}
	m, isMap := values[0].(map[string]any)
	if !isMap {
		return false, false
	}
	exists, ok = m["exists"].(bool)
	if !ok || len(m) != 1 {
		t.Fatalf("pattern %s: %v is not {exists: true|false}", key, m)
	}
	return exists, true
}

// checkQueuePolicy wants a policy on queue that lets events.amazonaws.com send only from
// rule.
func checkQueuePolicy(t *testing.T, tpl *cloudformation.Template, queue, rule string) {
	t.Helper()
	for name, p := range tpl.GetAllSQSQueuePolicyResources() {
		if !slices.Equal(p.Queues, []string{cloudformation.Ref(queue)}) {
			continue
		}
		doc, _ := p.PolicyDocument.(map[string]any)
		statements, _ := doc["Statement"].([]any)
		for _, s := range statements {
			st, _ := s.(map[string]any)
			principal, _ := st["Principal"].(map[string]any)
			cond, _ := st["Condition"].(map[string]any)
			arnEquals, _ := cond["ArnEquals"].(map[string]any)
			if st["Effect"] == "Allow" && principal["Service"] == "events.amazonaws.com" &&
				st["Action"] == "sqs:SendMessage" &&
				st["Resource"] == cloudformation.GetAtt(queue, "Arn") &&
				arnEquals["aws:SourceArn"] == cloudformation.GetAtt(rule, "Arn") {
				return
			}
		}
		t.Errorf("%s on %s: no statement letting events.amazonaws.com send from %s",
			name, queue, rule)
		return
	}
	t.Errorf("%s: no queue policy, so %s cannot send to it", queue, rule)
}
