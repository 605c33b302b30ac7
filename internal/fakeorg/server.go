package fakeorg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

const (
	// maxZipBytes is the largest zip the Metadata API takes (39 MB).
	maxZipBytes = 39 << 20
	// maxBodyBytes bounds a request body: the largest zip plus room for the envelope.
	maxBodyBytes = maxZipBytes + 1<<20
	// maxLoggedBody is how much of each body the request log keeps.
	maxLoggedBody = 1 << 20
)

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection, for the reset fault.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serveHTTP logs and counts the request, applies a queued fault, then routes it.
func (o *Org) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	r.Body = io.NopCloser(bytes.NewReader(body))

	idx, usage, fault := o.admit(r, body)
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", usage, o.opts.APILimit))
	sw := &statusWriter{ResponseWriter: w}
	defer func() { o.finish(idx, sw.status) }()

	if fault != nil {
		if served := o.applyFault(sw, r, *fault); served {
			return
		}
	}
	if readErr != nil {
		writeErrors(sw, http.StatusRequestEntityTooLarge, "REQUEST_ENTITY_TOO_LARGE",
			"the request body exceeds the size limit")
		return
	}
	o.route(sw, r, usage)
}

// admit records the request in the log, counts it and takes the fault due for it, if any.
func (o *Org) admit(r *http.Request, body []byte) (int, int, *Fault) {
	logged := body
	if len(logged) > maxLoggedBody {
		logged = logged[:maxLoggedBody]
	}
	req := Request{
		Method:        r.Method,
		Path:          r.URL.Path,
		RawQuery:      r.URL.RawQuery,
		Authorization: r.Header.Get("Authorization"),
		Header:        r.Header.Clone(),
		Body:          bytes.Clone(logged),
	}

	o.mu.Lock()
	defer o.mu.Unlock()
	o.usage++
	fault := o.takeFault(r.URL.Path)
	if fault != nil {
		req.Fault = fault.Kind
	}
	o.requests = append(o.requests, req)
	if o.opts.Logger != nil {
		o.opts.Logger.Debug("fakeorg request", "method", r.Method, "path", r.URL.Path,
			"fault", req.Fault.String())
	}
	return len(o.requests) - 1, o.usage, fault
}

// finish stores the answered status in the request log.
func (o *Org) finish(idx, status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests[idx].Status = status
}

// route dispatches a request that no fault replaced.
func (o *Org) route(w http.ResponseWriter, r *http.Request, usage int) {
	switch {
	case r.URL.Path == "/services/oauth2/token":
		o.handleToken(w, r)
	case strings.HasPrefix(r.URL.Path, "/services/data/"):
		if usage > o.opts.APILimit {
			writeErrors(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED",
				"TotalRequests Limit exceeded.")
			return
		}
		if !o.authorize(w, r) {
			return
		}
		o.routeData(w, r)
	default:
		writeNotFound(w)
	}
}

// authorize checks the Authorization header and answers 401 when it does not pass.
func (o *Org) authorize(w http.ResponseWriter, r *http.Request) bool {
	header := r.Header.Get("Authorization")
	if header == "" {
		writeErrors(w, http.StatusUnauthorized, "INVALID_SESSION_ID", msgSessionInvalid)
		return false
	}
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || token == "" ||
		(!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "OAuth")) {
		writeErrors(w, http.StatusUnauthorized, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE")
		return false
	}
	o.mu.Lock()
	known := o.tokens[token]
	o.mu.Unlock()
	if !known {
		writeErrors(w, http.StatusUnauthorized, "INVALID_SESSION_ID", msgSessionInvalid)
		return false
	}
	return true
}

const msgSessionInvalid = "Session expired or invalid"

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Errorf("encode response: %w", err).Error(),
			http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeErrors answers status with the REST API's error array of one entry.
func writeErrors(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorArray(code, message))
}

func errorArray(code, message string) []map[string]any {
	return []map[string]any{{"message": message, "errorCode": code}}
}

// writeNotFound answers the REST API's 404 for an unknown resource.
func writeNotFound(w http.ResponseWriter) {
	status, body := notFoundAnswer()
	writeJSON(w, status, body)
}

func notFoundAnswer() (int, any) {
	return http.StatusNotFound, errorArray("NOT_FOUND", "The requested resource does not exist")
}

// errBadRequest is a client error the handlers answer with 400 and errorCode code.
type errBadRequest struct {
	code string
	msg  string
}

func (e *errBadRequest) Error() string { return e.code + ": " + e.msg }

func badRequest(code, format string, args ...any) error {
	return &errBadRequest{code: code, msg: fmt.Sprintf(format, args...)}
}

// writeError answers err as errorAnswer does.
func writeError(w http.ResponseWriter, err error) {
	status, body := errorAnswer(err)
	writeJSON(w, status, body)
}

// errorAnswer is 400 with err's code when it is an errBadRequest, 500 otherwise.
func errorAnswer(err error) (int, any) {
	if bad, ok := errors.AsType[*errBadRequest](err); ok {
		return http.StatusBadRequest, errorArray(bad.code, bad.msg)
	}
	return http.StatusInternalServerError, errorArray("UNKNOWN_EXCEPTION", err.Error())
}
