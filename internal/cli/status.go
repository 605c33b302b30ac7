package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

func statusCommand() command {
	opts := append([]option{
		{name: "deployment-id", usage: "the deployment to check (default: $SF_DEPLOYMENT_ID)"},
		{name: "json", usage: "print the deployResult as JSON", boolean: true, def: "false"},
	}, orgOptions...)
	return command{summary: "print a deployment's state (exit 3 while it runs)", options: opts,
		run: runStatus}
}

func runStatus(ctx context.Context, r *run, o *options) error {
	target, err := readTarget(o, r.env.Getenv)
	if err != nil {
		return err
	}
	id := target.id
	asJSON, err := o.boolean("json")
	if err != nil {
		return err
	}
	client, _, err := r.connect(ctx, target.cfg)
	if err != nil {
		return err
	}
	status, err := client.Status(ctx, id)
	if err != nil {
		return err
	}
	if asJSON {
		b, err := json.MarshalIndent(status, "", "  ")
		if err != nil {
			return fmt.Errorf("encode status: %w", err)
		}
		fmt.Fprintln(r.secrets.Writer(r.env.Stdout), string(b))
	} else {
		r.out.Printf("%s %s", id, progressLine(status))
	}
	return outcomeError(id, status)
}

// outcomeError turns a deployment's state into the exit code the contract gives it.
func outcomeError(id string, s salesforce.DeployResult) error {
	switch {
	case !s.Done:
		return &exitError{code: ExitNotFinished, err: fmt.Errorf("deployment %s is %s",
			id, s.Status)}
	case !s.Succeeded():
		return &exitError{code: ExitFailed, err: fmt.Errorf("deployment %s ended %s", id,
			s.Status)}
	}
	return nil
}
