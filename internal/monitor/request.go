// Package monitor holds the monitor request that deploy publishes and the Lambda
// consumes: its schema, how it is validated, and what is stripped before it is stored.
package monitor

import (
	"encoding/json"
	"fmt"
)

// SchemaVersion is the version of the monitor request this code writes.
const SchemaVersion = 1

// Event source and detail types on the EventBridge bus.
const (
	Source                = "sf-async-deploy"
	DetailTypeRequested   = "Deployment Monitor Requested"
	DetailTypeFinished    = "Deployment Finished"
	DefaultFinishWorkflow = "sf-async-deploy-finish.yml"
	DefaultFinishJobName  = "sf-async-deploy-finish"
	CIGitHub              = "github"
	CIGitLab              = "gitlab"
	DefaultEventBusName   = "sf-async-deploy"
)

// Request is the monitor request: the EventBridge detail and the SQS message body.
// The first five fields keep the original design's names; every CI value is a string.
type Request struct {
	RepoPath            string `json:"repoPath"`
	PipelineFinishJobID string `json:"pipelineFinishJobId"`
	DeploymentID        string `json:"SFDCdeploymentId"`
	SessionID           string `json:"SFDCsessionId,omitempty"`
	OrgURL              string `json:"SFDCorgUrl"`

	SchemaVersion int    `json:"schemaVersion"`
	CI            string `json:"ci,omitempty"`
	Ref           string `json:"ref,omitempty"`
	CommitSHA     string `json:"commitSha,omitempty"`
	ProjectID     string `json:"projectId,omitempty"`
	PipelineID    string `json:"pipelineId,omitempty"`
	FinishJobName string `json:"finishJobName,omitempty"`
	RunURL        string `json:"runUrl,omitempty"`
	APIVersion    string `json:"apiVersion,omitempty"`
	CredentialRef string `json:"credentialRef,omitempty"`
	TickSeconds   int    `json:"tickSeconds,omitempty"`
	Deadline      string `json:"deadline,omitempty"`
	RequestedAt   string `json:"requestedAt,omitempty"`
	// CommitStatus asks the monitor to show the progress as a status on CommitSHA.
	CommitStatus bool `json:"commitStatus,omitempty"`
	// EncryptedSessionID is SFDCsessionId encrypted with KMS, bound to the deployment id by
	// the encryption context {"deploymentId": SFDCdeploymentId}; base64.
	EncryptedSessionID string `json:"encryptedSessionId,omitempty"`
}

// WithoutSecrets returns a copy of r that holds no credential.
func (r Request) WithoutSecrets() Request {
	r.SessionID = ""
	r.EncryptedSessionID = ""
	return r
}

// Marshal encodes the request as indented JSON.
func (r Request) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode monitor request: %w", err)
	}
	return append(b, '\n'), nil
}
