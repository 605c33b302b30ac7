package rie

import (
	"encoding/json"
	"strings"
	"testing"
)

// The queues of the stack the events come from.
const (
	MonitorQueueARN = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-monitor"
	FinishQueueARN  = "arn:aws:sqs:us-east-1:123456789012:sf-async-deploy-finish"
)

// sqsEvent is an SQS batch of one message as the event source mapping sends it.
const sqsEvent = `{
  "Records": [
    {
      "messageId": "MESSAGE_ID",
      "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a+RECEIPT_HANDLE",
      "body": BODY,
      "attributes": {
        "ApproximateReceiveCount": "RECEIVE_COUNT",
        "SentTimestamp": "1764497702000",
        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
        "ApproximateFirstReceiveTimestamp": "1764497702016"
      },
      "messageAttributes": {},
      "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
      "eventSource": "aws:sqs",
      "eventSourceARN": "QUEUE_ARN",
      "awsRegion": "us-east-1"
    }
  ]
}`

// finishEvent is a Deployment Finished event as an EventBridge rule delivers it.
const finishEvent = `{
  "version": "0",
  "id": "EVENT_ID",
  "detail-type": "Deployment Finished",
  "source": "sf-async-deploy",
  "account": "123456789012",
  "time": "2026-11-30T10:45:00Z",
  "region": "us-east-1",
  "resources": [],
  "detail": DETAIL
}`

// SQSEvent wraps a monitor request body as one message of the monitor queue.
func SQSEvent(id, receiveCount, body string) string {
	return queueEvent(MonitorQueueARN, id, receiveCount, body)
}

// FinishSQSEvent wraps a whole EventBridge event (FinishEvent) as one message of the finish
// queue, as FinishRule queues it.
func FinishSQSEvent(id, receiveCount, event string) string {
	return queueEvent(FinishQueueARN, id, receiveCount, event)
}

func queueEvent(queueARN, id, receiveCount, body string) string {
	quoted, _ := json.Marshal(body)
	return strings.NewReplacer("MESSAGE_ID", id, "RECEIPT_HANDLE", id,
		"RECEIVE_COUNT", receiveCount, "QUEUE_ARN", queueARN, "BODY", string(quoted)).
		Replace(sqsEvent)
}

// FinishEvent wraps a finish detail (a JSON object) as an EventBridge event.
func FinishEvent(id, detail string) string {
	return strings.NewReplacer("EVENT_ID", id, "DETAIL", detail).Replace(finishEvent)
}

// BatchFailures decodes the function's SQSEventResponse.
func BatchFailures(t testing.TB, answer string) []string {
	t.Helper()
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal([]byte(answer), &resp); err != nil {
		t.Fatalf("answer %q: %v", answer, err)
	}
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}
