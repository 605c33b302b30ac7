package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/demo"
)

func demoCommand() command {
	return command{summary: "run the whole flow on loopback, with no org, AWS or CI",
		options: []option{
			{name: "outcome", usage: "success, component-failure or test-failure",
				def: "success"},
			{name: "platform", usage: "github or gitlab", def: "github"},
			{name: "pause", usage: "real time per poll, to read the timeline", def: "700ms"},
			{name: "results-dir", usage: "where artifacts go", def: "sf-async-deploy-results"},
		}, run: runDemo}
}

func runDemo(ctx context.Context, r *run, o *options) error {
	outcome, err := o.oneOf("outcome", "success", "component-failure", "test-failure")
	if err != nil {
		return err
	}
	platform, err := o.oneOf("platform", "github", "gitlab")
	if err != nil {
		return err
	}
	pause, err := o.duration("pause")
	if err != nil {
		return err
	}
	code, err := demo.Run(ctx, demo.Options{Outcome: outcome, Platform: platform,
		ResultsDir: o.str("results-dir"), Out: r.secrets.Writer(r.env.Stdout), Pause: pause,
		Command: inProcess})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if code != ExitOK {
		return &exitError{code: code, err: fmt.Errorf("the demo deployment ended %s, and the "+
			"finish job failed with it, as it would in CI", outcome)}
	}
	return nil
}

// inProcess runs a command of this program in the same process, for the demo.
func inProcess(ctx context.Context, args []string, env demo.Env) int {
	var pub Publisher
	if env.Publisher != nil {
		pub = env.Publisher
	}
	return Main(ctx, args, Env{Getenv: env.Getenv, Stdout: env.Stdout, Stderr: orDiscard(env.Stderr),
		HTTPClient: env.HTTPClient, Now: env.Now, Publisher: pub, PollInterval: time.Second})
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
