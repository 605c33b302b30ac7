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
	cfg, err := readOrgConfig(o)
	if err != nil {
		return err
	}
	id, err := deploymentID(o, r.env.Getenv)
	if err != nil {
		return err
	}
	client, _, err := r.connect(ctx, cfg)
	if err != nil {
		return err
	}
	status, err := client.Cancel(ctx, id)
	if err != nil {
		return err
	}
	r.out.Printf("Cancel requested for deployment %s: %s", id, status.Status)
	return nil
}
