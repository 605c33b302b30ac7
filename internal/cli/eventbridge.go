package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// awsOptions say how deploy reaches AWS; without them the SDK's standard chain applies.
var awsOptions = []option{
	{name: "aws-region", usage: "the event bus's AWS region (default: AWS_REGION)"},
	{name: "aws-role-arn", usage: "an IAM role to assume with the web identity token " +
		"(GitLab OIDC)"},
	{name: "aws-web-identity-token", usage: "an OIDC token for aws-role-arn, such as a GitLab " +
		"id_tokens variable", secret: true},
	{name: "kms-key-id", usage: "a KMS key (id, ARN or alias) to encrypt the session id with, " +
		"so it never crosses EventBridge and SQS in plain text"},
}

// awsSettings is the validated AWS part of a deploy.
type awsSettings struct {
	region  string
	roleARN string
	idToken string
	session string
	kmsKey  string
}

func readAWSSettings(o *options, getenv func(string) string) (awsSettings, error) {
	s := awsSettings{region: o.str("aws-region"), roleARN: o.str("aws-role-arn"),
		idToken: o.str("aws-web-identity-token"), kmsKey: o.str("kms-key-id")}
	if (s.roleARN == "") != (s.idToken == "") {
		return s, usageErrorf("options aws-role-arn and aws-web-identity-token go together: " +
			"set both to assume a role with OIDC, or neither to use the standard AWS chain")
	}
	if s.roleARN != "" && !strings.HasPrefix(s.roleARN, "arn:") {
		return s, usageErrorf("option aws-role-arn: %q is not an ARN such as "+
			"arn:aws:iam::123456789012:role/sf-async-deploy-publisher", s.roleARN)
	}
	s.session = "sf-async-deploy"
	if id := firstNonEmpty(getenv("CI_PIPELINE_ID"), getenv("GITHUB_RUN_ID")); id != "" {
		s.session += "-" + id
	}
	return s, nil
}

// staticToken hands the STS provider a token given as an option.
type staticToken string

func (t staticToken) GetIdentityToken() ([]byte, error) { return []byte(t), nil }

// eventBridgePublisher publishes monitor requests with the real EventBridge client, first
// encrypting the session id when a KMS key is given.
type eventBridgePublisher struct {
	cfg    aws.Config
	kmsKey string
}

func newEventBridgePublisher(ctx context.Context, s awsSettings) (Publisher, error) {
	var loaders []func(*config.LoadOptions) error
	if s.region != "" {
		loaders = append(loaders, config.WithRegion(s.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		return nil, usageErrorf("load AWS configuration: %s", err)
	}
	if cfg.Region == "" {
		return nil, usageErrorf("option aws-region: no AWS region: set aws-region or AWS_REGION " +
			"to the event bus's region")
	}
	if s.roleARN != "" {
		provider := stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(cfg), s.roleARN,
			staticToken(s.idToken), func(o *stscreds.WebIdentityRoleOptions) {
				o.RoleSessionName = s.session
			})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	return &eventBridgePublisher{cfg: cfg, kmsKey: s.kmsKey}, nil
}

// Publish puts the Deployment Monitor Requested event on bus.
func (p *eventBridgePublisher) Publish(ctx context.Context, bus string, req monitor.Request) error {
	if p.kmsKey != "" && req.SessionID != "" {
		sealed, err := awsbus.NewSessionCipher(p.cfg).Encrypt(ctx, p.kmsKey, req.DeploymentID,
			req.SessionID)
		if err != nil {
			return fmt.Errorf("KMS: %w", err)
		}
		req.SessionID, req.EncryptedSessionID = "", sealed
	}
	if err := awsbus.NewPublisher(p.cfg, bus).PublishRequested(ctx, req); err != nil {
		return fmt.Errorf("EventBridge: %w", err)
	}
	return nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
