// Command lambda is the bundled AWS Lambda (built as bootstrap for provided.al2023): it
// watches deployments from the SQS monitor queue and triggers their finish jobs.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
)

func main() {
	handler, err := lambdafn.New(context.Background(), os.Getenv, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sf-async-deploy lambda: %s\n", err)
		os.Exit(1)
	}
	lambda.Start(handler.Invoke)
}
