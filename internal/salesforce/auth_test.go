package salesforce

import (
	"strings"
	"testing"
)

const testRefreshToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrBdJ4wPS8uC8opTqlgAo4u2LzQ5q9C"

func TestParseAuthURL(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    AuthURL
		wantErr string
	}{
		{name: "empty secret", raw: "force://PlatformCLI::" + testRefreshToken + "@acme.my.salesforce.com",
			want: AuthURL{ClientID: "PlatformCLI", RefreshToken: testRefreshToken}},
		{name: "with secret", raw: "force://cid:shh:" + testRefreshToken + "@login.salesforce.com",
			want: AuthURL{ClientID: "cid", ClientSecret: "shh", RefreshToken: testRefreshToken}},
		{name: "not force", raw: "https://acme.my.salesforce.com", wantErr: "force://"},
		{name: "no host", raw: "force://cid::" + testRefreshToken, wantErr: "no @HOST"},
		{name: "no token", raw: "force://cid::@acme.my.salesforce.com", wantErr: "refresh token"},
		{name: "foreign host", raw: "force://cid::" + testRefreshToken + "@evil.example",
			wantErr: "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthURL(tt.raw, HostPolicy{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), testRefreshToken) {
					t.Fatalf("error repeats the refresh token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ClientID != tt.want.ClientID || got.ClientSecret != tt.want.ClientSecret ||
				got.RefreshToken != tt.want.RefreshToken || got.LoginURL == nil {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseAuthURL(f *testing.F) {
	f.Add("force://PlatformCLI::" + testRefreshToken + "@acme.my.salesforce.com")
	f.Add("force://a:b:c@127.0.0.1:8443")
	f.Add("force://:::@")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := ParseAuthURL(raw, HostPolicy{Extra: []string{"127.0.0.1"}})
		if err != nil {
			for _, part := range strings.Split(strings.TrimPrefix(raw, "force://"), ":") {
				if len(part) > 20 && strings.Contains(err.Error(), part) {
					t.Fatalf("error %q repeats part of the auth URL", err)
				}
			}
			return
		}
		if got.ClientID == "" || got.RefreshToken == "" || got.LoginURL == nil {
			t.Fatalf("ParseAuthURL(%q) = %+v without required parts", raw, got)
		}
		if got.LoginURL.Scheme != "https" {
			t.Fatalf("login URL scheme %q", got.LoginURL.Scheme)
		}
	})
}
