package awstemplate_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// statement is one IAM policy statement with the Fn::If conditions that keep it
// ("!Name" when it is the else branch).
type statement struct {
	where  string
	guards []string
	body   map[string]any
}

// policyStatements reads every identity policy statement of the template's roles and managed
// policies from the raw template, both branches of each Fn::If included.
func policyStatements(t *testing.T, raw map[string]any) []statement {
	t.Helper()
	var out []statement
	resources, _ := raw["Resources"].(map[string]any)
	for name, r := range resources {
		var docs []any
		switch dig(t, r, "Type") {
		case "AWS::IAM::Role":
			policies, _ := dig(t, r, "Properties").(map[string]any)["Policies"].([]any)
			for _, p := range policies {
				docs = append(docs, dig(t, p, "PolicyDocument"))
			}
		case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy":
			docs = append(docs, dig(t, r, "Properties", "PolicyDocument"))
		}
		for _, doc := range docs {
			for _, s := range strs(dig(t, doc, "Statement")) {
				expandIf(t, name, s, nil, &out)
			}
		}
	}
	return out
}

func expandIf(t *testing.T, where string, v any, guards []string, out *[]statement) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: statement %v is not a mapping", where, v)
	}
	if args, ok := m["Fn::If"].([]any); ok && len(args) == 3 {
		cond, _ := args[0].(string)
		expandIf(t, where, args[1], append(slices.Clip(guards), cond), out)
		expandIf(t, where, args[2], append(slices.Clip(guards), "!"+cond), out)
		return
	}
	if m["Ref"] == "AWS::NoValue" {
		return
	}
	*out = append(*out, statement{where: where, guards: guards, body: m})
}

// literal is a resource's text as far as it is written in the template: the strings of
// Fn::Sub and Fn::Join put together, references left out.
func literal(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["Fn::Sub"].(string); ok {
			return s
		}
		if args, ok := x["Fn::Join"].([]any); ok && len(args) == 2 {
			var b strings.Builder
			for _, part := range strs(args[1]) {
				b.WriteString(literal(part))
			}
			return b.String()
		}
	}
	return ""
}

func TestPoliciesGrantNoWildcard(t *testing.T) {
	t.Parallel()
	statements := policyStatements(t, rawTemplate(t))
	if len(statements) < 8 {
		t.Fatalf("found %d statements, want the function's and the publishers'", len(statements))
	}
	for _, s := range statements {
		for _, key := range []string{"NotAction", "NotResource"} {
			if _, ok := s.body[key]; ok {
				t.Errorf("%s %v: %s grants by exclusion", s.where, s.body["Sid"], key)
			}
		}
		if s.body["Effect"] != "Allow" {
			continue
		}
		for _, a := range strs(s.body["Action"]) {
			if as, _ := a.(string); as == "" || strings.Contains(as, "*") {
				t.Errorf("%s %v: action %v", s.where, s.body["Sid"], a)
			}
		}
		for _, r := range expandResource(s.body["Resource"]) {
			text := literal(r)
			m, _ := r.(map[string]any)
			_, isRef := m["Ref"]
			_, isAtt := m["Fn::GetAtt"]
			if !isRef && !isAtt && !strings.HasPrefix(text, "arn:") {
				t.Errorf("%s %v: resource %v is neither a reference nor an ARN",
					s.where, s.body["Sid"], r)
			}
		}
	}
}

// expandResource lists a Resource's values, both branches of an Fn::If included.
func expandResource(v any) []any {
	var out []any
	for _, r := range strs(v) {
		if m, ok := r.(map[string]any); ok {
			if args, ok := m["Fn::If"].([]any); ok && len(args) == 3 {
				out = append(out, expandResource(args[1])...)
				out = append(out, expandResource(args[2])...)
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

func TestFunctionRoleIsLeastPrivilege(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	want := map[string]struct {
		guard    string
		actions  []string
		resource any
	}{
		"ConsumeMonitorQueue": {"", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage",
			"sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"}, getAtt("MonitorQueue")},
		"ConsumeFinishQueue": {"", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage",
			"sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"}, getAtt("FinishQueue")},
		"PublishFinished": {"", []string{"events:PutEvents"}, nil},
		"ReadGitHubToken": {"HasGitHubToken", []string{"secretsmanager:GetSecretValue"},
			map[string]any{"Ref": "GitHubTokenSecretArn"}},
		"ReadGitLabToken": {"HasGitLabToken", []string{"secretsmanager:GetSecretValue"},
			map[string]any{"Ref": "GitLabTokenSecretArn"}},
		"ReadOrgCredentials": {"HasOrgCredentials",
			[]string{"secretsmanager:GetSecretValue"}, nil},
		"DecryptSessions": {"HasSessionKey", []string{"kms:Decrypt"},
			map[string]any{"Ref": "SessionKmsKeyArn"}},
		"WriteOwnLogs": {"", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			getAtt("LogGroup")},
	}
	seen := map[string]bool{}
	for _, s := range policyStatements(t, raw) {
		if s.where != "FunctionRole" {
			continue
		}
		sid, _ := s.body["Sid"].(string)
		w, ok := want[sid]
		if !ok {
			t.Errorf("FunctionRole: unexpected statement %v", s.body)
			continue
		}
		seen[sid] = true
		var guard string
		if len(s.guards) > 0 {
			guard = s.guards[0]
		}
		if len(s.guards) > 1 || guard != w.guard {
			t.Errorf("%s: granted under %q, want only under %q", sid, s.guards, w.guard)
		}
		if got := strs(s.body["Action"]); !reflect.DeepEqual(got, toAny(w.actions)) {
			t.Errorf("%s: actions %v, want %v", sid, got, w.actions)
		}
		if w.resource != nil && !reflect.DeepEqual(s.body["Resource"], w.resource) {
			t.Errorf("%s: resource %v, want %v", sid, s.body["Resource"], w.resource)
		}
	}
	for sid := range want {
		if !seen[sid] {
			t.Errorf("FunctionRole: no statement %s", sid)
		}
	}

	org := literal(rawStatement(t, raw, "FunctionRole", "ReadOrgCredentials")["Resource"])
	if !strings.HasSuffix(org, ":secret:${OrgCredentialsSecretPrefix}*") {
		t.Errorf("ReadOrgCredentials resource %q, want the prefix's secrets only", org)
	}
	publish := rawStatement(t, raw, "FunctionRole", "PublishFinished")
	got := dig(t, publish, "Condition", "StringEquals", "events:source")
	if got != monitor.Source {
		t.Errorf("PublishFinished: events:source %v, want %q", got, monitor.Source)
	}
}

func getAtt(resource string) any {
	return map[string]any{"Fn::GetAtt": []any{resource, "Arn"}}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func rawStatement(t *testing.T, raw map[string]any, where, sid string) map[string]any {
	t.Helper()
	for _, s := range policyStatements(t, raw) {
		if s.where == where && s.body["Sid"] == sid {
			return s.body
		}
	}
	t.Fatalf("%s: no statement %s", where, sid)
	return nil
}

func TestPublisherPolicyOnlyPublishesMonitorRequests(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	got := dig(t, raw, "Resources", "PublisherPolicy", "Condition")
	if got != "CreatePublisherPolicy" {
		t.Errorf("PublisherPolicy: Condition %v, want CreatePublisherPolicy", got)
	}
	var n int
	for _, s := range policyStatements(t, raw) {
		if s.where != "PublisherPolicy" {
			continue
		}
		n++
		if sid := s.body["Sid"]; sid == "EncryptSessions" && (s.body["Action"] != "kms:Encrypt" ||
			len(s.guards) != 1 || s.guards[0] != "PublisherEncrypts") {
			t.Errorf("EncryptSessions: %v under %v, want kms:Encrypt under PublisherEncrypts",
				s.body["Action"], s.guards)
		}
	}
	if n != 2 {
		t.Errorf("PublisherPolicy: %d statements, want PublishMonitorRequests and "+
			"EncryptSessions", n)
	}
	s := rawStatement(t, raw, "PublisherPolicy", "PublishMonitorRequests")
	if s["Action"] != "events:PutEvents" {
		t.Errorf("action %v, want events:PutEvents only", s["Action"])
	}
	bus := rawStatement(t, raw, "FunctionRole", "PublishFinished")["Resource"]
	if !reflect.DeepEqual(s["Resource"], bus) {
		t.Errorf("resource %v, want the bus %v", s["Resource"], bus)
	}
	cond := dig(t, s, "Condition", "StringEquals").(map[string]any)
	if cond["events:source"] != monitor.Source ||
		cond["events:detail-type"] != monitor.DetailTypeRequested {
		t.Errorf("condition %v, want source %q and detail type %q only",
			cond, monitor.Source, monitor.DetailTypeRequested)
	}
}

func TestGitHubPublisherRoleTrust(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	if got := dig(t, raw, "Resources", "GitHubPublisherRole", "Condition"); got !=
		"CreateGitHubPublisherRole" {
		t.Errorf("Condition %v, want CreateGitHubPublisherRole", got)
	}
	role := rawResource(t, raw, "GitHubPublisherRole")
	checkPublisherRole(t, "GitHubPublisherRole", role)
	trust := strs(dig(t, role, "AssumeRolePolicyDocument", "Statement"))
	if len(trust) != 1 {
		t.Fatalf("%d trust statements, want 1", len(trust))
	}
	st := trust[0]
	checkWebIdentity(t, st, map[string]any{"Ref": "GitHubOidcProviderArn"})
	const claims = "token.actions.githubusercontent.com"
	if got := dig(t, st, "Condition", "StringEquals", claims+":aud"); got != "sts.amazonaws.com" {
		t.Errorf("aud condition %v, want sts.amazonaws.com", got)
	}
	wantSub := map[string]any{"Fn::Split": []any{",", map[string]any{"Ref": "GitHubRepositories"}}}
	got := dig(t, st, "Condition", "StringLike", claims+":sub")
	if !reflect.DeepEqual(got, wantSub) {
		t.Errorf("sub condition %v, want the GitHubRepositories patterns", got)
	}
}

// TestGitLabPublisherRoleTrust renders the trust policy's Fn::Sub with sample parameters
// and reads the JSON IAM would get.
func TestGitLabPublisherRoleTrust(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	if got := dig(t, raw, "Resources", "GitLabPublisherRole", "Condition"); got !=
		"CreateGitLabPublisherRole" {
		t.Errorf("Condition %v, want CreateGitLabPublisherRole", got)
	}
	role := rawResource(t, raw, "GitLabPublisherRole")
	checkPublisherRole(t, "GitLabPublisherRole", role)
	sub, ok := dig(t, role, "AssumeRolePolicyDocument", "Fn::Sub").([]any)
	if !ok || len(sub) != 2 {
		t.Fatalf("AssumeRolePolicyDocument is not !Sub [template, variables]")
	}
	tmpl, _ := sub[0].(string)
	wantSubjects := map[string]any{"Fn::Join": []any{`", "`,
		map[string]any{"Fn::Split": []any{",", map[string]any{"Ref": "GitLabProjectPaths"}}}}}
	if got := dig(t, sub[1], "Subjects"); !reflect.DeepEqual(got, wantSubjects) {
		t.Errorf("Subjects = %v, want the GitLabProjectPaths patterns as JSON strings", got)
	}

	const provider = "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"
	paths := []string{"project_path:acme/*:ref_type:branch:ref:main",
		"project_path:acme/app:ref_type:tag:ref:*"}
	rendered := strings.NewReplacer(
		"${GitLabOidcProviderArn}", provider,
		"${GitLabOidcHost}", "gitlab.example.com",
		"${GitLabAudience}", "https://gitlab.example.com",
		"${Subjects}", strings.Join(paths, `", "`),
	).Replace(tmpl)
	if strings.Contains(rendered, "${") {
		t.Fatalf("unknown variable left in the trust policy: %s", rendered)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(rendered), &doc); err != nil {
		t.Fatalf("trust policy is not JSON: %v\n%s", err, rendered)
	}
	trust := strs(dig(t, doc, "Statement"))
	if len(trust) != 1 {
		t.Fatalf("%d trust statements, want 1", len(trust))
	}
	st := trust[0]
	checkWebIdentity(t, st, provider)
	if got := dig(t, st, "Condition", "StringEquals", "gitlab.example.com:aud"); got !=
		"https://gitlab.example.com" {
		t.Errorf("aud condition %v", got)
	}
	got := dig(t, st, "Condition", "StringLike", "gitlab.example.com:sub")
	if !reflect.DeepEqual(got, toAny(paths)) {
		t.Errorf("sub condition %v, want %q", got, paths)
	}
}

func checkWebIdentity(t *testing.T, st, federated any) {
	t.Helper()
	if got := dig(t, st, "Effect"); got != "Allow" {
		t.Errorf("trust Effect %v", got)
	}
	if got := dig(t, st, "Action"); got != "sts:AssumeRoleWithWebIdentity" {
		t.Errorf("trust Action %v, want sts:AssumeRoleWithWebIdentity", got)
	}
	if got := dig(t, st, "Principal", "Federated"); !reflect.DeepEqual(got, federated) {
		t.Errorf("trust Principal %v, want %v", got, federated)
	}
}

// checkPublisherRole wants the role's only permissions to be PublisherPolicy's.
func checkPublisherRole(t *testing.T, name string, role map[string]any) {
	t.Helper()
	if _, ok := role["Policies"]; ok {
		t.Errorf("%s: inline policies, want PublisherPolicy only", name)
	}
	want := []any{map[string]any{"Ref": "PublisherPolicy"}}
	if got := role["ManagedPolicyArns"]; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: ManagedPolicyArns %v, want [!Ref PublisherPolicy]", name, got)
	}
}

// TestSessionKeyIsBoundToTheDeployment: KMS grants only apply to ciphertexts whose
// encryption context is exactly the deployment id.
func TestSessionKeyIsBoundToTheDeployment(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	for _, where := range []string{"FunctionRole", "PublisherPolicy"} {
		sid := map[string]string{"FunctionRole": "DecryptSessions",
			"PublisherPolicy": "EncryptSessions"}[where]
		s := rawStatement(t, raw, where, sid)
		keys := dig(t, s, "Condition", "ForAllValues:StringEquals", "kms:EncryptionContextKeys")
		if !reflect.DeepEqual(keys, []any{"deploymentId"}) {
			t.Errorf("%s: context keys %v, want [deploymentId]", sid, keys)
		}
		if dig(t, s, "Condition", "Null", "kms:EncryptionContext:deploymentId") != "false" {
			t.Errorf("%s: the deploymentId context is not required", sid)
		}
	}
}
