package salesforce

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Session is an access token and the org instance it is valid for.
type Session struct {
	InstanceURL *url.URL
	AccessToken string
}

// Authenticator obtains a session for the org.
type Authenticator interface {
	// Authenticate returns a session; refresh asks for a new token after the old one expired.
	Authenticate(ctx context.Context, hc *http.Client, refresh bool) (Session, error)
}

// TokenAuth uses an access token (or session id) given by the user; it cannot refresh.
type TokenAuth struct {
	OrgURL      *url.URL
	AccessToken string
}

// Authenticate returns the given token, or ErrSessionExpired when asked to refresh.
func (a TokenAuth) Authenticate(_ context.Context, _ *http.Client, refresh bool) (Session, error) {
	if refresh {
		return Session{}, fmt.Errorf("%w: the access token cannot be refreshed; "+
			"pass a new access-token, or use auth-url or the JWT options", ErrSessionExpired)
	}
	return Session{InstanceURL: a.OrgURL, AccessToken: a.AccessToken}, nil
}

// AuthURL is a parsed SFDX auth URL: force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST.
type AuthURL struct {
	ClientID     string
	ClientSecret string
	RefreshToken string
	LoginURL     *url.URL
}

// ParseAuthURL parses an SFDX auth URL; errors never repeat the URL's secrets.
func ParseAuthURL(raw string, policy HostPolicy) (AuthURL, error) {
	const form = "want force://CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN@HOST " +
		"(from `sf org display --verbose`)"
	raw = strings.TrimSpace(raw)
	rest, ok := strings.CutPrefix(raw, "force://")
	if !ok {
		return AuthURL{}, fmt.Errorf("auth URL does not start with force://: %s", form)
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return AuthURL{}, fmt.Errorf("auth URL has no @HOST: %s", form)
	}
	creds, host := rest[:at], rest[at+1:]
	parts := strings.SplitN(creds, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return AuthURL{}, fmt.Errorf("auth URL needs a client id and a refresh token: %s", form)
	}
	login, err := policy.LoginURL("https://" + host)
	if err != nil {
		return AuthURL{}, fmt.Errorf("auth URL host: %w", err)
	}
	return AuthURL{ClientID: parts[0], ClientSecret: parts[1], RefreshToken: parts[2],
		LoginURL: login}, nil
}

// RefreshAuth authenticates with an SFDX auth URL's refresh token.
type RefreshAuth struct {
	AuthURL AuthURL
	// OrgURL, when set, is used instead of the instance URL the token endpoint returns.
	OrgURL *url.URL
	Policy HostPolicy
}

// Authenticate runs the OAuth refresh-token grant.
func (a RefreshAuth) Authenticate(ctx context.Context, hc *http.Client, _ bool) (Session, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {a.AuthURL.RefreshToken},
		"client_id":     {a.AuthURL.ClientID},
	}
	if a.AuthURL.ClientSecret != "" {
		form.Set("client_secret", a.AuthURL.ClientSecret)
	}
	return requestToken(ctx, hc, a.AuthURL.LoginURL, form, a.OrgURL, a.Policy)
}

// JWTAuth authenticates with the OAuth JWT bearer flow.
type JWTAuth struct {
	ClientID string
	Username string
	Key      *rsa.PrivateKey
	LoginURL *url.URL
	OrgURL   *url.URL
	Policy   HostPolicy
	Now      func() time.Time
}

// ParseJWTKey parses a PEM RSA private key (PKCS#1 or PKCS#8).
func ParseJWTKey(pem []byte) (*rsa.PrivateKey, error) {
	key, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	if err != nil {
		return nil, fmt.Errorf("parse PEM RSA private key: %w", err)
	}
	return key, nil
}

// Authenticate signs a short-lived assertion and exchanges it for an access token.
func (a JWTAuth) Authenticate(ctx context.Context, hc *http.Client, _ bool) (Session, error) {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	aud := a.LoginURL.String()
	if IsSalesforceOrgHost(a.LoginURL.Hostname()) {
		aud = "https://login.salesforce.com"
		if strings.Contains(a.LoginURL.Hostname(), ".sandbox.") {
			aud = "https://test.salesforce.com"
		}
	}
	claims := jwt.RegisteredClaims{
		Issuer:    a.ClientID,
		Subject:   a.Username,
		Audience:  jwt.ClaimStrings{aud},
		ExpiresAt: jwt.NewNumericDate(now().Add(3 * time.Minute)),
	}
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(a.Key)
	if err != nil {
		return Session{}, fmt.Errorf("sign JWT assertion: %w", err)
	}
	form := url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion":  {assertion},
	}
	return requestToken(ctx, hc, a.LoginURL, form, a.OrgURL, a.Policy)
}

// tokenAnswer is the OAuth token endpoint's success body.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
}

func requestToken(ctx context.Context, hc *http.Client, login *url.URL, form url.Values,
	orgURL *url.URL, policy HostPolicy) (Session, error) {
	endpoint := login.JoinPath("/services/oauth2/token").String()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint,
		strings.NewReader(form.Encode()))
	if err != nil {
		return Session{}, fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return Session{}, fmt.Errorf("request token from %s: %w", login.Host, scrubURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Session{}, fmt.Errorf("read token answer from %s: %w", login.Host, err)
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return Session{}, fmt.Errorf("request token from %s: %w", login.Host,
			parseAPIError(resp.StatusCode, body))
	}
	if resp.StatusCode != http.StatusOK {
		apiErr := parseAPIError(resp.StatusCode, body)
		return Session{}, fmt.Errorf("request token from %s: %w: %w", login.Host, ErrAuthFailed, apiErr)
	}
	var answer tokenAnswer
	if err := json.Unmarshal(body, &answer); err != nil || answer.AccessToken == "" {
		return Session{}, fmt.Errorf("request token from %s: %w: answer has no access_token",
			login.Host, ErrAuthFailed)
	}
	instance := orgURL
	if instance == nil {
		instance, err = policy.OrgURL(answer.InstanceURL)
		if err != nil {
			return Session{}, fmt.Errorf("instance_url from token answer: %w", err)
		}
	}
	return Session{InstanceURL: instance, AccessToken: answer.AccessToken}, nil
}

// ErrAuthFailed marks a refused login (a bad refresh token, key, client id or user).
var ErrAuthFailed = errors.New("authentication failed")

// scrubURLError drops the URL from a transport error; token requests never carry secrets
// in the URL, but keeping errors URL-free makes that a property rather than a habit.
func scrubURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}
