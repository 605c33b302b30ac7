// Package awsfake is a loopback stand-in for the AWS JSON-protocol APIs the product calls
// (EventBridge PutEvents, SQS ChangeMessageVisibility, Secrets Manager GetSecretValue, KMS
// Encrypt and Decrypt, STS AssumeRoleWithWebIdentity),
// so tests and local runs exercise the real SDK clients over the wire.
package awsfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Call is one request the fake received.
type Call struct {
	Target string         // such as AWSEvents.PutEvents
	Body   map[string]any // the decoded JSON body
	Raw    string
	// Auth is the Authorization header, whose Credential names the access key that signed.
	Auth string
}

// Server answers AWS JSON-protocol requests and records them.
type Server struct {
	srv *httptest.Server

	mu sync.Mutex
	// calls holds every request in order.
	calls []Call
	// secrets maps a secret id (name or ARN) to its SecretString.
	secrets map[string]string
	// failPutEvents makes the next n PutEvents calls answer with FailedEntryCount 1.
	failPutEvents int
	// errorsFor makes the next n calls to a target answer 500 InternalFailure.
	errorsFor map[string]int
}

// New starts a fake on loopback.
func New() *Server {
	s := &Server{secrets: map[string]string{}, errorsFor: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the endpoint to give the SDK (BaseEndpoint or AWS_ENDPOINT_URL_*).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetSecret stores a secret's string value under id.
func (s *Server) SetSecret(id, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[id] = value
}

// FailPutEvents makes the next n PutEvents answers report a failed entry.
func (s *Server) FailPutEvents(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failPutEvents = n
}

// FailTarget makes the next n calls to target (such as AmazonSQS.ChangeMessageVisibility)
// answer HTTP 500.
func (s *Server) FailTarget(target string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errorsFor[target] = n
}

// Calls returns the recorded calls, optionally only those to target.
func (s *Server) Calls(target string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if target == "" || c.Target == target {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if target == "" && strings.HasPrefix(r.Header.Get("Content-Type"),
		"application/x-www-form-urlencoded") {
		s.serveQuery(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		writeError(w, 400, "SerializationException", "body is not JSON")
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Target: target, Body: body, Raw: string(raw),
		Auth: r.Header.Get("Authorization")})
	failing := s.errorsFor[target] > 0
	if failing {
		s.errorsFor[target]--
	}
	s.mu.Unlock()
	if failing {
		writeError(w, 500, "InternalFailure", "injected failure")
		return
	}
	switch target {
	case "AWSEvents.PutEvents":
		s.putEvents(w, body)
	case "AmazonSQS.ChangeMessageVisibility":
		writeJSON(w, "application/x-amz-json-1.0", map[string]any{})
	case "secretsmanager.GetSecretValue":
		s.getSecret(w, body)
	case "TrentService.Encrypt", "TrentService.Decrypt":
		s.kms(w, target, body)
	default:
		writeError(w, 400, "UnknownOperationException", "unknown target "+target)
	}
}

func (s *Server) putEvents(w http.ResponseWriter, body map[string]any) {
	entries, _ := body["Entries"].([]any)
	s.mu.Lock()
	fail := s.failPutEvents > 0
	if fail {
		s.failPutEvents--
	}
	s.mu.Unlock()
	var results []map[string]any
	failed := 0
	for i := range entries {
		if fail {
			failed++
			results = append(results, map[string]any{"ErrorCode": "InternalFailure",
				"ErrorMessage": "injected entry failure"})
			continue
		}
		results = append(results, map[string]any{"EventId": fmt.Sprintf("evt-%d-%d",
			len(s.Calls("AWSEvents.PutEvents")), i)})
	}
	writeJSON(w, "application/x-amz-json-1.1", map[string]any{"FailedEntryCount": failed,
		"Entries": results})
}

func (s *Server) getSecret(w http.ResponseWriter, body map[string]any) {
	id, _ := body["SecretId"].(string)
	s.mu.Lock()
	value, ok := s.secrets[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, 400, "ResourceNotFoundException",
			"Secrets Manager can't find the specified secret.")
		return
	}
	name := id
	if i := strings.LastIndex(id, ":"); i >= 0 {
		name = id[i+1:]
	}
	writeJSON(w, "application/x-amz-json-1.1", map[string]any{
		"ARN":  "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name,
		"Name": name, "SecretString": value, "VersionId": "v1",
		"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1764500000.0,
	})
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}
