package fakeorg

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"strconv"
)

const (
	grantRefresh   = "refresh_token"
	grantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// oauthError is an OAuth error answer: 400 {"error":…,"error_description":…}.
type oauthError struct {
	code        string
	description string
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

var (
	errExpiredGrant  = &oauthError{"invalid_grant", "expired access/refresh token"}
	errClientID      = &oauthError{"invalid_client_id", "client identifier invalid"}
	errClientSecret  = &oauthError{"invalid_client", "invalid client credentials"}
	errBadAssertion  = &oauthError{"invalid_grant", "invalid assertion"}
	errUnknownSubj   = &oauthError{"invalid_grant", "user hasn't approved this consumer"}
	errUnknownGrant  = &oauthError{"unsupported_grant_type", "grant type not supported"}
	errMustPost      = &oauthError{"invalid_request", "must use HTTP POST"}
	errFormRequired  = &oauthError{"invalid_request", "parameters must be form-encoded"}
	errQueryRejected = &oauthError{"invalid_request", "parameters must not be sent in the URL"}
)

// handleToken serves POST /services/oauth2/token for the refresh and JWT bearer grants.
func (o *Org) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := o.grant(r); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error": err.code, "error_description": err.description,
		})
		return
	}
	o.mu.Lock()
	body := o.issueToken(r.PostForm.Get("grant_type"))
	o.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// grant checks the token request and returns the OAuth error it earns, if any.
func (o *Org) grant(r *http.Request) *oauthError {
	if r.Method != http.MethodPost {
		return errMustPost
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/x-www-form-urlencoded" {
		return errFormRequired
	}
	if r.URL.RawQuery != "" {
		return errQueryRejected
	}
	if err := r.ParseForm(); err != nil {
		return errFormRequired
	}
	form := r.PostForm
	switch form.Get("grant_type") {
	case grantRefresh:
		if o.opts.ClientID == "" || !same(form.Get("client_id"), o.opts.ClientID) {
			return errClientID
		}
		if o.opts.ClientSecret != "" && !same(form.Get("client_secret"), o.opts.ClientSecret) {
			return errClientSecret
		}
		if o.opts.RefreshToken == "" || !same(form.Get("refresh_token"), o.opts.RefreshToken) {
			return errExpiredGrant
		}
		return nil
	case grantJWTBearer:
		return o.checkAssertion(form.Get("assertion"))
	default:
		return errUnknownGrant
	}
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// issueToken mints and accepts a new access token; the caller holds o.mu.
func (o *Org) issueToken(grantType string) map[string]any {
	o.issued++
	token := fmt.Sprintf("00D5g00000ABCDE!AQ4AQFakeIssuedToken%04d", o.issued)
	o.tokens[token] = true

	instance := o.opts.InstanceURL
	if instance == "" {
		instance = o.url
	}
	id := fmt.Sprintf("%s/id/%s/%s", instance, orgID, userID)
	issuedAt := strconv.FormatInt(o.now().UnixMilli(), 10)
	key := o.opts.ClientSecret
	if key == "" {
		key = "fakeorg"
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(id + issuedAt))

	scope := "api"
	if grantType == grantRefresh {
		scope = "refresh_token api"
	}
	return map[string]any{
		"access_token": token,
		"instance_url": instance,
		"id":           id,
		"token_type":   "Bearer",
		"issued_at":    issuedAt,
		"signature":    base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		"scope":        scope,
	}
}
