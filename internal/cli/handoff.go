package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// monitorOptions say who waits for the deployment and how the finish job is found.
var monitorOptions = []option{
	{name: "monitor", usage: "eventbridge (hand off to AWS) or none", def: "eventbridge"},
	{name: "event-bus", usage: "EventBridge bus name or ARN", def: monitor.DefaultEventBusName},
	{name: "finish-workflow", usage: "GitHub: the finish workflow's file name",
		def: monitor.DefaultFinishWorkflow},
	{name: "finish-ref", usage: "GitHub: the branch or tag to run the finish workflow on " +
		"(default: this run's branch)"},
	{name: "finish-job", usage: "GitLab: the name of the manual finish job",
		def: monitor.DefaultFinishJobName},
	{name: "tick", usage: "how often the monitor checks the deployment", def: "60s"},
	{name: "deadline", usage: "how long the monitor watches before it reports Unknown",
		def: "12h"},
	{name: "credential-ref", usage: "name of the org credential secret the Lambda reads " +
		"instead of receiving a session id"},
	{name: "commit-status", usage: "show the progress as a status on the commit while the " +
		"monitor watches", boolean: true, def: "false"},
}

// handoffPlan is the validated monitoring part of a deploy.
type handoffPlan struct {
	mode           string
	bus            string
	finishWorkflow string
	finishRef      string
	finishJob      string
	tick           time.Duration
	deadline       time.Time
	credentialRef  string
	commitStatus   bool
	aws            awsSettings
}

func readHandoffPlan(o *options, now time.Time) (handoffPlan, error) {
	p := handoffPlan{bus: o.str("event-bus"), finishWorkflow: o.str("finish-workflow"),
		finishRef: o.str("finish-ref"), finishJob: o.str("finish-job"),
		credentialRef: o.str("credential-ref")}
	var err error
	if p.mode, err = o.oneOf("monitor", "eventbridge", "none"); err != nil {
		return p, err
	}
	if p.tick, err = o.duration("tick"); err != nil {
		return p, err
	}
	if p.tick < time.Second {
		return p, usageErrorf("option tick: must be at least 1s, such as 60s")
	}
	watch, err := o.duration("deadline")
	if err != nil {
		return p, err
	}
	if watch <= 0 {
		return p, usageErrorf("option deadline: must be positive, such as 12h")
	}
	p.deadline = now.Add(watch)
	if p.commitStatus, err = o.boolean("commit-status"); err != nil {
		return p, err
	}
	if p.aws, err = readAWSSettings(o, o.getenv); err != nil {
		return p, err
	}
	if p.mode == "eventbridge" && o.getenv("GITHUB_ACTIONS") != "true" &&
		o.getenv("GITLAB_CI") != "true" {
		return p, usageErrorf("option monitor: eventbridge hands the finish to a GitHub workflow " +
			"or a GitLab job, and this runs in neither: use monitor none and run finish yourself")
	}
	if p.mode == "eventbridge" && p.bus == "" {
		return p, usageErrorf("option event-bus: required with monitor eventbridge")
	}
	return p, nil
}

// request builds the monitor request from the CI environment.
func (p handoffPlan) request(getenv func(string) string, id string, s salesforce.Session,
	apiVersion string, now time.Time) monitor.Request {
	req := monitor.Request{
		DeploymentID:  id,
		OrgURL:        s.InstanceURL.String(),
		SchemaVersion: monitor.SchemaVersion,
		APIVersion:    apiVersion,
		CredentialRef: p.credentialRef,
		TickSeconds:   int(p.tick / time.Second),
		Deadline:      p.deadline.UTC().Format(time.RFC3339),
		RequestedAt:   now.UTC().Format(time.RFC3339),
		CommitStatus:  p.commitStatus,
	}
	if p.credentialRef == "" {
		req.SessionID = s.AccessToken
	}
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		fillGitHub(&req, getenv, p)
	case getenv("GITLAB_CI") == "true":
		fillGitLab(&req, getenv, p)
	}
	return req
}

func fillGitHub(req *monitor.Request, getenv func(string) string, p handoffPlan) {
	req.CI = monitor.CIGitHub
	req.RepoPath = getenv("GITHUB_REPOSITORY")
	req.PipelineFinishJobID = p.finishWorkflow
	req.Ref = p.finishRef
	if req.Ref == "" {
		req.Ref = getenv("GITHUB_HEAD_REF")
	}
	if req.Ref == "" {
		req.Ref = getenv("GITHUB_REF_NAME")
	}
	req.CommitSHA = getenv("GITHUB_SHA")
	req.PipelineID = getenv("GITHUB_RUN_ID")
	if server, repo, id := getenv("GITHUB_SERVER_URL"), req.RepoPath, req.PipelineID; server != "" &&
		repo != "" && id != "" {
		req.RunURL = fmt.Sprintf("%s/%s/actions/runs/%s", server, repo, id)
	}
}

func fillGitLab(req *monitor.Request, getenv func(string) string, p handoffPlan) {
	req.CI = monitor.CIGitLab
	req.RepoPath = getenv("CI_PROJECT_PATH")
	req.ProjectID = getenv("CI_PROJECT_ID")
	req.PipelineID = getenv("CI_PIPELINE_ID")
	req.FinishJobName = p.finishJob
	req.Ref = getenv("CI_COMMIT_REF_NAME")
	req.CommitSHA = getenv("CI_COMMIT_SHA")
	req.RunURL = getenv("CI_JOB_URL")
}

// handOff publishes the monitor request, or explains what to run when monitoring is off.
func (r *run) handOff(ctx context.Context, p handoffPlan, publisher Publisher,
	req monitor.Request) error {
	if p.mode == "none" {
		r.out.Printf("Monitoring is off: run `sf-async-deploy finish --deployment-id %s` to "+
			"collect the result", req.DeploymentID)
		return nil
	}
	if err := publisher.Publish(ctx, p.bus, req); err != nil {
		return r.handoffFailed(req, err)
	}
	r.out.Printf("Monitor request published to event bus %s; this job can end now", p.bus)
	return nil
}

// publisher returns the monitor's publisher, built before any deployment starts so that
// bad AWS configuration stops the deploy early.
func (r *run) publisher(ctx context.Context, p handoffPlan) (Publisher, error) {
	if p.mode == "none" {
		return nil, nil
	}
	if r.env.Publisher != nil {
		return r.env.Publisher, nil
	}
	return newEventBridgePublisher(ctx, p.aws)
}

func (r *run) handoffFailed(req monitor.Request, err error) error {
	return &exitError{code: ExitRemote, err: fmt.Errorf("publish the monitor request: %w; "+
		"the deployment %s is running in the org regardless: run `sf-async-deploy finish "+
		"--deployment-id %s` by hand to collect its result", err, req.DeploymentID,
		req.DeploymentID)}
}
