package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/sqssim"
)

// bus is an in-process event bus with the two rules of the AWS template: monitor requests
// go to the queue (the detail only), finish events to the dispatch handler.
type bus struct {
	queue    *sqssim.Queue
	finished func(ctx context.Context, e events.EventBridgeEvent) error
	count    int
}

// Publish is deploy's PutEvents of a Deployment Monitor Requested event.
func (b *bus) Publish(_ context.Context, _ string, req monitor.Request) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode monitor request: %w", err)
	}
	b.queue.Send(string(body))
	return nil
}

// PublishFinished is the monitor's PutEvents of a Deployment Finished event.
func (b *bus) PublishFinished(ctx context.Context, f monitor.Finished) error {
	detail, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode finish detail: %w", err)
	}
	b.count++
	return b.finished(ctx, events.EventBridgeEvent{Version: "0",
		ID: fmt.Sprintf("demo-event-%d", b.count), Source: monitor.Source,
		DetailType: monitor.DetailTypeFinished, Detail: detail})
}

// secrets is the stand-in for Secrets Manager.
type secrets map[string]string

func (s secrets) Get(_ context.Context, id string) (string, error) {
	v, ok := s[id]
	if !ok {
		return "", fmt.Errorf("secret %q not found", id)
	}
	return v, nil
}

func (s secrets) Forget(string) {}
