// Package awsbus publishes the product's events to EventBridge and moves SQS messages'
// visibility, behind interfaces small enough to fake.
package awsbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// ErrPartialFailure marks a PutEvents call that answered 200 but refused the entry.
var ErrPartialFailure = errors.New("event bus refused the event")

// EventsAPI is the part of the EventBridge client the publisher uses.
type EventsAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput,
		opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// Publisher puts the product's events on an event bus.
type Publisher struct {
	API EventsAPI
	Bus string
}

// NewPublisher builds a publisher for bus from an AWS configuration.
func NewPublisher(cfg aws.Config, bus string) *Publisher {
	return &Publisher{API: eventbridge.NewFromConfig(cfg), Bus: bus}
}

// PublishRequested puts a Deployment Monitor Requested event.
func (p *Publisher) PublishRequested(ctx context.Context, req monitor.Request) error {
	return p.put(ctx, monitor.DetailTypeRequested, req, req.DeploymentID)
}

// PublishFinished puts a Deployment Finished event.
func (p *Publisher) PublishFinished(ctx context.Context, f monitor.Finished) error {
	f.SessionID = ""
	return p.put(ctx, monitor.DetailTypeFinished, f, f.DeploymentID)
}

func (p *Publisher) put(ctx context.Context, detailType string, detail any, id string) error {
	body, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("encode %s detail: %w", detailType, err)
	}
	entry := types.PutEventsRequestEntry{
		Source:       aws.String(monitor.Source),
		DetailType:   aws.String(detailType),
		Detail:       aws.String(string(body)),
		EventBusName: aws.String(p.Bus),
		Resources:    []string{},
	}
	out, err := p.API.PutEvents(ctx, &eventbridge.PutEventsInput{
		Entries: []types.PutEventsRequestEntry{entry}})
	if err != nil {
		return fmt.Errorf("put %q event for %s on bus %q: %w", detailType, id, p.Bus, err)
	}
	if out.FailedEntryCount > 0 {
		code, msg := "", ""
		if len(out.Entries) > 0 {
			code = aws.ToString(out.Entries[0].ErrorCode)
			msg = aws.ToString(out.Entries[0].ErrorMessage)
		}
		return fmt.Errorf("put %q event for %s on bus %q: %w: %s %s", detailType, id, p.Bus,
			ErrPartialFailure, code, msg)
	}
	return nil
}
