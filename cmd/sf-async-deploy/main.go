// Command sf-async-deploy starts Salesforce deployments from CI and finishes them later.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Getenv: os.Getenv, Stdout: os.Stdout,
		Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
