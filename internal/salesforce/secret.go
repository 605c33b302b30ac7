package salesforce

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrBadCredentialSecret marks an org credential secret of the wrong shape.
var ErrBadCredentialSecret = errors.New("org credential secret has the wrong shape")

// credentialSecret is the JSON form of an org credential secret.
type credentialSecret struct {
	AuthURL    string `json:"authUrl"`
	ClientID   string `json:"clientId"`
	Username   string `json:"username"`
	PrivateKey string `json:"privateKey"`
	LoginURL   string `json:"loginUrl"`
	OrgURL     string `json:"orgUrl"`
}

// ParseCredentialSecret reads an org credential secret: an SFDX auth URL, JSON
// {"authUrl": …}, or JSON {"clientId", "username", "privateKey", "loginUrl"} for the JWT
// bearer flow. Errors never repeat the secret.
func ParseCredentialSecret(value string, policy HostPolicy) (Authenticator, error) {
	value = strings.TrimSpace(value)
	if strings.HasPrefix(value, "force://") {
		return authURLSecret(value, policy)
	}
	var s credentialSecret
	if err := json.Unmarshal([]byte(value), &s); err != nil {
		return nil, fmt.Errorf("%w: want an SFDX auth URL or a JSON object", ErrBadCredentialSecret)
	}
	if s.AuthURL != "" {
		return authURLSecret(s.AuthURL, policy)
	}
	if s.ClientID == "" || s.Username == "" || s.PrivateKey == "" {
		return nil, fmt.Errorf("%w: JSON needs authUrl, or clientId, username and privateKey",
			ErrBadCredentialSecret)
	}
	key, err := ParseJWTKey([]byte(strings.ReplaceAll(s.PrivateKey, `\n`, "\n")))
	if err != nil {
		return nil, fmt.Errorf("%w: privateKey is not a PEM RSA private key", ErrBadCredentialSecret)
	}
	if s.LoginURL == "" {
		s.LoginURL = "https://login.salesforce.com"
	}
	login, err := policy.LoginURL(s.LoginURL)
	if err != nil {
		return nil, fmt.Errorf("%w: loginUrl: %w", ErrBadCredentialSecret, err)
	}
	return JWTAuth{ClientID: s.ClientID, Username: s.Username, Key: key, LoginURL: login,
		Policy: policy}, nil
}

func authURLSecret(raw string, policy HostPolicy) (Authenticator, error) {
	parsed, err := ParseAuthURL(raw, policy)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCredentialSecret, err)
	}
	return RefreshAuth{AuthURL: parsed, Policy: policy}, nil
}
