package fakeorg

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// FaultKind is a failure the org can answer a request with instead of serving it.
type FaultKind int

// The faults an Org can inject.
const (
	// FaultNone is no fault: the request is served.
	FaultNone FaultKind = iota
	// FaultSessionExpired answers 401 INVALID_SESSION_ID "Session expired or invalid".
	FaultSessionExpired
	// FaultBadAuthHeader answers 401 INVALID_AUTH_HEADER.
	FaultBadAuthHeader
	// FaultLimitExceeded answers 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.".
	FaultLimitExceeded
	// FaultCrossReference answers 500 INVALID_CROSS_REFERENCE_KEY, the transient error seen
	// right after a deployment leaves Pending.
	FaultCrossReference
	// FaultBadGateway answers 502 with an HTML page, as a proxy would.
	FaultBadGateway
	// FaultUnavailable answers 503 SERVER_UNAVAILABLE.
	FaultUnavailable
	// FaultHTML answers 200 with an HTML maintenance page instead of JSON.
	FaultHTML
	// FaultTruncatedJSON answers 200 with JSON cut off in the middle.
	FaultTruncatedJSON
	// FaultReset closes the connection without an answer (a TCP reset where possible).
	// Go's Transport silently retries an idempotent request whose reused keep-alive
	// connection closes this way, so a client only sees it on a fresh connection or for a
	// POST; FaultResetAfterHeaders is seen always.
	FaultReset
	// FaultResetAfterHeaders sends 200 headers and part of a JSON body, then resets.
	FaultResetAfterHeaders
	// FaultDelay waits Fault.Delay (at most MaxDelay), then serves the request normally.
	FaultDelay
	// FaultRedirect answers 302 to Fault.Location.
	FaultRedirect
)

// MaxDelay bounds FaultDelay, so a forgotten fault cannot hang a test.
const MaxDelay = 30 * time.Second

// DefaultRedirectLocation is where FaultRedirect points when Fault.Location is empty.
const DefaultRedirectLocation = "https://login.example.com/?ec=302&startURL=%2Fservices%2Fdata"

var faultNames = map[FaultKind]string{
	FaultNone:              "none",
	FaultSessionExpired:    "session-expired",
	FaultBadAuthHeader:     "bad-auth-header",
	FaultLimitExceeded:     "limit-exceeded",
	FaultCrossReference:    "cross-reference",
	FaultBadGateway:        "bad-gateway",
	FaultUnavailable:       "unavailable",
	FaultHTML:              "html",
	FaultTruncatedJSON:     "truncated-json",
	FaultReset:             "reset",
	FaultResetAfterHeaders: "reset-after-headers",
	FaultDelay:             "delay",
	FaultRedirect:          "redirect",
}

// String returns the fault's short name, such as "session-expired".
func (k FaultKind) String() string {
	if name, ok := faultNames[k]; ok {
		return name
	}
	return "unknown"
}

// Fault is one injected failure.
type Fault struct {
	Kind FaultKind
	// Path, when set, limits the fault to requests whose URL path contains it
	// (for example "deployRequest" or "/services/oauth2/token").
	Path string
	// Delay is how long FaultDelay waits.
	Delay time.Duration
	// Location is where FaultRedirect points; empty means DefaultRedirectLocation.
	Location string
}

type queuedFault struct {
	fault Fault
	left  int
}

// Fail queues f for the next n requests it matches. Queued faults apply in the order queued:
// a request takes the first one whose Path matches it.
func (o *Org) Fail(n int, f Fault) {
	if n <= 0 || f.Kind == FaultNone {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.faults = append(o.faults, &queuedFault{fault: f, left: n})
}

// ClearFaults drops every queued fault.
func (o *Org) ClearFaults() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.faults = nil
}

// PendingFaults returns how many requests queued faults will still affect.
func (o *Org) PendingFaults() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, q := range o.faults {
		n += q.left
	}
	return n
}

// takeFault pops the fault due for a request to path; the caller holds o.mu.
func (o *Org) takeFault(path string) *Fault {
	for i, q := range o.faults {
		if q.fault.Path != "" && !strings.Contains(path, q.fault.Path) {
			continue
		}
		f := q.fault
		q.left--
		if q.left == 0 {
			o.faults = append(o.faults[:i:i], o.faults[i+1:]...)
		}
		return &f
	}
	return nil
}

// applyFault answers a request with f and reports whether that ended it; a delay that ran
// its course returns false so the request is then served normally.
func (o *Org) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f.Kind {
	case FaultSessionExpired:
		writeErrors(w, http.StatusUnauthorized, "INVALID_SESSION_ID", msgSessionInvalid)
	case FaultBadAuthHeader:
		writeErrors(w, http.StatusUnauthorized, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE")
	case FaultLimitExceeded:
		writeErrors(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED",
			"TotalRequests Limit exceeded.")
	case FaultCrossReference:
		writeErrors(w, http.StatusInternalServerError, "INVALID_CROSS_REFERENCE_KEY",
			"invalid cross reference id")
	case FaultBadGateway:
		writeRaw(w, http.StatusBadGateway, "text/html", htmlBadGateway)
	case FaultUnavailable:
		writeErrors(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE",
			"Server temporarily unavailable, please retry")
	case FaultHTML:
		writeRaw(w, http.StatusOK, "text/html;charset=UTF-8", htmlMaintenance)
	case FaultTruncatedJSON:
		writeRaw(w, http.StatusOK, "application/json;charset=UTF-8", truncatedJSON)
	case FaultReset:
		resetConnection(w, "")
	case FaultResetAfterHeaders:
		resetConnection(w, partialAnswer)
	case FaultDelay:
		// A client that gave up first gets nothing served, so no deployment advances
		// behind its back and its retry sees the same state.
		return !o.sleep(r, f.Delay)
	case FaultRedirect:
		location := f.Location
		if location == "" {
			location = DefaultRedirectLocation
		}
		w.Header().Set("Location", location)
		w.WriteHeader(http.StatusFound)
	default:
		return false
	}
	return true
}

// sleep waits d (at most MaxDelay) and reports whether it did: it stops early, reporting
// false, when the client goes away or the org closes.
func (o *Org) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(min(d, MaxDelay))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-o.closing:
		return false
	}
}

// resetConnection writes sent on the request's connection, then closes it, resetting TCP
// when it can.
func resetConnection(w http.ResponseWriter, sent string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if sent != "" {
		_, _ = buf.WriteString(sent)
		_ = buf.Flush()
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

const htmlBadGateway = `<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center></body></html>
`

const htmlMaintenance = `<!DOCTYPE html>
<html><head><title>Salesforce - Down for Maintenance</title></head>
<body><p>This organization is temporarily unavailable. Please try again later.</p></body>
</html>
`

// partialAnswer promises a longer body than it sends before the connection resets.
const partialAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\n" +
	"Content-Length: 4096\r\n\r\n" + `{"id":null,"deployResult":{"id":"0Af5g0000000001CAA",`

const truncatedJSON = `{"id":"0Af5g0000000001CAA","validatedDeployRequestId":null,` +
	`"deployResult":{"id":"0Af5g0000000001CAA","status":"InProg`
