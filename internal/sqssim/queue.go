// Package sqssim is an in-process SQS queue with visibility semantics on a virtual clock,
// for the demo and the load tests: receives hide a message for the queue's timeout,
// ChangeMessageVisibility hides it from now, and what the consumer does not report as failed
// is deleted, as the Lambda event source mapping does.
package sqssim

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// QueueARN names the stand-in queue as the event source mapping would.
const QueueARN = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-monitor"

// DefaultVisibility is the queue's own visibility timeout after a receive.
const DefaultVisibility = 15 * time.Minute

// BatchSize is the most messages one receive returns, as the event source mapping's default.
const BatchSize = 10

// message is one message in the stand-in queue.
type message struct {
	id        string
	body      string
	receipt   string
	visibleAt time.Time
	receives  int
}

// Queue is the in-process queue; Now is its clock.
type Queue struct {
	Now func() time.Time

	mu       sync.Mutex
	messages []*message
	sent     int
	receives int
}

// Send enqueues a message body, visible at once.
func (q *Queue) Send(body string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sent++
	q.messages = append(q.messages, &message{id: fmt.Sprintf("msg-%d", q.sent), body: body,
		visibleAt: q.Now()})
}

// NextVisible returns when the next message becomes visible, and false when none is left.
func (q *Queue) NextVisible() (time.Time, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.messages) == 0 {
		return time.Time{}, false
	}
	sort.Slice(q.messages, func(i, j int) bool {
		return q.messages[i].visibleAt.Before(q.messages[j].visibleAt)
	})
	return q.messages[0].visibleAt, true
}

// Receive returns up to BatchSize visible messages as an SQS batch.
func (q *Queue) Receive() events.SQSEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	var batch events.SQSEvent
	now := q.Now()
	for _, m := range q.messages {
		if m.visibleAt.After(now) || len(batch.Records) == BatchSize {
			continue
		}
		m.receives++
		q.receives++
		m.receipt = fmt.Sprintf("%s-r%d", m.id, m.receives)
		m.visibleAt = now.Add(DefaultVisibility)
		batch.Records = append(batch.Records, events.SQSMessage{MessageId: m.id,
			ReceiptHandle: m.receipt, Body: m.body, EventSourceARN: QueueARN,
			EventSource: "aws:sqs", Attributes: map[string]string{
				"ApproximateReceiveCount": fmt.Sprint(m.receives)}})
	}
	return batch
}

// Settle deletes the batch's messages that were not reported as failures.
func (q *Queue) Settle(batch events.SQSEvent, resp events.SQSEventResponse) {
	keep := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		keep[f.ItemIdentifier] = true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var left []*message
	for _, m := range q.messages {
		if !keep[m.id] && received(batch, m.id) {
			continue
		}
		left = append(left, m)
	}
	q.messages = left
}

func received(batch events.SQSEvent, id string) bool {
	for _, r := range batch.Records {
		if r.MessageId == id {
			return true
		}
	}
	return false
}

// Delay is ChangeMessageVisibility: the message returns seconds from now.
func (q *Queue) Delay(_ context.Context, _, receipt string, seconds int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range q.messages {
		if m.receipt == receipt {
			m.visibleAt = q.Now().Add(time.Duration(seconds) * time.Second)
			return nil
		}
	}
	return fmt.Errorf("receipt handle %q is not current", receipt)
}

// Len returns how many messages the queue holds.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.messages)
}

// Receives returns how many times messages were received in all.
func (q *Queue) Receives() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.receives
}
