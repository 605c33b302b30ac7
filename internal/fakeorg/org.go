// Package fakeorg is a Salesforce-shaped org served over real HTTP: the Metadata REST
// deployRequest resource, the OAuth token endpoint, API usage headers and injectable faults.
//
// It writes JSON shaped as the real REST API sends it, built independently of the client's
// decoded types, so tests that talk to it exercise the client's decoding for real. It is
// deterministic (ids, payloads and, by default, timestamps depend only on the Options and the
// order of requests) and safe for concurrent use.
//
// Where the real API's behaviour is unconfirmed it takes the stricter reading, so clients
// are tested against the worst case: status reads leave the top-level id and deployOptions
// null, JSON field names are case-sensitive and unknown ones refused, and a validation can
// be quick-deployed once.
package fakeorg

import (
	"crypto/rsa"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// DefaultAccessToken is the access token an Org accepts when Options.AccessToken is empty.
const DefaultAccessToken = "00D5g00000ABCDE!AQ4AQFakeAccessTokenForTestsOnly0001"

// DefaultStart is the instant the default clock starts at.
var DefaultStart = time.Date(2026, 11, 30, 10, 15, 0, 0, time.UTC)

// Options configure an Org. The zero value is a usable org that deploys successfully.
type Options struct {
	// AccessToken is accepted as "Authorization: Bearer …"; empty means DefaultAccessToken.
	AccessToken string
	// RefreshToken and ClientID are accepted by the refresh_token grant.
	RefreshToken string
	ClientID     string
	// ClientSecret, when set, must accompany the refresh_token grant.
	ClientSecret string
	// Username is the subject the JWT bearer grant requires.
	Username string
	// JWTKey verifies RS256 assertions of the JWT bearer grant; nil refuses that grant.
	JWTKey *rsa.PublicKey
	// JWTClock is the time a JWT's exp is checked against; nil means time.Now.
	JWTClock func() time.Time
	// InstanceURL is the instance_url token grants answer; empty means the server's URL.
	InstanceURL string

	// Outcome is how deployments end; each deployment takes the Outcome current at its start.
	Outcome Outcome
	// Scenario is how many polls each phase lasts; the zero Scenario means DefaultScenario().
	Scenario Scenario
	// Components is the number of metadata components deployed; 0 means 5.
	Components int
	// Tests is the number of Apex test methods run when tests run; 0 means 4.
	Tests int
	// ComponentErrors is how many components fail under OutcomeComponentFailure and
	// OutcomePartial; 0 means 1.
	ComponentErrors int
	// TestErrors is how many test methods fail under OutcomeTestFailure; 0 means 1.
	TestErrors int

	// StatusEcho makes status reads carry id and deployOptions, which the real API may
	// leave null (and by default this org does).
	StatusEcho bool

	// MinAPIVersion and MaxAPIVersion bound the accepted vNN.0; 0 means 43 and no maximum.
	MinAPIVersion int
	MaxAPIVersion int
	// APILimit is the daily request allowance in Sforce-Limit-Info; 0 means 15000.
	APILimit int

	// Now gives timestamps; nil means a clock at DefaultStart advancing Step per request.
	Now func() time.Time
	// Step is how far the default clock advances per deployRequest call; 0 means 1s.
	Step time.Duration
	// Logger, when set, receives one debug line per request (never a token).
	Logger *slog.Logger
}

// Org is a fake Salesforce org. Create it with New, then Start or StartTLS it.
type Org struct {
	opts Options

	mu          sync.Mutex
	srv         *httptest.Server
	url         string
	clock       time.Time
	usage       int
	tokens      map[string]bool
	issued      int
	deployments map[string]*deployment
	order       []string
	received    []Deployment
	requests    []Request
	faults      []*queuedFault
	outcome     Outcome

	closing   chan struct{}
	closeOnce sync.Once
}

// New returns an Org configured by opts, not yet serving.
func New(opts Options) *Org {
	if opts.AccessToken == "" {
		opts.AccessToken = DefaultAccessToken
	}
	if opts.Scenario == (Scenario{}) {
		opts.Scenario = DefaultScenario()
	}
	opts.Components = orDefault(opts.Components, 5)
	opts.Tests = orDefault(opts.Tests, 4)
	opts.ComponentErrors = min(orDefault(opts.ComponentErrors, 1), opts.Components)
	opts.TestErrors = min(orDefault(opts.TestErrors, 1), opts.Tests)
	opts.MinAPIVersion = orDefault(opts.MinAPIVersion, 43)
	opts.APILimit = orDefault(opts.APILimit, 15000)
	opts.Step = time.Duration(orDefault(int64(opts.Step), int64(time.Second)))
	if opts.JWTClock == nil {
		opts.JWTClock = time.Now
	}
	return &Org{
		opts:        opts,
		clock:       DefaultStart,
		tokens:      map[string]bool{opts.AccessToken: true},
		deployments: map[string]*deployment{},
		outcome:     opts.Outcome,
		closing:     make(chan struct{}),
	}
}

func orDefault[T int | int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Start serves the org over plain HTTP on a loopback port and returns its base URL.
func (o *Org) Start() string { return o.start(false) }

// StartTLS serves the org over HTTPS with a test certificate and returns its base URL.
func (o *Org) StartTLS() string { return o.start(true) }

func (o *Org) start(tls bool) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.srv != nil {
		return o.url
	}
	o.srv = httptest.NewUnstartedServer(http.HandlerFunc(o.serveHTTP))
	o.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if o.opts.Logger != nil {
		o.srv.Config.ErrorLog = slog.NewLogLogger(o.opts.Logger.Handler(), slog.LevelDebug)
	}
	if tls {
		o.srv.StartTLS()
	} else {
		o.srv.Start()
	}
	o.url = o.srv.URL
	return o.url
}

// URL returns the base URL the org serves on, or "" before Start.
func (o *Org) URL() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.url
}

// CertificatePEM returns the TLS certificate in PEM, for a process that must trust it
// (through SSL_CERT_FILE); it is empty before StartTLS.
func (o *Org) CertificatePEM() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.srv == nil || o.srv.Certificate() == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.srv.Certificate().Raw})
}

// Client returns an HTTP client that trusts the org's TLS certificate (nil before Start).
func (o *Org) Client() *http.Client {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.srv == nil {
		return nil
	}
	return o.srv.Client()
}

// Close ends pending delays and shuts the server down, waiting for open requests.
func (o *Org) Close() {
	o.closeOnce.Do(func() { close(o.closing) })
	o.mu.Lock()
	srv := o.srv
	o.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// AccessToken returns the access token the org accepts from the start.
func (o *Org) AccessToken() string { return o.opts.AccessToken }

// Revoke makes the org refuse token from now on with 401 INVALID_SESSION_ID.
func (o *Org) Revoke(token string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.tokens, token)
}

// SetOutcome changes the Outcome of deployments started from now on.
func (o *Org) SetOutcome(out Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.outcome = out
}

// now returns the current time of the org's clock; the caller holds o.mu.
func (o *Org) now() time.Time {
	if o.opts.Now != nil {
		return o.opts.Now().UTC()
	}
	return o.clock
}

// tick advances the default clock by one step; the caller holds o.mu.
func (o *Org) tick() {
	o.clock = o.clock.Add(o.opts.Step)
}
