package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/bench"
)

// quickDeployments is the mix's size under quick unless deployments is given.
const quickDeployments = 200

func benchCommand() command {
	return command{summary: "measure polling and the product's costs (see BENCHMARKS.md)",
		options: []option{
			{name: "seed", usage: "the mix's random seed", def: "1"},
			{name: "deployments", usage: "how many deployments the mix holds", def: "2000"},
			{name: "quick", usage: "a small mix and small measurements, to check that it runs",
				boolean: true, def: "false"},
			{name: "binaries", usage: "build both binaries to measure their sizes (needs go; " +
				"default: true unless quick)", boolean: true},
			{name: "min-tick", usage: "the simulated Lambda's MIN_TICK", def: "30s"},
			{name: "max-tick", usage: "the simulated Lambda's MAX_TICK", def: "15m"},
		}, run: runBench}
}

func runBench(ctx context.Context, r *run, o *options) error {
	opts, err := readBenchOptions(o)
	if err != nil {
		return err
	}
	opts.Command, opts.Progress = benchInProcess, r.stderr
	report, err := bench.Run(ctx, opts)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	bench.Print(r.secrets.Writer(r.env.Stdout), report)
	return nil
}

func readBenchOptions(o *options) (bench.Options, error) {
	var opts bench.Options
	var err error
	if opts.Quick, err = o.boolean("quick"); err != nil {
		return opts, err
	}
	if opts.Seed, err = strconv.ParseUint(o.str("seed"), 10, 64); err != nil {
		return opts, usageErrorf("option seed: %q is not a whole number", o.str("seed"))
	}
	opts.Deployments, err = strconv.Atoi(o.str("deployments"))
	if err != nil || opts.Deployments < 1 {
		return opts, usageErrorf("option deployments: %q is not a positive whole number",
			o.str("deployments"))
	}
	if opts.Quick && !o.given("deployments") {
		opts.Deployments = quickDeployments
	}
	if opts.MinTick, err = o.duration("min-tick"); err != nil {
		return opts, err
	}
	if opts.MaxTick, err = o.duration("max-tick"); err != nil {
		return opts, err
	}
	if opts.MinTick <= 0 || opts.MinTick > opts.MaxTick || opts.MaxTick > 12*time.Hour {
		return opts, usageErrorf("options min-tick %s and max-tick %s: want 0 < min-tick <= "+
			"max-tick <= 12h", opts.MinTick, opts.MaxTick)
	}
	opts.Binaries = !opts.Quick
	if o.given("binaries") {
		if opts.Binaries, err = o.boolean("binaries"); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// benchInProcess runs a command of this program in the same process, for the benchmark.
func benchInProcess(ctx context.Context, args []string, env bench.Env) int {
	return Main(ctx, args, Env{Getenv: env.Getenv, Stdout: env.Stdout,
		Stderr: orDiscard(env.Stderr), HTTPClient: env.HTTPClient})
}
