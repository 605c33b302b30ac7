package lambdafn

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/buildinfo"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/github"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/gitlab"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// New builds the handler from the environment: configuration, AWS clients (their endpoints
// follow the SDK's AWS_ENDPOINT_URL_* variables) and the CI triggers.
func New(ctx context.Context, getenv func(string) string, logs io.Writer) (*Handler, error) {
	log := NewLogger(getenv, logs)
	cfg, err := ReadConfig(getenv)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	log.Info("sf-async-deploy lambda starting", "version", buildinfo.Version,
		"event_bus", cfg.EventBus, "repositories", strings.Join(cfg.Rules.Repositories, ","),
		"tick_policy", cfg.TickPolicy)
	hc := &http.Client{Timeout: 20 * time.Second}
	return &Handler{
		Config:     cfg,
		Bus:        awsbus.NewPublisher(awsCfg, cfg.EventBus),
		Queue:      awsbus.NewQueue(awsCfg),
		Secrets:    awsbus.NewSecrets(awsCfg),
		Sessions:   awsbus.NewSessionCipher(awsCfg),
		HTTPClient: hc,
		Ticker:     DefaultTicker(cfg),
		Triggers:   NewTriggers(cfg, hc),
		Log:        log,
	}, nil
}

// NewTriggers returns the factory of GitHub and GitLab triggers, with the API base URLs
// from configuration only.
func NewTriggers(cfg Config, hc *http.Client) TriggerFactory {
	return func(ci, token string) (FinishTrigger, error) {
		var t dispatch.Trigger
		var err error
		switch ci {
		case monitor.CIGitHub:
			t, err = github.New(github.Config{APIURL: cfg.GitHubAPIURL, Token: token,
				HTTPClient: hc})
		case monitor.CIGitLab:
			t, err = gitlab.New(gitlab.Config{BaseURL: cfg.GitLabURL, Token: token,
				HTTPClient: hc})
		default:
			return nil, fmt.Errorf("unknown ci %q", ci)
		}
		if err != nil {
			return nil, err
		}
		return outcomeTrigger{t}, nil
	}
}

// outcomeTrigger adapts a dispatch.Trigger to the handler's log-line interface.
type outcomeTrigger struct{ t dispatch.Trigger }

func (o outcomeTrigger) Trigger(ctx context.Context, f monitor.Finished) (string, error) {
	out, err := o.t.Trigger(ctx, f)
	if err != nil {
		return "", err
	}
	return out.String(), nil
}

// NewLogger writes JSON (or text) lines honouring AWS_LAMBDA_LOG_FORMAT and
// AWS_LAMBDA_LOG_LEVEL.
func NewLogger(getenv func(string) string, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToUpper(getenv("AWS_LAMBDA_LOG_LEVEL")) {
	case "DEBUG", "TRACE":
		level = slog.LevelDebug
	case "WARN":
		level = slog.LevelWarn
	case "ERROR", "FATAL":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(getenv("AWS_LAMBDA_LOG_FORMAT"), "text") {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// DefaultTicker is the policy TICK_POLICY selects: adaptive unless it says fixed.
func DefaultTicker(cfg Config) monitor.Ticker {
	fixed := monitor.FixedTick{Default: time.Minute, Min: cfg.MinTick, Max: cfg.MaxTick}
	if cfg.TickPolicy == TickFixed {
		return fixed
	}
	return monitor.Adaptive(fixed)
}
