package lambdafn

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// The backoff of a finish event whose dispatch failed: 30 s after its first receive, doubling
// with each receive, at most 15 minutes. FinishQueue's maxReceiveCount in
// deploy/aws/template.yaml is sized on it, and its test adds up FinishBackoff.
const (
	finishFirstBackoff = 30 * time.Second
	finishMaxBackoff   = 15 * time.Minute
)

// FinishBackoff is how long a finish event waits, after its receive number receive (1 for
// the first) failed, before it is tried again.
func FinishBackoff(receive int) time.Duration {
	d := finishFirstBackoff
	for i := 1; i < receive && d < finishMaxBackoff; i++ {
		d *= 2
	}
	return min(d, finishMaxBackoff)
}

// handleRecord routes one SQS message: a finish event (from FinishQueue) to the dispatch,
// anything else to the monitor check. Either way, true keeps the message.
func (h *Handler) handleRecord(ctx context.Context, msg events.SQSMessage) bool {
	if isFinishRecord(msg.Body) {
		return h.finishRecord(ctx, msg)
	}
	return h.check(ctx, msg)
}

// isFinishRecord reports whether body is a whole Deployment Finished event, as FinishRule
// queues it. A monitor request has neither source nor detail-type (MonitorRule sends only
// the detail, and refuses details with a detail-type). The keys are matched exactly, as
// EventBridge matches them, not case-insensitively as encoding/json fills a struct.
func isFinishRecord(body string) bool {
	var envelope map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &envelope) != nil {
		return false
	}
	return envelopeString(envelope, "source") == monitor.Source &&
		envelopeString(envelope, "detail-type") == monitor.DetailTypeFinished
}

// envelopeString is the string under key, or "" when it is missing or not a string.
func envelopeString(envelope map[string]json.RawMessage, key string) string {
	var s string
	if json.Unmarshal(envelope[key], &s) != nil {
		return ""
	}
	return s
}

// finishRecord dispatches a finish event received from FinishQueue. A success or an event
// that can never be dispatched (malformed, repository not allowed) lets the message go; a
// failure keeps it, hidden for the backoff of its receive count. A failure that only a
// configuration change can fix waits the longest backoff on every receive, so that it
// still starts by itself once fixed, and reaches FinishDeadLetterQueue, to be redriven from
// there, when the queue's receives run out.
func (h *Handler) finishRecord(ctx context.Context, msg events.SQSMessage) bool {
	receive := receiveCount(msg)
	log := h.Log.With("message_id", msg.MessageId, "receive_count", receive)
	var event events.EventBridgeEvent
	if err := json.Unmarshal([]byte(msg.Body), &event); err != nil {
		log.Error("dropping unreadable finish event", "reason", err.Error())
		return false
	}
	log = log.With("event_id", event.ID, "deployment_id", finishDeploymentID(event))

	err := h.HandleFinished(ctx, event)
	switch {
	case err == nil:
		return false
	case errors.Is(err, dispatch.ErrPermanent):
		log.Error("the finish job cannot start until its configuration is fixed: fix what "+
			"the error names; the event is retried every 15 minutes, then kept in "+
			"FinishDeadLetterQueue, from which to move it back to FinishQueue",
			"error", err.Error(), "next_attempt_seconds", seconds(finishMaxBackoff))
		return h.retryFinish(ctx, log, msg, finishMaxBackoff)
	}
	next := FinishBackoff(receive)
	log.Warn("finish dispatch failed; retrying", "error", err.Error(),
		"next_attempt_seconds", seconds(next))
	return h.retryFinish(ctx, log, msg, next)
}

// retryFinish hides the message for next and keeps it. When the visibility change fails,
// the message still comes back, after the queue's own visibility timeout.
func (h *Handler) retryFinish(ctx context.Context, log *slog.Logger, msg events.SQSMessage,
	next time.Duration) bool {
	err := h.Queue.Delay(ctx, msg.EventSourceARN, msg.ReceiptHandle, seconds(next))
	if err != nil {
		log.Warn("visibility change failed; the finish event returns after the queue's "+
			"timeout", "error", err.Error())
	}
	return true
}

// receiveCount is the message's ApproximateReceiveCount, at least 1.
func receiveCount(msg events.SQSMessage) int {
	n, err := strconv.Atoi(msg.Attributes["ApproximateReceiveCount"])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// finishDeploymentID is the deployment id of a finish event, for the log, or "".
func finishDeploymentID(event events.EventBridgeEvent) string {
	f, err := monitor.ParseFinished(event.Detail)
	if err != nil {
		return ""
	}
	return f.DeploymentID
}

func seconds(d time.Duration) int { return int(d / time.Second) }
