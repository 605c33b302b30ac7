// Package awstemplate holds the AWS side of sf-async-deploy: template.yaml (plain
// CloudFormation), build.sh (the Lambda zip) and README.md (how to deploy them). Its tests
// check the template's invariants offline; the package has no code of its own.
package awstemplate
