package salesforce

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Errors callers branch on, matched with errors.Is.
var (
	ErrSessionExpired = errors.New("session expired or invalid")
	ErrLimitExceeded  = errors.New("API limit exceeded")
	ErrNotFound       = errors.New("deployment not found")
	errTransient      = errors.New("transient failure")
)

// APIError is an error answer from the org, with its HTTP status and Salesforce error code.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
}

// Error describes the org's answer; it never holds request credentials.
func (e *APIError) Error() string {
	switch {
	case e.Code != "" && e.Message != "":
		return fmt.Sprintf("org answered %d %s: %s", e.StatusCode, e.Code, e.Message)
	case e.Code != "":
		return fmt.Sprintf("org answered %d %s", e.StatusCode, e.Code)
	case e.Message != "":
		return fmt.Sprintf("org answered %d: %s", e.StatusCode, e.Message)
	}
	return fmt.Sprintf("org answered HTTP %d", e.StatusCode)
}

// Is maps the org's error codes onto the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrSessionExpired:
		return e.StatusCode == 401 || e.Code == "INVALID_SESSION_ID" || e.Code == "INVALID_AUTH_HEADER"
	case ErrLimitExceeded:
		return e.Code == "REQUEST_LIMIT_EXCEEDED"
	case ErrNotFound:
		return e.StatusCode == 404 || e.Code == "NOT_FOUND" ||
			(e.StatusCode == 400 && e.Code == "INVALID_CROSS_REFERENCE_KEY")
	case errTransient:
		return e.transient()
	}
	return false
}

func (e *APIError) transient() bool {
	switch e.StatusCode {
	case 420, 502, 503, 504:
		return true
	case 500:
		return e.Code == "INVALID_CROSS_REFERENCE_KEY" || e.Code == "" || e.Code == "UNKNOWN_EXCEPTION"
	}
	return false
}

// maxErrorText bounds how much of an unexpected body an error repeats.
const maxErrorText = 300

// parseAPIError decodes an error body: a JSON array of {message, errorCode}, an OAuth
// {error, error_description} object, or anything else (quoted, shortened).
func parseAPIError(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var list []struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		e.Code, e.Message = list[0].ErrorCode, list[0].Message
		return e
	}
	var oauth struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &oauth) == nil && oauth.Error != "" {
		e.Code, e.Message = oauth.Error, oauth.Description
		return e
	}
	text := strings.TrimSpace(string(body))
	if len(text) > maxErrorText {
		text = text[:maxErrorText] + "…"
	}
	e.Message = text
	return e
}
