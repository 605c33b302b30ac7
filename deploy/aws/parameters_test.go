package awstemplate_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"
)

func TestParameters(t *testing.T) {
	t.Parallel()
	params := openTemplate(t).Parameters
	optional := []string{"ExistingEventBusName", "AllowedOrgHosts", "GitHubTokenSecretArn",
		"GitLabTokenSecretArn", "OrgCredentialsSecretPrefix", "SessionKmsKeyArn",
		"GitHubOidcProviderArn",
		"GitHubRepositories", "GitLabOidcProviderArn", "GitLabProjectPaths"}
	defaults := map[string]any{
		"EventBusName": "sf-async-deploy", "Architecture": "arm64", "FunctionTimeout": 60,
		"MaxWatchHours": 12, "MinTickSeconds": 60, "MaxTickSeconds": 900,
		"GitHubApiUrl": "https://api.github.com", "GitLabUrl": "https://gitlab.com",
		"LogRetentionDays": 30, "GitLabOidcHost": "gitlab.com",
		"GitLabAudience": "https://gitlab.com", "TickPolicy": "adaptive", "CommitStatus": "true",
	}
	for _, name := range optional {
		defaults[name] = ""
	}
	required := []string{"CodeS3Bucket", "CodeS3Key", "AllowedRepositories"}

	want := slices.Sorted(slices.Values(append(slices.Collect(maps.Keys(defaults)), required...)))
	if got := slices.Sorted(maps.Keys(params)); !slices.Equal(got, want) {
		t.Errorf("parameters = %q, want %q", got, want)
	}
	for name, def := range defaults {
		if p, ok := params[name]; ok && fmt.Sprint(p.Default) != fmt.Sprint(def) {
			t.Errorf("%s: default %v, want %v", name, p.Default, def)
		}
	}
	for _, name := range required {
		if p, ok := params[name]; ok && p.Default != nil {
			t.Errorf("%s: default %v, want none (required)", name, p.Default)
		}
	}
	for name, p := range params {
		if p.Type != "Number" || p.Default == nil {
			continue
		}
		def := number(t, name, p.Default)
		if (p.MinValue != nil && def < *p.MinValue) || (p.MaxValue != nil && def > *p.MaxValue) {
			t.Errorf("%s: default %v outside [%v, %v]", name, def, p.MinValue, p.MaxValue)
		}
	}
	if got := params["Architecture"].AllowedValues; !slices.Equal(got, []any{"arm64", "x86_64"}) {
		t.Errorf("Architecture: allowed %v, want arm64 and x86_64", got)
	}
}

// TestParameterPatterns runs the AllowedPattern checks CloudFormation makes before it
// creates anything. Some of them are what keeps quotes out of the GitLab trust policy's
// JSON, and keeps the org credential grant to one prefix.
func TestParameterPatterns(t *testing.T) {
	t.Parallel()
	params := openTemplate(t).Parameters
	tests := []struct {
		param  string
		value  string
		accept bool
	}{
		{"OrgCredentialsSecretPrefix", "sf-async-deploy/orgs/", true},
		{"OrgCredentialsSecretPrefix", "", true},
		{"OrgCredentialsSecretPrefix", "orgs", false},
		{"OrgCredentialsSecretPrefix", "*/", false},
		{"GitHubTokenSecretArn",
			"arn:aws:secretsmanager:eu-west-1:111122223333:secret:sf-async-deploy/github-AbCdEf",
			true},
		{"GitHubTokenSecretArn", "sf-async-deploy/github-token", false},
		{"GitLabTokenSecretArn", "*", false},
		{"GitLabProjectPaths", "project_path:acme/*:ref_type:branch:ref:*", true},
		{"GitLabProjectPaths", `acme"], "Principal": "*`, false},
		{"GitLabProjectPaths", `acme\`, false},
		{"GitLabAudience", `https://gitlab.com"`, false},
		{"GitLabOidcHost", "gitlab.example.com", true},
		{"GitLabOidcHost", `gitlab.com":{`, false},
		{"GitHubRepositories", "repo:acme/*:*,repo:other/app:ref:refs/heads/main", true},
		{"GitHubApiUrl", "http://api.github.com", false},
		{"GitLabUrl", "https://gitlab.example.com", true},
		{"GitHubOidcProviderArn",
			"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", true},
		{"EventBusName", "default/../x", false},
		{"ExistingEventBusName", "default", true},
	}
	for _, tt := range tests {
		t.Run(tt.param+"/"+tt.value, func(t *testing.T) {
			p, ok := params[tt.param]
			if !ok || p.AllowedPattern == nil {
				t.Fatalf("%s: no AllowedPattern", tt.param)
			}
			re, err := regexp.Compile(*p.AllowedPattern)
			if err != nil {
				t.Fatalf("%s: pattern %q: %v", tt.param, *p.AllowedPattern, err)
			}
			if got := re.MatchString(tt.value); got != tt.accept {
				t.Errorf("%s %q: accepted %v, want %v", tt.param, tt.value, got, tt.accept)
			}
			if def, ok := p.Default.(string); ok && !re.MatchString(def) {
				t.Errorf("%s: default %q fails its own pattern", tt.param, def)
			}
		})
	}
}

func TestRulesGuardTheOptionalRoles(t *testing.T) {
	t.Parallel()
	raw := rawTemplate(t)
	tests := []struct{ rule, when, needs string }{
		{"GitHubRoleNeedsSubjects", "GitHubOidcProviderArn", "GitHubRepositories"},
		{"GitLabRoleNeedsSubjects", "GitLabOidcProviderArn", "GitLabProjectPaths"},
	}
	for _, tt := range tests {
		notEmpty := func(param string) any {
			return map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{
				map[string]any{"Ref": param}, ""}}}}
		}
		r := dig(t, raw, "Rules", tt.rule)
		if got := dig(t, r, "RuleCondition"); fmt.Sprint(got) != fmt.Sprint(notEmpty(tt.when)) {
			t.Errorf("%s: RuleCondition %v, want %s set", tt.rule, got, tt.when)
		}
		asserts := strs(dig(t, r, "Assertions"))
		if len(asserts) != 1 || fmt.Sprint(dig(t, asserts[0], "Assert")) !=
			fmt.Sprint(notEmpty(tt.needs)) {
			t.Errorf("%s: assertions %v, want %s set", tt.rule, asserts, tt.needs)
		}
	}
	dig(t, raw, "Rules", "DispatchNeedsAToken", "Assertions")
}
