package salesforce

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestOrgURL(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		extra   []string
		want    string
		wantErr string
	}{
		{name: "my domain", raw: "https://acme.my.salesforce.com", want: "https://acme.my.salesforce.com"},
		{name: "trailing slash and case", raw: "https://ACME.my.salesforce.com/",
			want: "https://acme.my.salesforce.com"},
		{name: "sandbox", raw: "https://acme--uat.sandbox.my.salesforce.com",
			want: "https://acme--uat.sandbox.my.salesforce.com"},
		{name: "scratch", raw: "https://ability-force-1234.scratch.my.salesforce.com",
			want: "https://ability-force-1234.scratch.my.salesforce.com"},
		{name: "defence cloud", raw: "https://army.my.salesforce.mil", want: "https://army.my.salesforce.mil"},
		{name: "http refused", raw: "http://acme.my.salesforce.com", wantErr: "only https"},
		{name: "user info", raw: "https://u:p@acme.my.salesforce.com", wantErr: "user info"},
		{name: "path", raw: "https://acme.my.salesforce.com/services", wantErr: "no path"},
		{name: "force.com refused", raw: "https://acme.lightning.force.com", wantErr: "allowed-org-hosts"},
		{name: "lookalike", raw: "https://acme.my.salesforce.com.evil.io", wantErr: "not allowed"},
		{name: "unknown partition", raw: "https://a.evil.my.salesforce.com", wantErr: "not allowed"},
		{name: "login host is not an org", raw: "https://login.salesforce.com", wantErr: "not allowed"},
		{name: "loopback unlisted", raw: "https://127.0.0.1:8443", wantErr: "list it in allowed-org-hosts"},
		{name: "loopback listed", raw: "https://127.0.0.1:8443", extra: []string{"127.0.0.1"},
			want: "https://127.0.0.1:8443"},
		{name: "loopback http listed", raw: "http://localhost:8080", extra: []string{"localhost:8080"},
			want: "http://localhost:8080"},
		{name: "http to listed non-loopback", raw: "http://org.example.com",
			extra: []string{"*.example.com"}, wantErr: "only https"},
		{name: "extra pattern", raw: "https://org.example.com", extra: []string{"*.example.com"},
			want: "https://org.example.com"},
		{name: "garbage", raw: "::", wantErr: "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HostPolicy{Extra: tt.extra}.OrgURL(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("OrgURL(%q) error = %v, want it to contain %q", tt.raw, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("OrgURL(%q): %v", tt.raw, err)
			}
			if got.String() != tt.want {
				t.Errorf("OrgURL(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestLoginURLAllowsGenericLoginHosts(t *testing.T) {
	for _, raw := range []string{"https://login.salesforce.com", "https://test.salesforce.com"} {
		if _, err := (HostPolicy{}).LoginURL(raw); err != nil {
			t.Errorf("LoginURL(%q): %v", raw, err)
		}
	}
	u, _ := url.Parse("https://evil.example/steal")
	if err := (HostPolicy{}).AllowRequest(u); !errors.Is(err, ErrHostNotAllowed) {
		t.Errorf("AllowRequest(evil) = %v, want ErrHostNotAllowed", err)
	}
}

func TestParseHostPatterns(t *testing.T) {
	got, err := ParseHostPatterns(" 127.0.0.1 , *.Example.com,, ")
	if err != nil || len(got) != 2 || got[1] != "*.example.com" {
		t.Fatalf("ParseHostPatterns = %v, %v", got, err)
	}
	for _, bad := range []string{"a/b", "user@host", "[bad"} {
		if _, err := ParseHostPatterns(bad); err == nil {
			t.Errorf("ParseHostPatterns(%q) = nil error", bad)
		}
	}
}

func FuzzOrgURL(f *testing.F) {
	for _, seed := range []string{"https://acme.my.salesforce.com", "http://127.0.0.1:1",
		"https://a--b.sandbox.my.salesforce.com/", "https://x@y.my.salesforce.com", "%zz"} {
		f.Add(seed)
	}
	policy := HostPolicy{Extra: []string{"127.0.0.1"}}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := policy.OrgURL(raw)
		if err != nil {
			return
		}
		if u.User != nil || u.Path != "" || u.RawQuery != "" {
			t.Fatalf("OrgURL(%q) = %q kept more than scheme and host", raw, u)
		}
		host := u.Hostname()
		if !IsSalesforceOrgHost(host) && host != "127.0.0.1" {
			t.Fatalf("OrgURL(%q) allowed host %q", raw, host)
		}
		if u.Scheme != "https" && host != "127.0.0.1" {
			t.Fatalf("OrgURL(%q) allowed scheme %q", raw, u.Scheme)
		}
	})
}

func TestOrgURLHostileForms(t *testing.T) {
	tests := []struct {
		raw  string
		want string // "" means refused
	}{
		{"https://ACME.MY.SALESFORCE.COM", "https://acme.my.salesforce.com"},
		{"https://acme.my.salesforce.com.", "https://acme.my.salesforce.com"},
		{"https://acme.my.salesforce.com:443", "https://acme.my.salesforce.com:443"},
		{"https://acme.my.salesforce.com.evil.example", ""},
		{"https://my.salesforce.com.evil.example", ""},
		{"https://evil.example/acme.my.salesforce.com", ""},
		{"https://evil.example?acme.my.salesforce.com", ""},
		{"https://acme.my.salesforce.com@evil.example", ""},
		{"https://evil.example#@acme.my.salesforce.com", ""},
		{"https://acme.my.salesforcе.com", ""}, // Cyrillic е
		{"https://acme.my.ѕalesforce.com", ""}, // Cyrillic ѕ
		{"https://xn--acme-9va.my.salesforce.com", "https://xn--acme-9va.my.salesforce.com"},
		{"https://10.0.0.1", ""},
		{"https://[::1]:8443", ""},
		{"https://127.0.0.1", ""},
		{"https://2130706433", ""},
		{"https://.my.salesforce.com", ""},
		{"https://-acme.my.salesforce.com", ""},
		{"https://a.b.sandbox.my.salesforce.com", ""},
		{"https://acme.lightning.force.com", ""},
		{"https://acme.my.site.com", ""},
		{"https:///acme.my.salesforce.com", ""},
		{"javascript://acme.my.salesforce.com", ""},
		{" https://acme.my.salesforce.com ", "https://acme.my.salesforce.com"},
	}
	for _, tt := range tests {
		got, err := HostPolicy{}.OrgURL(tt.raw)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("OrgURL(%q) = %q, want refused", tt.raw, got)
		case tt.want != "" && err != nil:
			t.Errorf("OrgURL(%q): %v", tt.raw, err)
		case tt.want != "" && got.String() != tt.want:
			t.Errorf("OrgURL(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
	ipv6, err := HostPolicy{Extra: []string{"::1"}}.OrgURL("https://[::1]:8443")
	if err != nil || ipv6.String() != "https://[::1]:8443" {
		t.Errorf("listed IPv6 loopback = %v, %v", ipv6, err)
	}
}

func FuzzParseJWTKey(f *testing.F) {
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----"))
	f.Add([]byte("not a key"))
	f.Fuzz(func(t *testing.T, pem []byte) {
		key, err := ParseJWTKey(pem)
		if err != nil {
			if strings.Contains(err.Error(), string(pem)) && len(pem) > 16 {
				t.Fatalf("error repeats the key material: %v", err)
			}
			return
		}
		if key == nil || key.N == nil {
			t.Fatal("nil key without an error")
		}
	})
}

func TestOrgURLErrorsDoNotEchoTheURL(t *testing.T) {
	const sid = "00D5g00000ABCDE!AQ4AQSessionIdPastedByMistake"
	for _, raw := range []string{
		"https://acme.my.salesforce.com/secur/frontdoor.jsp?sid=" + sid,
		"https://acme.my.salesforce.com/?sid=" + sid,
		"%zz" + sid,
		"https://evil.example/" + sid,
	} {
		_, err := HostPolicy{}.OrgURL(raw)
		if err == nil || strings.Contains(err.Error(), sid) {
			t.Errorf("OrgURL error %v repeats the URL", err)
		}
	}
}
