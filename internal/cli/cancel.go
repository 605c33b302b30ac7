package cli

import (
	"context"
)

func cancelCommand() command {
	opts := append([]option{
		{name: "deployment-id", usage: "the deployment to cancel (default: $SF_DEPLOYMENT_ID)"},
	}, orgOptions...)
	return command{summary: "ask the org to cancel a deployment", options: opts, run: runCancel}
}

func runCancel(ctx context.Context, r *run, o *options) error {
	target, err := readTarget(o, r.env.Getenv)
	if err != nil {
		return err
	}
	client, _, err := r.connect(ctx, target.cfg)
	if err != nil {
		return err
	}
	status, err := client.Cancel(ctx, target.id)
	if err != nil {
		return err
	}
	r.out.Printf("Cancel requested for deployment %s: %s", target.id, status.Status)
	return nil
}
