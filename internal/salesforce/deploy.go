package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"regexp"
)

var deploymentIDPattern = regexp.MustCompile(`^0Af[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$`)

// ValidDeploymentID reports whether id is a deployment id: 0Af and 12 or 15 more letters
// and digits (15 or 18 characters in all).
func ValidDeploymentID(id string) bool { return deploymentIDPattern.MatchString(id) }

// TestLevels are the testLevel values the Metadata API accepts.
var TestLevels = []string{
	"NoTestRun", "RunSpecifiedTests", "RunLocalTests", "RunAllTestsInOrg", "RunRelevantTests",
}

// deployPath is the deployRequest resource under the data API.
const deployPath = "metadata/deployRequest"

// StartDeploy uploads a deployment zip and returns the org's answer (status Pending).
// It is not retried: a repeated upload could start a second deployment.
func (c *Client) StartDeploy(ctx context.Context, zipPath string, opts DeployOptions) (
	DeployRequest, error) {
	meta, err := json.Marshal(struct {
		DeployOptions DeployOptions `json:"deployOptions"`
	}{opts})
	if err != nil {
		return DeployRequest{}, fmt.Errorf("encode deploy options: %w", err)
	}
	var answer DeployRequest
	boundary := multipart.NewWriter(io.Discard).Boundary()
	_, err = c.do(ctx, request{
		method: http.MethodPost,
		path:   deployPath,
		body: func() (io.Reader, int64, error) {
			return multipartBody(boundary, meta, zipPath)
		},
		contentType: "multipart/form-data; boundary=" + boundary,
		decode:      jsonInto(&answer),
	})
	if err != nil {
		return DeployRequest{}, fmt.Errorf("start deployment: %w", err)
	}
	return answer, nil
}

// multipartBody streams the json and file parts from disk, with a known length, so the
// zip is never held in memory and the request is not chunked.
func multipartBody(boundary string, meta []byte, zipPath string) (io.Reader, int64, error) {
	f, err := os.Open(zipPath)
	if err != nil {
		return nil, 0, fmt.Errorf("open deployment zip: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("stat deployment zip: %w", err)
	}
	var head, tail bytes.Buffer
	mw := multipart.NewWriter(&head)
	if err := mw.SetBoundary(boundary); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("set multipart boundary: %w", err)
	}
	if err := writeHead(mw, meta); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("write multipart head: %w", err)
	}
	fmt.Fprintf(&tail, "\r\n--%s--\r\n", boundary)
	size := int64(head.Len()) + info.Size() + int64(tail.Len())
	return fileBody{Reader: io.MultiReader(&head, f, &tail), file: f}, size, nil
}

func writeHead(mw *multipart.Writer, meta []byte) error {
	jsonHeader := textproto.MIMEHeader{}
	jsonHeader.Set("Content-Disposition", `form-data; name="json"`)
	jsonHeader.Set("Content-Type", "application/json")
	part, err := mw.CreatePart(jsonHeader)
	if err != nil {
		return err
	}
	if _, err := part.Write(meta); err != nil {
		return err
	}
	fileHeader := textproto.MIMEHeader{}
	fileHeader.Set("Content-Disposition", `form-data; name="file"; filename="deploy.zip"`)
	fileHeader.Set("Content-Type", "application/zip")
	_, err = mw.CreatePart(fileHeader)
	return err
}

// fileBody is a request body that closes its file when the transport is done with it.
type fileBody struct {
	io.Reader
	file *os.File
}

// Close closes the zip file.
func (b fileBody) Close() error { return b.file.Close() }

// QuickDeploy deploys a validation that passed its tests, returning the new deployment.
func (c *Client) QuickDeploy(ctx context.Context, validatedID string) (DeployRequest, error) {
	body, err := json.Marshal(map[string]string{"validatedDeployRequestId": validatedID})
	if err != nil {
		return DeployRequest{}, fmt.Errorf("encode quick deploy: %w", err)
	}
	var answer DeployRequest
	_, err = c.do(ctx, request{
		method:      http.MethodPost,
		path:        deployPath + "/" + url.PathEscape(validatedID),
		body:        bytesBody(body),
		contentType: "application/json",
		decode:      jsonInto(&answer),
	})
	if err != nil {
		return DeployRequest{}, fmt.Errorf("quick deploy validation %s: %w", validatedID, err)
	}
	return answer, nil
}

// Status reads a deployment's state and counters, without details.
func (c *Client) Status(ctx context.Context, id string) (DeployResult, error) {
	var answer DeployRequest
	_, err := c.get(ctx, id, false, jsonInto(&answer))
	if err != nil {
		return DeployResult{}, fmt.Errorf("read status of deployment %s: %w", id, err)
	}
	return answer.DeployResult, nil
}

// Result reads a deployment with its details; raw is the deployResult exactly as sent.
func (c *Client) Result(ctx context.Context, id string) (result DeployResult, raw []byte,
	err error) {
	var answer DeployRequest
	var rawAnswer struct {
		DeployResult json.RawMessage `json:"deployResult"`
	}
	decode := func(b []byte) error {
		if err := json.Unmarshal(b, &rawAnswer); err != nil {
			return err
		}
		return json.Unmarshal(b, &answer)
	}
	if _, err := c.get(ctx, id, true, decode); err != nil {
		return DeployResult{}, nil, fmt.Errorf("read result of deployment %s: %w", id, err)
	}
	return answer.DeployResult, rawAnswer.DeployResult, nil
}

func (c *Client) get(ctx context.Context, id string, details bool,
	decode func([]byte) error) ([]byte, error) {
	var query url.Values
	if details {
		query = url.Values{"includeDetails": {"true"}}
	}
	return c.do(ctx, request{
		method: http.MethodGet,
		path:   deployPath + "/" + url.PathEscape(id),
		query:  query,
		retry:  true,
		decode: decode,
	})
}

// Cancel asks the org to cancel a deployment and returns its state (Canceling or Canceled).
func (c *Client) Cancel(ctx context.Context, id string) (DeployResult, error) {
	body := []byte(`{"deployResult":{"status":"Canceling"}}`)
	var answer DeployRequest
	_, err := c.do(ctx, request{
		method:      http.MethodPatch,
		path:        deployPath + "/" + url.PathEscape(id),
		body:        bytesBody(body),
		contentType: "application/json",
		retry:       true,
		decode:      lenientJSONInto(&answer),
	})
	if err != nil {
		return DeployResult{}, fmt.Errorf("cancel deployment %s: %w", id, err)
	}
	return answer.DeployResult, nil
}

// DeployStatusURL is the org's Deployment Status page for a deployment.
func DeployStatusURL(org *url.URL, id string) string {
	inner := "/changemgmt/monitorDeploymentsDetails.apexp?asyncId=" + id
	return org.String() + "/lightning/setup/DeployStatus/page?address=" + url.QueryEscape(inner)
}

func jsonInto(v any) func([]byte) error {
	return func(b []byte) error { return json.Unmarshal(b, v) }
}

// lenientJSONInto accepts an empty body, as some answers (202) may have none.
func lenientJSONInto(v any) func([]byte) error {
	return func(b []byte) error {
		if len(b) == 0 {
			return nil
		}
		return json.Unmarshal(b, v)
	}
}
