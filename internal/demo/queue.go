package demo

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// queueARN names the stand-in queue as the event source mapping would.
const queueARN = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-monitor"

// defaultVisibility is the queue's own visibility timeout after a receive.
const defaultVisibility = 15 * time.Minute

// message is one message in the stand-in queue.
type message struct {
	id        string
	body      string
	receipt   string
	visibleAt time.Time
	receives  int
}

// queue is an in-process SQS queue with visibility semantics on a virtual clock: a
// received message is hidden for the queue's timeout, ChangeMessageVisibility hides it
// from now for the given seconds, and a message not reported failed is deleted.
type queue struct {
	mu       sync.Mutex
	now      func() time.Time
	messages []*message
	sent     int
}

func (q *queue) send(body string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sent++
	q.messages = append(q.messages, &message{id: fmt.Sprintf("msg-%d", q.sent), body: body,
		visibleAt: q.now()})
}

// nextVisible returns when the next message becomes visible, and false when none is left.
func (q *queue) nextVisible() (time.Time, bool) {
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

// receive returns up to ten visible messages as an SQS batch.
func (q *queue) receive() events.SQSEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	var batch events.SQSEvent
	now := q.now()
	for _, m := range q.messages {
		if m.visibleAt.After(now) || len(batch.Records) == 10 {
			continue
		}
		m.receives++
		m.receipt = fmt.Sprintf("%s-r%d", m.id, m.receives)
		m.visibleAt = now.Add(defaultVisibility)
		batch.Records = append(batch.Records, events.SQSMessage{MessageId: m.id,
			ReceiptHandle: m.receipt, Body: m.body, EventSourceARN: queueARN,
			EventSource: "aws:sqs", Attributes: map[string]string{
				"ApproximateReceiveCount": fmt.Sprint(m.receives)}})
	}
	return batch
}

// settle deletes the batch's messages that were not reported as failures.
func (q *queue) settle(batch events.SQSEvent, resp events.SQSEventResponse) {
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
func (q *queue) Delay(_ context.Context, _, receipt string, seconds int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range q.messages {
		if m.receipt == receipt {
			m.visibleAt = q.now().Add(time.Duration(seconds) * time.Second)
			return nil
		}
	}
	return fmt.Errorf("receipt handle %q is not current", receipt)
}
