package salesforce

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strings"
)

// ErrHostNotAllowed marks an org, login or redirect host outside the allowlist.
var ErrHostNotAllowed = errors.New("host not allowed")

// partitionLabels are the My Domain partitions that may stand before my.salesforce.com.
var partitionLabels = map[string]bool{
	"sandbox": true, "scratch": true, "develop": true,
	"patch": true, "demo": true, "trailblaze": true,
}

// loginHosts are Salesforce's generic login hosts, valid for token requests only.
var loginHosts = map[string]bool{
	"login.salesforce.com": true,
	"test.salesforce.com":  true,
}

// HostPolicy decides which hosts the client may talk to.
type HostPolicy struct {
	// Extra holds the allowed-org-hosts patterns, such as "*.example.com" or "127.0.0.1:8443".
	Extra []string
}

// ParseHostPatterns splits a comma-separated allowed-org-hosts value.
func ParseHostPatterns(list string) ([]string, error) {
	var patterns []string
	for _, p := range strings.Split(list, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if _, err := path.Match(p, ""); err != nil || strings.ContainsAny(p, "/@") {
			return nil, fmt.Errorf("invalid host pattern %q: use a host or a pattern such as "+
				"*.example.com", p)
		}
		patterns = append(patterns, p)
	}
	return patterns, nil
}

// OrgURL validates an org's URL and returns it reduced to scheme and host.
func (p HostPolicy) OrgURL(raw string) (*url.URL, error) {
	return p.check(raw, false)
}

// LoginURL validates a login URL (My Domain, login or test.salesforce.com, or an extra host).
func (p HostPolicy) LoginURL(raw string) (*url.URL, error) {
	return p.check(raw, true)
}

func (p HostPolicy) check(raw string, login bool) (*url.URL, error) {
	// Errors name at most the scheme and host: a pasted URL may carry a session id.
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("not a URL with a host: want https://NAME.my.salesforce.com")
	}
	if u.User != nil {
		return nil, fmt.Errorf("URL for host %q must not carry user info", u.Hostname())
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("URL for host %q must be only scheme and host, with no path or "+
			"query: want %s://%s", u.Hostname(), u.Scheme, u.Host)
	}
	if err := p.allowHost(u, login); err != nil {
		return nil, err
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if port := u.Port(); port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return &url.URL{Scheme: u.Scheme, Host: host}, nil
}

// AllowRequest reports an error when a request (or redirect) target is outside the policy.
func (p HostPolicy) AllowRequest(u *url.URL) error {
	return p.allowHost(u, true)
}

func (p HostPolicy) allowHost(u *url.URL, login bool) error {
	host := strings.ToLower(u.Hostname())
	hostPort := strings.ToLower(u.Host)
	extra := p.matchesExtra(host, hostPort)
	switch {
	case u.Scheme == "http" && extra && isLoopback(host):
		return nil
	case u.Scheme != "https":
		return fmt.Errorf("host %q: %w: only https is allowed (plain http only to a loopback host "+
			"listed in allowed-org-hosts)", hostPort, ErrHostNotAllowed)
	case extra, IsSalesforceOrgHost(host), login && loginHosts[host]:
		return nil
	case isLoopback(host):
		return fmt.Errorf("loopback host %q: %w: list it in allowed-org-hosts to use it",
			hostPort, ErrHostNotAllowed)
	}
	return fmt.Errorf("host %q: %w: want NAME.my.salesforce.com (or a sandbox/scratch My Domain), "+
		"or add it to allowed-org-hosts", hostPort, ErrHostNotAllowed)
}

func (p HostPolicy) matchesExtra(host, hostPort string) bool {
	for _, pattern := range p.Extra {
		for _, candidate := range []string{host, hostPort, "[" + host + "]"} {
			if ok, _ := path.Match(pattern, candidate); ok {
				return true
			}
		}
	}
	return false
}

// IsSalesforceOrgHost reports whether host is a Salesforce My Domain host.
func IsSalesforceOrgHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	var rest string
	switch {
	case strings.HasSuffix(host, ".my.salesforce.com"):
		rest = strings.TrimSuffix(host, ".my.salesforce.com")
	case strings.HasSuffix(host, ".my.salesforce.mil"):
		rest = strings.TrimSuffix(host, ".my.salesforce.mil")
	default:
		return false
	}
	labels := strings.Split(rest, ".")
	switch {
	case len(labels) == 1:
		return validLabel(labels[0])
	case len(labels) == 2 && partitionLabels[labels[1]]:
		return validLabel(labels[0])
	}
	return false
}

func validLabel(label string) bool {
	if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") ||
		strings.HasSuffix(label, "-") {
		return false
	}
	for _, r := range label {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
