package bench

import (
	"math"
	"time"
)

// AWS list prices in us-east-1 (facts/aws.md), and the Lambda's shape.
const (
	lambdaRequestPrice  = 0.20 / 1e6
	lambdaGBSecondPrice = 0.0000133334 // arm64
	sqsRequestPrice     = 0.40 / 1e6
	eventPrice          = 1.00 / 1e6
	lambdaGB            = 128.0 / 1024
	// dispatchTime is the dispatch Lambda's run per finish: one GitHub or GitLab API exchange.
	dispatchTime = time.Second
	// assumedCheckTime stands in for the measured handler time when it was not measured.
	assumedCheckTime = 300 * time.Millisecond
)

// checkCost is one check: its own invocation of perMessage at 128 MB, receive and visibility.
func checkCost(perMessage time.Duration) float64 {
	return lambdaRequestPrice + lambdaSeconds(perMessage)*lambdaGB*lambdaGBSecondPrice +
		2*sqsRequestPrice
}

// deploymentCost is a deployment's events, final delete and dispatch invocation.
func deploymentCost() float64 {
	return 2*eventPrice + sqsRequestPrice + lambdaRequestPrice +
		lambdaSeconds(dispatchTime)*lambdaGB*lambdaGBSecondPrice
}

// lambdaSeconds is d billed in whole milliseconds.
func lambdaSeconds(d time.Duration) float64 { return math.Ceil(d.Seconds()*1000) / 1000 }

// CostPerHour is a policy's AWS cost per watched deployment-hour.
func CostPerHour(s Summary, perMessage time.Duration, meanWatch time.Duration) float64 {
	if s.Calls == 0 || meanWatch <= 0 {
		return 0
	}
	return (s.Calls*checkCost(perMessage) + deploymentCost()) / meanWatch.Hours()
}
