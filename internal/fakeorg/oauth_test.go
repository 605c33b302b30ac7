package fakeorg

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	testClientID = "3MVG9fakeClientId"
	testRefresh  = "5Aep861fakeRefreshToken"
	testUser     = "ci@example.com"
)

// token posts form to the token endpoint and returns the status and decoded answer.
func token(t *testing.T, org *Org, form url.Values) (int, map[string]any) {
	t.Helper()
	status, b := call(t, org, http.MethodPost, "/services/oauth2/token",
		"application/x-www-form-urlencoded", []byte(form.Encode()))
	return status, decode(t, b)
}

func TestRefreshGrant(t *testing.T) {
	good := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {testRefresh},
		"client_id": {testClientID}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range good {
			f[key] = vals
		}
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name   string
		secret string
		form   url.Values
		err    string
		desc   string
	}{
		{name: "granted", form: good},
		{name: "granted with secret", secret: "s3cret", form: with("client_secret", "s3cret")},
		{name: "expired refresh token", form: with("refresh_token", "5Aepold"),
			err: "invalid_grant", desc: "expired access/refresh token"},
		{name: "other client", form: with("client_id", "PlatformCLI"), err: "invalid_client_id"},
		{name: "missing secret", secret: "s3cret", form: good, err: "invalid_client"},
		{name: "unknown grant", form: with("grant_type", "password"),
			err: "unsupported_grant_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, Options{RefreshToken: testRefresh, ClientID: testClientID,
				ClientSecret: tc.secret})
			status, m := token(t, org, tc.form)
			if tc.err != "" {
				if status != 400 || m["error"] != tc.err ||
					tc.desc != "" && m["error_description"] != tc.desc {
					t.Errorf("status %d, answer %v; want 400 %s", status, m, tc.err)
				}
				return
			}
			checkGranted(t, org, status, m, org.URL())
		})
	}
}

// checkGranted checks a token answer and that its access token opens the data API.
func checkGranted(t *testing.T, org *Org, status int, m map[string]any, instance string) {
	t.Helper()
	if status != 200 {
		t.Fatalf("status %d, answer %v", status, m)
	}
	for _, k := range []string{"access_token", "instance_url", "id", "token_type",
		"issued_at", "signature", "scope"} {
		if s, _ := m[k].(string); s == "" {
			t.Errorf("answer has no %s: %v", k, m)
		}
	}
	if m["instance_url"] != instance || m["token_type"] != "Bearer" {
		t.Errorf("answer %v", m)
	}
	tok := m["access_token"].(string)
	if !strings.HasPrefix(tok, "00D") || tok == org.AccessToken() {
		t.Errorf("issued token %q", tok)
	}
	resp := send(t, org, http.MethodGet, testAPI+"/0Af5g0000000099CAA", "", nil, "Bearer "+tok)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the issued token was refused: %d", resp.StatusCode)
	}
}

func TestTokenRequestShape(t *testing.T) {
	org := startOrg(t, Options{RefreshToken: testRefresh, ClientID: testClientID,
		InstanceURL: "https://acme.my.salesforce.com"})
	form := "grant_type=refresh_token&refresh_token=" + testRefresh + "&client_id=" + testClientID
	tests := []struct {
		name, method, path, ct string
		status                 int
	}{
		{"form post", "POST", "/services/oauth2/token", "application/x-www-form-urlencoded", 200},
		{"get", "GET", "/services/oauth2/token", "", 400},
		{"json body", "POST", "/services/oauth2/token", "application/json", 400},
		{"secrets in the url", "POST", "/services/oauth2/token?" + form,
			"application/x-www-form-urlencoded", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, b := call(t, org, tc.method, tc.path, tc.ct, []byte(form))
			m := decode(t, b)
			if status != tc.status {
				t.Fatalf("status %d, want %d; answer %v", status, tc.status, m)
			}
			if status == 200 && m["instance_url"] != "https://acme.my.salesforce.com" {
				t.Errorf("instance_url %v", m["instance_url"])
			}
			if status == 400 && m["error"] == nil {
				t.Errorf("no error in %v", m)
			}
		})
	}
}

// signJWT builds a JWT from header and claims, signed RS256 with key.
func signJWT(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := seg(header) + "." + seg(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestJWTBearerGrant(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	rs256 := map[string]any{"alg": "RS256", "typ": "JWT"}
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"iss": testClientID, "sub": testUser,
			"aud": "https://login.salesforce.com", "exp": now.Add(3 * time.Minute).Unix()}
		if edit != nil {
			edit(c)
		}
		return c
	}
	tests := []struct {
		name      string
		assertion func(org *Org) string
		noKey     bool
		err       string
	}{
		{name: "granted",
			assertion: func(*Org) string { return signJWT(t, key, rs256, claims(nil)) }},
		{name: "my domain audience", assertion: func(org *Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) { c["aud"] = org.URL() }))
		}},
		{name: "audience list", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) {
				c["aud"] = []string{"https://test.salesforce.com/"}
			}))
		}},
		{name: "other key", err: "invalid_grant",
			assertion: func(*Org) string { return signJWT(t, other, rs256, claims(nil)) }},
		{name: "no key configured", noKey: true, err: "invalid_grant",
			assertion: func(*Org) string { return signJWT(t, key, rs256, claims(nil)) }},
		{name: "alg none", err: "invalid_grant", assertion: func(*Org) string {
			s := signJWT(t, key, map[string]any{"alg": "none"}, claims(nil))
			return s[:strings.LastIndex(s, ".")+1]
		}},
		{name: "not a jwt", err: "invalid_grant", assertion: func(*Org) string { return "abc" }},
		{name: "other issuer", err: "invalid_client_id", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) { c["iss"] = "x" }))
		}},
		{name: "other user", err: "invalid_grant", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) { c["sub"] = "x@y" }))
		}},
		{name: "other audience", err: "invalid_grant", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) {
				c["aud"] = "https://evil.example"
			}))
		}},
		{name: "expired", err: "invalid_grant", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) {
				c["exp"] = now.Add(-time.Second).Unix()
			}))
		}},
		{name: "exp in milliseconds", err: "invalid_grant", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) {
				c["exp"] = now.Add(3 * time.Minute).UnixMilli()
			}))
		}},
		{name: "no exp", err: "invalid_grant", assertion: func(*Org) string {
			return signJWT(t, key, rs256, claims(func(c map[string]any) { delete(c, "exp") }))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{ClientID: testClientID, Username: testUser, JWTKey: &key.PublicKey,
				JWTClock: func() time.Time { return now }}
			if tc.noKey {
				opts.JWTKey = nil
			}
			org := startOrg(t, opts)
			status, m := token(t, org, url.Values{
				"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
				"assertion":  {tc.assertion(org)},
			})
			if tc.err != "" {
				if status != 400 || m["error"] != tc.err || m["error_description"] == nil {
					t.Errorf("status %d, answer %v; want 400 %s", status, m, tc.err)
				}
				return
			}
			checkGranted(t, org, status, m, org.URL())
		})
	}
}
