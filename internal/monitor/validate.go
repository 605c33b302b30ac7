package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// ErrInvalid marks a monitor request that can never be valid; it is dropped, not retried.
var ErrInvalid = errors.New("invalid monitor request")

// Rules are what a request must satisfy to be watched.
type Rules struct {
	Hosts        salesforce.HostPolicy
	Repositories []string // patterns such as acme/*; none allows nothing
}

// ParseRequest decodes a monitor request, ignoring unknown fields.
func ParseRequest(body []byte) (Request, error) {
	var r Request
	if err := json.Unmarshal(body, &r); err != nil {
		return Request{}, fmt.Errorf("%w: decode: %w", ErrInvalid, err)
	}
	if r.SchemaVersion == 0 {
		r.SchemaVersion = 1 // the original five-field requests
	}
	if r.CI == "" {
		r.CI = inferCI(r)
	}
	return r, nil
}

// inferCI tells an original five-field request's platform from its finish job id:
// GitHub names a workflow file, GitLab a job id.
func inferCI(r Request) string {
	if strings.HasSuffix(r.PipelineFinishJobID, ".yml") ||
		strings.HasSuffix(r.PipelineFinishJobID, ".yaml") {
		return CIGitHub
	}
	if r.PipelineFinishJobID != "" || r.PipelineID != "" {
		return CIGitLab
	}
	return ""
}

// Field size limits: generous for real values, small enough that an oversized field is
// refused rather than carried into logs, requests and events.
const (
	maxFieldLen   = 1024
	maxSessionLen = 8192
)

// oversized returns the name of the first field past its limit, or "".
func (r Request) oversized() string {
	if len(r.SessionID) > maxSessionLen || len(r.EncryptedSessionID) > 2*maxSessionLen {
		return "SFDCsessionId"
	}
	for name, v := range map[string]string{"repoPath": r.RepoPath,
		"pipelineFinishJobId": r.PipelineFinishJobID, "SFDCorgUrl": r.OrgURL, "ci": r.CI,
		"ref": r.Ref, "commitSha": r.CommitSHA, "projectId": r.ProjectID,
		"pipelineId": r.PipelineID, "finishJobName": r.FinishJobName, "runUrl": r.RunURL,
		"apiVersion": r.APIVersion, "credentialRef": r.CredentialRef, "deadline": r.Deadline,
		"requestedAt": r.RequestedAt} {
		if len(v) > maxFieldLen {
			return name
		}
	}
	return ""
}

// Validate checks a request against the rules; every error wraps ErrInvalid. A newer
// schemaVersion is accepted: its unknown fields are ignored, so newer publishers work here.
func (r Request) Validate(rules Rules) error {
	if name := r.oversized(); name != "" {
		return fmt.Errorf("%w: %s is longer than its limit", ErrInvalid, name)
	}
	switch {
	case !salesforce.ValidDeploymentID(r.DeploymentID):
		return fmt.Errorf("%w: SFDCdeploymentId %q is not a deployment id", ErrInvalid,
			r.DeploymentID)
	case r.CI != CIGitHub && r.CI != CIGitLab:
		return fmt.Errorf("%w: ci %q is neither github nor gitlab", ErrInvalid, r.CI)
	case r.RepoPath == "":
		return fmt.Errorf("%w: repoPath is empty", ErrInvalid)
	case !RepositoryAllowed(r.RepoPath, rules.Repositories):
		return fmt.Errorf("%w: repository %q is not in ALLOWED_REPOSITORIES", ErrInvalid,
			r.RepoPath)
	case r.TickSeconds < 0:
		return fmt.Errorf("%w: tickSeconds %d is negative", ErrInvalid, r.TickSeconds)
	}
	if _, err := rules.Hosts.OrgURL(r.OrgURL); err != nil {
		return fmt.Errorf("%w: SFDCorgUrl: %w", ErrInvalid, err)
	}
	for name, value := range map[string]string{"deadline": r.Deadline,
		"requestedAt": r.RequestedAt} {
		if value == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339, value); err != nil {
			return fmt.Errorf("%w: %s %q is not RFC 3339", ErrInvalid, name, value)
		}
	}
	if r.CI == CIGitHub && r.Ref == "" {
		return fmt.Errorf("%w: ref is empty: the finish workflow needs a branch or tag",
			ErrInvalid)
	}
	return nil
}

// RepositoryAllowed reports whether repo matches one of the patterns (acme/*, acme/app).
func RepositoryAllowed(repo string, patterns []string) bool {
	repo = strings.ToLower(repo)
	if strings.Contains(repo, "..") || strings.HasPrefix(repo, "/") {
		return false
	}
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), repo); ok {
			return true
		}
		// acme/* also covers GitLab subgroups: acme/team/app.
		if prefix, found := strings.CutSuffix(strings.ToLower(p), "/*"); found &&
			strings.HasPrefix(repo, prefix+"/") {
			return true
		}
	}
	return false
}

// Time parses an RFC 3339 field, returning the zero time when it is empty.
func Time(value string) time.Time {
	t, _ := time.Parse(time.RFC3339, value)
	return t
}
