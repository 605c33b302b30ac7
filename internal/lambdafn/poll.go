package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// check reads one deployment's status and decides the message's fate: true keeps it (it
// comes back after the tick set on it), false lets it be deleted.
func (h *Handler) check(ctx context.Context, msg events.SQSMessage) bool {
	log := h.Log.With("message_id", msg.MessageId,
		"receive_count", msg.Attributes["ApproximateReceiveCount"])
	req, err := monitor.ParseRequest([]byte(msg.Body))
	if err == nil {
		err = req.Validate(h.Config.Rules)
	}
	if err != nil {
		log.Error("dropping monitor request", "reason", err.Error())
		return false
	}
	log = log.With("deployment_id", req.DeploymentID, "repository", req.RepoPath)
	if reason := h.watchOver(req, sentAt(msg)); reason != "" {
		return h.finish(ctx, log, msg, unknownFinish(req, reason, h.now()))
	}
	client, err := h.orgClient(ctx, req)
	if err != nil {
		return h.credentialsFailed(ctx, log, msg, req, err)
	}
	status, err := client.Status(ctx, req.DeploymentID)
	if err != nil {
		return h.statusFailed(ctx, log, msg, req, err)
	}
	defer h.showProgress(ctx, log, req, status) // after the decision, which it never delays
	if !status.Done {
		next := h.Ticker.Next(req, status, h.now())
		log.Info("deployment running", "status", string(status.Status),
			"components", progress(status.NumberComponentsDeployed, status.NumberComponentsTotal),
			"tests", progress(status.NumberTestsCompleted, status.NumberTestsTotal),
			"next_check_seconds", int(next/time.Second), "api_usage", client.APIUsage())
		return h.delay(ctx, log, msg, next)
	}
	keep := h.finish(ctx, log, msg, finishedFrom(req, status, h.now()))
	if !keep {
		h.dropClient(req)
	}
	return keep
}

// watchOver returns why monitoring must stop without an outcome, or "". A request without
// requestedAt (the original five fields) is timed from when SQS first received it.
func (h *Handler) watchOver(req monitor.Request, sent time.Time) string {
	now := h.now()
	if d := monitor.Time(req.Deadline); !d.IsZero() && now.After(d) {
		return "the request's deadline " + req.Deadline + " passed before the deployment ended"
	}
	r := monitor.Time(req.RequestedAt)
	if r.IsZero() {
		r = sent
	}
	if !r.IsZero() && now.Sub(r) > h.Config.MaxWatch {
		return fmt.Sprintf("the watch passed MAX_WATCH (%s) before the deployment ended",
			h.Config.MaxWatch)
	}
	return ""
}

// statusFailed keeps the message on a transient failure and stops watching, with status
// Unknown, when the org can never answer (expired session, unknown deployment).
func (h *Handler) statusFailed(ctx context.Context, log *slog.Logger, msg events.SQSMessage,
	req monitor.Request, err error) bool {
	switch {
	case errors.Is(err, salesforce.ErrSessionExpired):
		h.forgetClient(req)
		return h.finish(ctx, log, msg, unknownFinish(req, "the org session expired and no "+
			"refreshable credential is configured for it", h.now()))
	case errors.Is(err, salesforce.ErrAuthFailed):
		h.forgetClient(req)
		return h.finish(ctx, log, msg, unknownFinish(req, "the org refused the login of the "+
			"credential secret: "+err.Error(), h.now()))
	case errors.Is(err, salesforce.ErrNotFound):
		return h.finish(ctx, log, msg, unknownFinish(req, "the org does not know this "+
			"deployment", h.now()))
	case errors.Is(err, salesforce.ErrLimitExceeded):
		log.Warn("org API limit exceeded; backing off", "error", err.Error())
		return h.delay(ctx, log, msg, h.Config.MaxTick)
	}
	log.Warn("status read failed; retrying on the next tick", "error", err.Error())
	return h.delay(ctx, log, msg, h.Ticker.Next(req, salesforce.DeployResult{}, h.now()))
}

// credentialsFailed handles a request whose credentials cannot be had: a secret that is
// missing or of the wrong shape stops the watch with Unknown; an unreachable Secrets
// Manager is retried.
func (h *Handler) credentialsFailed(ctx context.Context, log *slog.Logger, msg events.SQSMessage,
	req monitor.Request, err error) bool {
	if errors.Is(err, errNoCredentials) || errors.Is(err, salesforce.ErrBadCredentialSecret) ||
		errors.Is(err, salesforce.ErrAuthFailed) || errors.Is(err, awsbus.ErrSecretNotFound) {
		return h.finish(ctx, log, msg, unknownFinish(req, err.Error(), h.now()))
	}
	log.Warn("credentials unavailable; retrying on the next tick", "error", err.Error())
	return h.delay(ctx, log, msg, h.Config.MinTick)
}

// finish publishes the Deployment Finished event; a failed publish keeps the message for a
// short tick so the finish is never lost.
func (h *Handler) finish(ctx context.Context, log *slog.Logger, msg events.SQSMessage,
	f monitor.Finished) bool {
	if err := h.Bus.PublishFinished(ctx, f); err != nil {
		log.Error("publishing the finish event failed; keeping the message", "status", f.Status,
			"error", err.Error())
		return h.delay(ctx, log, msg, h.Config.MinTick)
	}
	log.Info("deployment finished", "status", f.Status, "success", f.Success,
		"reason", f.Reason)
	return false
}

// delay hides the message until the next check and keeps it. When the visibility change
// fails, the message still comes back, after the queue's own visibility timeout.
func (h *Handler) delay(ctx context.Context, log *slog.Logger, msg events.SQSMessage,
	next time.Duration) bool {
	if err := h.Queue.Delay(ctx, msg.EventSourceARN, msg.ReceiptHandle,
		int(next/time.Second)); err != nil {
		log.Warn("visibility change failed; the message returns after the queue's timeout",
			"error", err.Error())
	}
	return true
}

// sentAt is the message's SentTimestamp attribute (milliseconds since the epoch), or zero.
func sentAt(msg events.SQSMessage) time.Time {
	ms, err := strconv.ParseInt(msg.Attributes["SentTimestamp"], 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func progress(done, total int) string {
	return strconv.Itoa(done) + "/" + strconv.Itoa(total)
}

func finishedFrom(req monitor.Request, s salesforce.DeployResult, now time.Time) monitor.Finished {
	return monitor.Finished{Request: req.WithoutSecrets(), Status: string(s.Status),
		Success: s.Succeeded(), ComponentsDeployed: s.NumberComponentsDeployed,
		ComponentsTotal: s.NumberComponentsTotal, ComponentErrors: s.NumberComponentErrors,
		TestsCompleted: s.NumberTestsCompleted, TestsTotal: s.NumberTestsTotal,
		TestErrors: s.NumberTestErrors, FinishedAt: now.UTC().Format(time.RFC3339)}
}

func unknownFinish(req monitor.Request, reason string, now time.Time) monitor.Finished {
	return monitor.Finished{Request: req.WithoutSecrets(), Status: monitor.StatusUnknown,
		Reason: reason, FinishedAt: now.UTC().Format(time.RFC3339)}
}
