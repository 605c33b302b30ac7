package lambdafn

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// HandleFinished triggers the finish job of a Deployment Finished event. An error keeps
// the event for a retry (from FinishQueue: finishRecord; invoked directly: Lambda's own
// retries); one that wraps dispatch.ErrPermanent needs a configuration change first. The
// trigger itself skips a finish job that already ran.
func (h *Handler) HandleFinished(ctx context.Context, event events.EventBridgeEvent) error {
	if event.Source != monitor.Source || event.DetailType != monitor.DetailTypeFinished {
		h.Log.Error("ignoring event of another kind", "source", event.Source,
			"detail_type", event.DetailType)
		return nil
	}
	f, err := monitor.ParseFinished(event.Detail)
	if err == nil {
		err = f.Request.Validate(h.Config.Rules)
	}
	log := h.Log.With("event_id", event.ID, "deployment_id", f.DeploymentID,
		"repository", f.RepoPath, "status", f.Status)
	if err != nil {
		log.Error("dropping finish event", "reason", err.Error())
		return nil
	}
	defer h.finishes.lock(f.DeploymentID)()
	trigger, err := h.trigger(ctx, f.CI)
	if err != nil {
		log.Error("cannot trigger the finish job", "error", err.Error())
		return err
	}
	out, err := triggerOutcome(ctx, trigger, f)
	if err != nil {
		log.Error("triggering the finish job failed", "ci", f.CI, "error", err.Error())
		h.showOutcome(ctx, log, f, out)
		return fmt.Errorf("trigger finish job for %s: %w", f.DeploymentID, err)
	}
	log.Info("finish job triggered", "ci", f.CI, "result", out.String(), "url", out.URL)
	h.showOutcome(ctx, log, f, out)
	return nil
}

// trigger builds the platform's trigger with its token from Secrets Manager.
func (h *Handler) trigger(ctx context.Context, ci string) (FinishTrigger, error) {
	secret := h.Config.GitHubTokenSecret
	if ci == monitor.CIGitLab {
		secret = h.Config.GitLabTokenSecret
	}
	if secret == "" {
		name := "GITHUB_TOKEN_SECRET"
		if ci == monitor.CIGitLab {
			name = "GITLAB_TOKEN_SECRET"
		}
		return nil, fmt.Errorf("%w: %s is not set: the Lambda has no %s token",
			dispatch.ErrPermanent, name, ci)
	}
	token, err := h.Secrets.Get(ctx, secret)
	if err != nil {
		return nil, err
	}
	return h.Triggers(ci, token)
}
