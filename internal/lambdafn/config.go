// Package lambdafn is the bundled Lambda: it watches deployments from the SQS monitor
// queue and, when one finishes, triggers its finish job on GitHub or GitLab.
package lambdafn

import (
	"fmt"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// Config is the Lambda's configuration, read once from its environment.
type Config struct {
	EventBus           string
	Rules              monitor.Rules
	GitHubAPIURL       string
	GitLabURL          string
	GitHubTokenSecret  string
	GitLabTokenSecret  string
	OrgCredentialsPref string
	MinTick            time.Duration
	MaxTick            time.Duration
	MaxWatch           time.Duration
	// TickPolicy is TickAdaptive or TickFixed, from TICK_POLICY.
	TickPolicy string
	// CommitStatus is COMMIT_STATUS: false sets no commit status even for requests that ask.
	CommitStatus bool
	// Concurrency bounds how many messages of a batch are checked at once.
	Concurrency int
}

// The tick policies TICK_POLICY selects.
const (
	TickAdaptive = "adaptive" // estimate the end from each status read (the default)
	TickFixed    = "fixed"    // check every request's tick
)

// ReadConfig reads and validates the environment; errors name the variable and the fix.
func ReadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		EventBus:           strings.TrimSpace(getenv("EVENT_BUS_NAME")),
		GitHubAPIURL:       orDefault(getenv("GITHUB_API_URL"), "https://api.github.com"),
		GitLabURL:          orDefault(getenv("GITLAB_URL"), "https://gitlab.com"),
		GitHubTokenSecret:  strings.TrimSpace(getenv("GITHUB_TOKEN_SECRET")),
		GitLabTokenSecret:  strings.TrimSpace(getenv("GITLAB_TOKEN_SECRET")),
		OrgCredentialsPref: strings.TrimSpace(getenv("ORG_CREDENTIALS_SECRET_PREFIX")),
		Concurrency:        5,
	}
	if c.EventBus == "" {
		return c, fmt.Errorf("EVENT_BUS_NAME is not set: give the event bus name or ARN")
	}
	hosts, err := salesforce.ParseHostPatterns(getenv("ALLOWED_ORG_HOSTS"))
	if err != nil {
		return c, fmt.Errorf("ALLOWED_ORG_HOSTS: %w", err)
	}
	c.Rules = monitor.Rules{Hosts: salesforce.HostPolicy{Extra: hosts},
		Repositories: splitList(getenv("ALLOWED_REPOSITORIES"))}
	if len(c.Rules.Repositories) == 0 {
		return c, fmt.Errorf("ALLOWED_REPOSITORIES is not set: list the repositories " +
			"allowed to request monitoring, such as acme/*")
	}
	for _, d := range []struct {
		name string
		into *time.Duration
		def  time.Duration
	}{{"MIN_TICK", &c.MinTick, 30 * time.Second}, {"MAX_TICK", &c.MaxTick, 15 * time.Minute},
		{"MAX_WATCH", &c.MaxWatch, 12 * time.Hour}} {
		if *d.into, err = readDuration(getenv(d.name), d.def); err != nil {
			return c, fmt.Errorf("%s: %w", d.name, err)
		}
	}
	if c.MinTick <= 0 || c.MinTick > c.MaxTick || c.MaxTick > monitor.MaxVisibility {
		return c, fmt.Errorf("MIN_TICK %s and MAX_TICK %s: want 0 < MIN_TICK <= MAX_TICK <= 12h",
			c.MinTick, c.MaxTick)
	}
	if c.TickPolicy, err = readTickPolicy(getenv("TICK_POLICY")); err != nil {
		return c, fmt.Errorf("TICK_POLICY: %w", err)
	}
	if c.CommitStatus, err = readSwitch(getenv("COMMIT_STATUS"), true); err != nil {
		return c, fmt.Errorf("COMMIT_STATUS: %w", err)
	}
	return c, nil
}

func readTickPolicy(v string) (string, error) {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "":
		return TickAdaptive, nil
	case TickAdaptive, TickFixed:
		return v, nil
	}
	return "", fmt.Errorf("%q is not a tick policy: use %s (the default) or %s", v,
		TickAdaptive, TickFixed)
}

func readDuration(v string, def time.Duration) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d, nil
	}
	d, err := time.ParseDuration(v + "s")
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 30s, 15m or 12h", v)
	}
	return d, nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return strings.TrimRight(v, "/")
	}
	return def
}

func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
