package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Options choose the benchmark's mix and what it measures.
type Options struct {
	Seed        uint64
	Deployments int
	// Quick measures small inputs once each, for a fast check that everything runs.
	Quick bool
	// Binaries builds both executables to measure their sizes (it needs the go tool).
	Binaries bool
	// Command runs finish and deploy in-process; nil leaves them out.
	Command Command
	// Progress receives a line as each step starts; nil means none.
	Progress io.Writer
	// MinTick and MaxTick are the Lambda's bounds in the simulation; zero means the defaults.
	MinTick, MaxTick time.Duration
}

// The full and the quick measurements' sizes.
const (
	folderFiles      = 10000
	quickFolderFiles = 1000
)

var quickSize = Size{Components: 500, Tests: 200, Classes: 150, Failures: 10}

// Report is everything one run measured.
type Report struct {
	Started  time.Time
	Took     time.Duration
	Machine  string
	Options  Options
	Mix      MixFacts
	Policies []Summary
	Jobs     JobFacts
	Bands    []Band
	Handler  []HandlerCost
	Zip      ZipCost
	Deploy   *DeployCost
	Finish   *FinishCost
	Size     Size
	Binaries []Binary
}

// Run simulates the mix under every policy, then measures the product's own costs.
func Run(ctx context.Context, o Options) (Report, error) {
	o.MinTick = cmp.Or(o.MinTick, DefaultMinTick)
	o.MaxTick = cmp.Or(o.MaxTick, DefaultMaxTick)
	if o.MinTick > o.MaxTick {
		return Report{}, fmt.Errorf("the simulated MIN_TICK %s exceeds MAX_TICK %s", o.MinTick,
			o.MaxTick)
	}
	r := Report{Started: time.Now().UTC(), Machine: machine(), Options: o, Size: LargeSize}
	if o.Quick {
		r.Size = quickSize
	}
	progress(o, "simulating %d deployments under 4 policies", o.Deployments)
	if err := r.simulate(); err != nil {
		return r, err
	}
	if err := r.measureHandler(ctx); err != nil {
		return r, err
	}
	if err := r.measureCommands(ctx); err != nil {
		return r, err
	}
	if o.Binaries {
		progress(o, "building both binaries to measure their sizes")
		dir, err := os.MkdirTemp("", "sf-async-deploy-bench-bin-")
		if err != nil {
			return r, fmt.Errorf("create a folder for the binaries: %w", err)
		}
		defer os.RemoveAll(dir)
		if r.Binaries, err = BuildBinaries(ctx, dir); err != nil {
			return r, err
		}
	}
	r.Took = time.Since(r.Started)
	return r, nil
}

func progress(o Options, format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "bench: "+format+"\n", args...)
	}
}

// measureHandler times the handler sequentially and concurrently.
func (r *Report) measureHandler(ctx context.Context) error {
	for _, c := range []struct{ concurrency, batches int }{{1, 3}, {5, 8}, {10, 10}} {
		batches := c.batches
		if r.Options.Quick {
			batches = 1
		}
		progress(r.Options, "handler: %d batches of %d, %d at a time, org answering in %s",
			batches, batchSize, c.concurrency, orgAnswer)
		h, err := MeasureHandler(ctx, c.concurrency, batches)
		if err != nil {
			return err
		}
		r.Handler = append(r.Handler, h)
	}
	return nil
}

// measureCommands writes the metadata folder, then measures its zip, deploy and finish.
func (r *Report) measureCommands(ctx context.Context) error {
	root, err := os.MkdirTemp("", "sf-async-deploy-bench-")
	if err != nil {
		return fmt.Errorf("create a folder for the measurements: %w", err)
	}
	defer os.RemoveAll(root)
	files := folderFiles
	if r.Options.Quick {
		files = quickFolderFiles
	}
	workspace := filepath.Join(root, "workspace")
	src := filepath.Join(workspace, "src")
	progress(r.Options, "writing a %d-file metadata folder", files)
	if err := writeMetadataFolder(src, files); err != nil {
		return err
	}
	progress(r.Options, "zipping it")
	if r.Zip, err = MeasureZip(src, filepath.Join(root, "deploy.zip")); err != nil {
		return err
	}
	if r.Options.Command == nil {
		return nil
	}
	progress(r.Options, "deploy: zip and upload to a loopback org")
	d, err := MeasureDeploy(ctx, r.Options.Command, src, filepath.Join(root, "deploy-results"))
	if err != nil {
		return err
	}
	r.Deploy = &d
	progress(r.Options, "finish: %d components, %d test methods, %d classes with coverage",
		r.Size.Components, r.Size.Tests, r.Size.Classes)
	f, err := MeasureFinish(ctx, r.Options.Command, r.Size, workspace, root)
	if err != nil {
		return err
	}
	r.Finish = &f
	return nil
}
