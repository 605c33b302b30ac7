package salesforce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"
)

// DefaultAPIVersion is the Metadata REST API version used when none is given.
const DefaultAPIVersion = "62.0"

// DefaultBackoff is the wait before each retry of a transient failure.
var DefaultBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

// maxBody bounds the size of an answer the client reads.
const maxBody = 256 << 20

var apiVersionPattern = regexp.MustCompile(`^[1-9][0-9]\.0$`)

// ValidAPIVersion reports whether v looks like a Metadata API version such as 62.0.
func ValidAPIVersion(v string) bool { return apiVersionPattern.MatchString(v) }

// Config holds what a Client needs besides credentials.
type Config struct {
	HTTPClient *http.Client
	Policy     HostPolicy
	APIVersion string
	Logger     *slog.Logger
	// Backoff lists the waits before each retry; nil means DefaultBackoff.
	Backoff []time.Duration
}

// Client talks to one org's Metadata REST API.
type Client struct {
	hc         *http.Client
	policy     HostPolicy
	apiVersion string
	log        *slog.Logger
	backoff    []time.Duration
	auth       Authenticator

	mu      sync.Mutex
	session Session
	usage   string
}

// New builds a client; it authenticates lazily, on the first request.
func New(cfg Config, auth Authenticator) (*Client, error) {
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if !ValidAPIVersion(cfg.APIVersion) {
		return nil, fmt.Errorf("invalid api-version %q: want NN.0, such as %s",
			cfg.APIVersion, DefaultAPIVersion)
	}
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 2 * time.Minute}
	}
	hc := *base
	policy := cfg.Policy
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("stopped after 5 redirects")
		}
		if err := policy.AllowRequest(req.URL); err != nil {
			return fmt.Errorf("refuse redirect: %w", err)
		}
		return nil
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	backoff := cfg.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	return &Client{hc: &hc, policy: policy, apiVersion: cfg.APIVersion, log: logger,
		backoff: backoff, auth: auth}, nil
}

// Session authenticates if needed and returns the current session.
func (c *Client) Session(ctx context.Context) (Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session.AccessToken != "" {
		return c.session, nil
	}
	s, err := c.auth.Authenticate(ctx, c.hc, false)
	if err != nil {
		return Session{}, err
	}
	c.session = s
	return s, nil
}

func (c *Client) refresh(ctx context.Context, stale string) (Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session.AccessToken != stale {
		return c.session, nil
	}
	s, err := c.auth.Authenticate(ctx, c.hc, true)
	if err != nil {
		return Session{}, err
	}
	c.session = s
	return s, nil
}

// APIUsage returns the last Sforce-Limit-Info value, such as "api-usage=18/15000".
func (c *Client) APIUsage() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.usage
}

// request is one REST call: a method, a path under /services/data/vNN.0/, and a body.
type request struct {
	method      string
	path        string
	query       url.Values
	body        func() (io.Reader, int64, error)
	contentType string
	retry       bool
	// decode, when set, parses a 2xx body; a body it cannot parse counts as transient.
	decode func([]byte) error
}

// do sends a request, refreshing the session once on 401 and retrying transient failures
// when the request is safe to repeat. It returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	refreshed := false
	for attempt := 0; ; attempt++ {
		body, err := c.once(ctx, r)
		switch {
		case err == nil:
			return body, nil
		case errors.Is(err, ErrSessionExpired) && !refreshed:
			refreshed = true
			if _, rerr := c.refresh(ctx, c.currentToken()); rerr != nil {
				return nil, refreshFailed(err, rerr)
			}
			continue
		case !r.retry || !isTransient(err) || attempt >= len(c.backoff):
			return nil, err
		}
		c.log.Debug("retrying after transient failure", "path", r.path, "attempt", attempt+1,
			"error", err.Error())
		if werr := sleep(ctx, c.backoff[attempt]); werr != nil {
			return nil, fmt.Errorf("%w (gave up waiting: %w)", err, werr)
		}
	}
}

// refreshFailed reports a failed refresh: as an expired session when the credential cannot
// refresh or was refused, else as the refresh's own (possibly transient) failure, so that a
// brief token endpoint outage is retried rather than taken for an expired session.
func refreshFailed(expired, refresh error) error {
	if errors.Is(refresh, ErrSessionExpired) || errors.Is(refresh, ErrAuthFailed) {
		return fmt.Errorf("%w (refresh: %w)", expired, refresh)
	}
	return fmt.Errorf("refresh the expired session: %w", refresh)
}

func (c *Client) currentToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session.AccessToken
}

func (c *Client) once(ctx context.Context, r request) ([]byte, error) {
	s, err := c.Session(ctx)
	if err != nil {
		return nil, err
	}
	u := s.InstanceURL.JoinPath("services", "data", "v"+c.apiVersion, r.path)
	u.RawQuery = r.query.Encode()
	var reader io.Reader
	var size int64
	if r.body != nil {
		if reader, size, err = r.body(); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), reader)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	req.Header.Set("Accept", "application/json")
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := c.hc.Do(req)
	if errors.Is(err, ErrHostNotAllowed) {
		return nil, fmt.Errorf("%s %s: %w", r.method, u.Path, scrubURLError(err))
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %w", r.method, u.Path, errTransient, scrubURLError(err))
	}
	defer resp.Body.Close()
	c.noteUsage(resp.Header.Get("Sforce-Limit-Info"))
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w: %w", r.method, u.Path, errTransient, err)
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %w", r.method, u.Path, parseAPIError(resp.StatusCode, body))
	}
	if r.decode != nil {
		if err := r.decode(body); err != nil {
			return nil, fmt.Errorf("%s %s: decode answer: %w: %w", r.method, u.Path, errTransient, err)
		}
	}
	return body, nil
}

func (c *Client) noteUsage(info string) {
	if info == "" {
		return
	}
	c.mu.Lock()
	c.usage = info
	c.mu.Unlock()
	c.log.Debug("org API usage", "limit_info", info)
}

func isTransient(err error) bool {
	if errors.Is(err, errTransient) {
		return true
	}
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.transient()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// bytesBody makes a request body that can be re-read on every attempt.
func bytesBody(b []byte) func() (io.Reader, int64, error) {
	return func() (io.Reader, int64, error) { return bytes.NewReader(b), int64(len(b)), nil }
}
