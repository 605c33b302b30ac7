// Package cli is the sf-async-deploy command: it reads options, talks to the org, hands the
// waiting to a monitor, and writes the results where the CI platform shows them.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/buildinfo"
	"github.com/sf-async-deploy/sf-async-deploy/internal/ci"
	"github.com/sf-async-deploy/sf-async-deploy/internal/redact"
)

// Env is everything the command takes from the process: tests pass fakes.
type Env struct {
	Getenv     func(string) string
	Stdout     io.Writer
	Stderr     io.Writer
	HTTPClient *http.Client
	Now        func() time.Time
	// Publisher hands the monitor request to AWS; nil builds the EventBridge publisher.
	Publisher Publisher
	// PollInterval is how often finish --wait reads the status; zero means 15 s.
	PollInterval time.Duration
}

// run is one invocation's state.
type run struct {
	env     Env
	secrets *redact.Secrets
	out     ci.Surface
	stderr  io.Writer
	log     *slog.Logger
}

// command is a subcommand: its options and what it does.
type command struct {
	summary string
	options []option
	run     func(ctx context.Context, r *run, o *options) error
}

func commands() map[string]command {
	return map[string]command{
		"deploy":  deployCommand(),
		"finish":  finishCommand(),
		"status":  statusCommand(),
		"cancel":  cancelCommand(),
		"demo":    demoCommand(),
		"bench":   benchCommand(),
		"version": {summary: "print the version", run: runVersion},
	}
}

// Main runs the command named by args[0] and returns the process's exit code.
func Main(ctx context.Context, args []string, env Env) int {
	env = withDefaults(env)
	secrets := &redact.Secrets{}
	r := &run{env: env, secrets: secrets, stderr: secrets.Writer(env.Stderr)}
	r.out = ci.Detect(env.Getenv, env.Stdout, secrets.Writer(env.Stdout), env.Now)
	r.log = slog.New(slog.NewTextHandler(r.stderr, &slog.HandlerOptions{Level: logLevel(env)}))

	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printCommands(r.stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(r.stderr, "sf-async-deploy: unknown command %q\n", args[0])
		printCommands(r.stderr)
		return ExitUsage
	}
	o, err := parseOptions(args[0], cmd.options, args[1:], env.Getenv, r.stderr)
	if errors.Is(err, errHelp) {
		return ExitOK
	}
	if err == nil {
		r.addSecrets(o.secrets()...)
		err = cmd.run(ctx, r, o)
	}
	return r.finish(args[0], err)
}

func (r *run) finish(name string, err error) int {
	code := exitCode(err)
	if err != nil {
		msg := r.secrets.String(err.Error())
		fmt.Fprintf(r.stderr, "sf-async-deploy %s: %s\n", name, msg)
		if r.out.Kind() == ci.GitHub && code != ExitFailed {
			r.out.Annotate(ci.Annotation{Title: "sf-async-deploy " + name, Body: msg})
		}
	}
	return code
}

// addSecrets masks values on the platform and redacts them from everything written.
func (r *run) addSecrets(values ...string) {
	for _, v := range values {
		if strings.TrimSpace(v) == "" || slices.Contains(r.secrets.Values(), v) {
			continue
		}
		r.out.Mask(v)
		r.secrets.Add(v)
	}
}

func withDefaults(env Env) Env {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.HTTPClient == nil {
		env.HTTPClient = &http.Client{Timeout: 2 * time.Minute}
	}
	if env.PollInterval == 0 {
		env.PollInterval = 15 * time.Second
	}
	return env
}

func logLevel(env Env) slog.Level {
	if env.Getenv("RUNNER_DEBUG") == "1" || env.Getenv("CI_DEBUG_TRACE") == "true" ||
		env.Getenv("SF_ASYNC_DEPLOY_DEBUG") == "true" {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "usage: sf-async-deploy <command> [options]")
	fmt.Fprintln(w, "\ncommands:")
	for _, name := range []string{"deploy", "finish", "status", "cancel", "demo", "bench",
		"version"} {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands()[name].summary)
	}
	fmt.Fprintln(w, "\nrun sf-async-deploy <command> --help for its options")
}

func runVersion(_ context.Context, r *run, _ *options) error {
	r.out.Printf("sf-async-deploy %s", buildinfo.Version)
	return nil
}
