package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// orgOptions are the options of every command that talks to an org.
var orgOptions = []option{
	{name: "org-url", usage: "the org's https My Domain URL"},
	{name: "access-token", usage: "an access token or session id", secret: true},
	{name: "auth-url", usage: "an SFDX auth URL force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST",
		secret: true},
	{name: "client-id", usage: "JWT bearer flow: the connected app's consumer key"},
	{name: "username", usage: "JWT bearer flow: the user to log in as"},
	{name: "jwt-key", usage: "JWT bearer flow: the PEM private key", secret: true},
	{name: "jwt-key-file", usage: "JWT bearer flow: a file holding the PEM private key"},
	{name: "login-url", usage: "JWT bearer flow: the login URL", def: "https://login.salesforce.com"},
	{name: "api-version", usage: "Metadata REST API version NN.0", def: salesforce.DefaultAPIVersion},
	{name: "allowed-org-hosts", usage: "extra allowed org host patterns, comma-separated"},
	{name: "results-dir", usage: "where artifacts go", def: "sf-async-deploy-results"},
}

// orgConfig is the validated org connection a command uses.
type orgConfig struct {
	orgURL     *url.URL
	auth       salesforce.Authenticator
	policy     salesforce.HostPolicy
	apiVersion string
}

// readOrgConfig validates the org options before any request is made.
func readOrgConfig(o *options) (orgConfig, error) {
	patterns, err := salesforce.ParseHostPatterns(o.str("allowed-org-hosts"))
	if err != nil {
		return orgConfig{}, usageErrorf("option allowed-org-hosts: %s", err)
	}
	cfg := orgConfig{policy: salesforce.HostPolicy{Extra: patterns},
		apiVersion: o.str("api-version")}
	if !salesforce.ValidAPIVersion(cfg.apiVersion) {
		return orgConfig{}, usageErrorf("option api-version: %q is not a version: use NN.0, "+
			"such as %s", cfg.apiVersion, salesforce.DefaultAPIVersion)
	}
	if raw := o.str("org-url"); raw != "" {
		if cfg.orgURL, err = cfg.policy.OrgURL(raw); err != nil {
			return orgConfig{}, usageErrorf("option org-url: %s", err)
		}
	}
	cfg.auth, err = readAuth(o, cfg)
	return cfg, err
}

func readAuth(o *options, cfg orgConfig) (salesforce.Authenticator, error) {
	token, authURL := o.str("access-token"), o.str("auth-url")
	jwtGiven := o.given("client-id") || o.given("username") || o.given("jwt-key") ||
		o.given("jwt-key-file")
	methods := 0
	for _, given := range []bool{token != "", authURL != "", jwtGiven} {
		if given {
			methods++
		}
	}
	switch {
	case methods == 0:
		return nil, usageErrorf("no org credentials: set access-token (with org-url), auth-url, " +
			"or client-id, username and jwt-key for the JWT bearer flow")
	case methods > 1:
		return nil, usageErrorf("options access-token, auth-url and the JWT options " +
			"(client-id, username, jwt-key) are alternatives: give only one of them")
	case token != "":
		if cfg.orgURL == nil {
			return nil, usageErrorf("option org-url is required with access-token: " +
				"set it to the org's https My Domain URL")
		}
		return salesforce.TokenAuth{OrgURL: cfg.orgURL, AccessToken: token}, nil
	case authURL != "":
		parsed, err := salesforce.ParseAuthURL(authURL, cfg.policy)
		if err != nil {
			return nil, usageErrorf("option auth-url: %s", err)
		}
		return salesforce.RefreshAuth{AuthURL: parsed, OrgURL: cfg.orgURL, Policy: cfg.policy}, nil
	}
	return readJWTAuth(o, cfg)
}

func readJWTAuth(o *options, cfg orgConfig) (salesforce.Authenticator, error) {
	clientID, username := o.str("client-id"), o.str("username")
	if clientID == "" || username == "" {
		return nil, usageErrorf("the JWT bearer flow needs both client-id and username")
	}
	pem := o.str("jwt-key")
	if file := o.str("jwt-key-file"); file != "" {
		if pem != "" {
			return nil, usageErrorf("options jwt-key and jwt-key-file are alternatives: give one")
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usageErrorf("option jwt-key-file: cannot read %q: %s", file, err)
		}
		pem = string(b)
	}
	if pem == "" {
		return nil, usageErrorf("the JWT bearer flow needs jwt-key or jwt-key-file")
	}
	key, err := salesforce.ParseJWTKey([]byte(strings.ReplaceAll(pem, `\n`, "\n")))
	if err != nil {
		return nil, usageErrorf("option jwt-key: not a PEM RSA private key: give the " +
			"connected app's server.key (-----BEGIN PRIVATE KEY-----)")
	}
	login, err := cfg.policy.LoginURL(o.str("login-url"))
	if err != nil {
		return nil, usageErrorf("option login-url: %s", err)
	}
	return salesforce.JWTAuth{ClientID: clientID, Username: username, Key: key,
		LoginURL: login, OrgURL: cfg.orgURL, Policy: cfg.policy}, nil
}

// connect builds the org client, logs in, and masks the token it obtained.
func (r *run) connect(ctx context.Context, cfg orgConfig) (*salesforce.Client, salesforce.Session,
	error) {
	client, err := salesforce.New(salesforce.Config{HTTPClient: r.env.HTTPClient,
		Policy: cfg.policy, APIVersion: cfg.apiVersion, Logger: r.log}, cfg.auth)
	if err != nil {
		return nil, salesforce.Session{}, usageErrorf("option api-version: %s", err)
	}
	session, err := client.Session(ctx)
	if err != nil {
		return nil, salesforce.Session{}, fmt.Errorf("log in to the org: %w", err)
	}
	r.addSecrets(session.AccessToken)
	return client, session, nil
}
