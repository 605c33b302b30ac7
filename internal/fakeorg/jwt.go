package fakeorg

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// maxAssertionLife is how far ahead a JWT's exp may be: Salesforce asks for a few minutes,
// and this catches an exp written in milliseconds.
const maxAssertionLife = time.Hour

// audiences is every aud the JWT bearer grant accepts: the login hosts and the org's URL.
func (o *Org) audiences() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	aud := []string{"https://login.salesforce.com", "https://test.salesforce.com", o.url}
	if o.opts.InstanceURL != "" {
		aud = append(aud, o.opts.InstanceURL)
	}
	return aud
}

// jwtClaims are the claims the JWT bearer grant reads.
type jwtClaims struct {
	Issuer   string          `json:"iss"`
	Subject  string          `json:"sub"`
	Audience json.RawMessage `json:"aud"`
	Expires  *json.Number    `json:"exp"`
}

// checkAssertion verifies an RS256 JWT: signature, iss, sub, aud and exp.
func (o *Org) checkAssertion(assertion string) *oauthError {
	if o.opts.JWTKey == nil {
		return errBadAssertion
	}
	claims, err := verifyRS256(assertion, o.opts.JWTKey)
	if err != nil {
		return errBadAssertion
	}
	if !same(claims.Issuer, o.opts.ClientID) || o.opts.ClientID == "" {
		return errClientID
	}
	if !same(claims.Subject, o.opts.Username) || o.opts.Username == "" {
		return errUnknownSubj
	}
	if !audienceOK(claims.Audience, o.audiences()) {
		return &oauthError{"invalid_grant", "audience is invalid"}
	}
	if claims.Expires == nil {
		return &oauthError{"invalid_grant", "invalid assertion: exp is required"}
	}
	exp, err := claims.Expires.Int64()
	now := o.opts.JWTClock()
	switch {
	case err != nil:
		return &oauthError{"invalid_grant", "invalid assertion: exp must be seconds"}
	case exp <= now.Unix():
		return &oauthError{"invalid_grant", "invalid assertion: expired"}
	case exp > now.Add(maxAssertionLife).Unix():
		return &oauthError{"invalid_grant", "invalid assertion: exp is too far ahead"}
	}
	return nil
}

// verifyRS256 checks the JWT's header and signature and returns its claims.
func verifyRS256(token string, key *rsa.PublicKey) (jwtClaims, error) {
	var claims jwtClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims, fmt.Errorf("parse jwt: %d segments, want 3", len(parts))
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return claims, fmt.Errorf("parse jwt header: %w", err)
	}
	if header.Alg != "RS256" {
		return claims, fmt.Errorf("parse jwt header: alg %q, want RS256", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return claims, fmt.Errorf("decode jwt signature: %w", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return claims, fmt.Errorf("verify jwt signature: %w", err)
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return claims, fmt.Errorf("parse jwt claims: %w", err)
	}
	return claims, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return fmt.Errorf("decode segment: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode segment: %w", err)
	}
	return nil
}

// audienceOK reports whether aud, a string or an array of strings, names an accepted one.
func audienceOK(raw json.RawMessage, accepted []string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return slices.Contains(accepted, strings.TrimSuffix(one, "/"))
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil {
		return false
	}
	for _, a := range many {
		if slices.Contains(accepted, strings.TrimSuffix(a, "/")) {
			return true
		}
	}
	return false
}
