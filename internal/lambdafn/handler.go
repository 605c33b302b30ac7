package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// eventPublisher puts the Deployment Finished event on the bus.
type eventPublisher interface {
	PublishFinished(ctx context.Context, f monitor.Finished) error
}

// visibilityChanger hides a received message until its next check.
type visibilityChanger interface {
	Delay(ctx context.Context, queueARN, receipt string, seconds int) error
}

// secretReader reads secret strings, cached.
type secretReader interface {
	Get(ctx context.Context, id string) (string, error)
	Forget(id string)
}

// sessionDecrypter opens a KMS-encrypted session id bound to its deployment.
type sessionDecrypter interface {
	Decrypt(ctx context.Context, deploymentID, ciphertext string) (string, error)
}

// FinishTrigger starts the finish job for a finished deployment; the string describes
// what it did, for the log.
type FinishTrigger interface {
	Trigger(ctx context.Context, f monitor.Finished) (string, error)
}

// TriggerFactory builds the trigger for a platform from its API token.
type TriggerFactory func(ci, token string) (FinishTrigger, error)

// Handler handles both of the Lambda's event kinds.
type Handler struct {
	Config     Config
	Bus        eventPublisher
	Queue      visibilityChanger
	Secrets    secretReader
	Sessions   sessionDecrypter
	HTTPClient *http.Client
	Ticker     monitor.Ticker
	Triggers   TriggerFactory
	Log        *slog.Logger
	Now        func() time.Time

	mu       sync.Mutex
	clients  map[string]cachedClient
	finishes deploymentLocks
}

// Invoke routes a raw Lambda payload: an SQS batch (monitor requests, finish events) or an
// EventBridge event invoked directly.
func (h *Handler) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe struct {
		Records    []json.RawMessage `json:"Records"`
		DetailType string            `json:"detail-type"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		h.Log.Error("unreadable invocation payload", "error", err.Error())
		return nil, fmt.Errorf("decode invocation payload: %w", err)
	}
	switch {
	case probe.Records != nil:
		var batch events.SQSEvent
		if err := json.Unmarshal(payload, &batch); err != nil {
			return nil, fmt.Errorf("decode SQS batch: %w", err)
		}
		return h.HandleSQS(ctx, batch), nil
	case probe.DetailType != "":
		var event events.EventBridgeEvent
		if err := json.Unmarshal(payload, &event); err != nil {
			return nil, fmt.Errorf("decode EventBridge event: %w", err)
		}
		return nil, h.HandleFinished(ctx, event)
	}
	h.Log.Error("invocation is neither an SQS batch nor an EventBridge event")
	return nil, fmt.Errorf("unknown invocation payload")
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// HandleSQS checks or dispatches every message of a batch, a bounded number at a time, and
// reports the ones that must come back as batch item failures.
func (h *Handler) HandleSQS(ctx context.Context, batch events.SQSEvent) events.SQSEventResponse {
	failures := make([]bool, len(batch.Records))
	duplicate := duplicatesInBatch(batch, h.Config.Rules)
	limit := make(chan struct{}, max(h.Config.Concurrency, 1))
	var wg sync.WaitGroup
	for i, msg := range batch.Records {
		if duplicate[i] {
			h.Log.Warn("dropping a duplicate monitor request of this batch",
				"message_id", msg.MessageId)
			continue
		}
		wg.Add(1)
		limit <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-limit }()
			failures[i] = h.checkSafely(ctx, msg)
		}()
	}
	wg.Wait()
	var resp events.SQSEventResponse
	for i, keep := range failures {
		if keep {
			resp.BatchItemFailures = append(resp.BatchItemFailures,
				events.SQSBatchItemFailure{ItemIdentifier: batch.Records[i].MessageId})
		}
	}
	return resp
}

// checkSafely turns a panic while handling one message into keeping that message.
func (h *Handler) checkSafely(ctx context.Context, msg events.SQSMessage) (keep bool) {
	defer func() {
		if p := recover(); p != nil {
			h.Log.Error("check panicked; the message is kept", "message_id", msg.MessageId,
				"panic", fmt.Sprint(p))
			keep = true
		}
	}()
	return h.handleRecord(ctx, msg)
}
