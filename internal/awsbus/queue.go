package awsbus

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// MaxVisibilitySeconds is SQS's limit on one receipt's visibility: 12 hours.
const MaxVisibilitySeconds = 12 * 60 * 60

// QueueAPI is the part of the SQS client the queue uses.
type QueueAPI interface {
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput,
		opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Queue changes the visibility of messages received from SQS queues.
type Queue struct {
	API QueueAPI
}

// NewQueue builds a Queue from an AWS configuration.
func NewQueue(cfg aws.Config) *Queue { return &Queue{API: sqs.NewFromConfig(cfg)} }

// Delay hides a received message for seconds, counted from now, so it returns then.
func (q *Queue) Delay(ctx context.Context, queueARN, receipt string, seconds int) error {
	url, err := QueueURL(queueARN)
	if err != nil {
		return err
	}
	seconds = min(max(seconds, 0), MaxVisibilitySeconds)
	_, err = q.API.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl:          aws.String(url),
		ReceiptHandle:     aws.String(receipt),
		VisibilityTimeout: int32(seconds),
	})
	if err != nil {
		return fmt.Errorf("change visibility on %s: %w", url, err)
	}
	return nil
}

// QueueURL derives a queue's URL from its ARN (arn:PARTITION:sqs:REGION:ACCOUNT:NAME).
func QueueURL(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
		return "", fmt.Errorf("not an SQS queue ARN: %q", arn)
	}
	partition, region, account, name := parts[1], parts[3], parts[4], parts[5]
	domain := "amazonaws.com"
	switch partition {
	case "aws-cn":
		domain = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://sqs.%s.%s/%s/%s", region, domain, account, name), nil
}
