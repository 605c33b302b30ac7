package cli

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/ci"
	"github.com/sf-async-deploy/sf-async-deploy/internal/report"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

func finishCommand() command {
	opts := append([]option{
		{name: "deployment-id", usage: "the deployment to finish (default: $SF_DEPLOYMENT_ID)"},
		{name: "wait", usage: "how long to wait for the deployment to end", def: "0"},
	}, orgOptions...)
	opts = append(opts, commentOptions...)
	return command{summary: "fetch a deployment's result, write the artifacts, pass or fail",
		options: opts, run: runFinish}
}

// deploymentID reads deployment-id, falling back to SF_DEPLOYMENT_ID from a dotenv report.
func deploymentID(o *options, getenv func(string) string) (string, error) {
	id := o.str("deployment-id")
	if id == "" {
		id = getenv("SF_DEPLOYMENT_ID")
	}
	if id == "" {
		return "", usageErrorf("option deployment-id is required: give the 0Af… id that " +
			"deploy printed (under GitLab it comes as SF_DEPLOYMENT_ID from deploy.env)")
	}
	if !salesforce.ValidDeploymentID(id) {
		return "", usageErrorf("option deployment-id: %q is not a deployment id: want 0Af "+
			"followed by 12 or 15 letters and digits", id)
	}
	return id, nil
}

// deploymentTarget is a validated org connection and deployment id.
type deploymentTarget struct {
	cfg orgConfig
	id  string
}

// readTarget validates the org options and the deployment id, before any request.
func readTarget(o *options, getenv func(string) string) (deploymentTarget, error) {
	cfg, err := readOrgConfig(o)
	if err != nil {
		return deploymentTarget{}, err
	}
	id, err := deploymentID(o, getenv)
	return deploymentTarget{cfg: cfg, id: id}, err
}

func runFinish(ctx context.Context, r *run, o *options) error {
	target, err := readTarget(o, r.env.Getenv)
	if err != nil {
		return err
	}
	id := target.id
	wait, err := o.duration("wait")
	if err != nil {
		return err
	}
	notes, err := readCommentPlan(o)
	if err != nil {
		return err
	}
	client, session, err := r.connect(ctx, target.cfg)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := r.waitForEnd(ctx, client, id, wait); err != nil {
			return err
		}
	}
	result, raw, err := client.Result(ctx, id)
	if err != nil {
		return err
	}
	deployURL := salesforce.DeployStatusURL(session.InstanceURL, id)
	if !result.Done {
		return &exitError{code: ExitNotFinished, err: fmt.Errorf("deployment %s has not "+
			"finished: %s; run finish again when it ends, or pass wait (%s)", id,
			progressLine(result), deployURL)}
	}
	if err := r.writeResults(o.str("results-dir"), result, raw, deployURL); err != nil {
		return err
	}
	r.out.Printf("Deployment %s %s", id, progressLine(result))
	r.comment(ctx, notes, o.str("results-dir"))
	if !result.Succeeded() {
		return &exitError{code: ExitFailed, err: fmt.Errorf("deployment %s ended %s: see %s",
			id, result.Status, deployURL)}
	}
	return nil
}

// waitForEnd polls the status without details until the deployment is done or wait runs out.
func (r *run) waitForEnd(ctx context.Context, client *salesforce.Client, id string,
	wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		status, err := client.Status(ctx, id)
		if ctx.Err() != nil {
			return nil // the wait ran out: the final read below reports where it stands
		}
		if err != nil {
			return err
		}
		r.out.Printf("%s: %s", id, progressLine(status))
		if status.Done {
			return nil
		}
		timer := time.NewTimer(r.env.PollInterval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// writeResults writes every artifact, then the platform's summary, annotations and outputs.
func (r *run) writeResults(dir string, result salesforce.DeployResult, raw []byte,
	deployURL string) error {
	files := newRepoFiles(r.workspace(), dir)
	summary, err := r.renderArtifacts(dir, result, raw, deployURL, files)
	if err != nil {
		return err
	}
	if err := r.out.Summary(summary); err != nil {
		return fmt.Errorf("write step summary: %w", err)
	}
	r.annotate(result, files)
	return r.finishOutputs(result, deployURL)
}

func (r *run) renderArtifacts(dir string, result salesforce.DeployResult, raw []byte,
	deployURL string, files *repoFiles) (string, error) {
	var junit, coverage, summary bytes.Buffer
	if err := report.WriteJUnit(&junit, result); err != nil {
		return "", fmt.Errorf("render junit.xml: %w", err)
	}
	if err := report.WriteCobertura(&coverage, result, coverageRoot(result, files)); err != nil {
		return "", fmt.Errorf("render coverage: %w", err)
	}
	info := report.SummaryInfo{DeployURL: deployURL, FileMapper: files.Path}
	if err := report.WriteSummary(&summary, result, info); err != nil {
		return "", fmt.Errorf("render summary.md: %w", err)
	}
	for name, data := range map[string][]byte{
		"deploy-result.json":     append(bytes.TrimSpace(raw), '\n'),
		"junit.xml":              junit.Bytes(),
		"coverage/cobertura.xml": coverage.Bytes(),
		"summary.md":             summary.Bytes(),
	} {
		if err := writeArtifact(dir, name, data); err != nil {
			return "", err
		}
	}
	r.out.Printf("Wrote deploy-result.json, junit.xml, coverage/cobertura.xml and summary.md "+
		"to %s", dir)
	return summary.String(), nil
}

// coverageRoot finds the repository folder that holds the covered classes.
func coverageRoot(result salesforce.DeployResult, files *repoFiles) string {
	if result.Details == nil || result.Details.RunTestResult == nil {
		return ""
	}
	for _, c := range result.Details.RunTestResult.CodeCoverage {
		name := "classes/" + c.Name + ".cls"
		if c.Type == "Trigger" {
			name = "triggers/" + c.Name + ".trigger"
		}
		if root := files.Root(name); root != "" {
			return root
		}
	}
	return ""
}

func (r *run) annotate(result salesforce.DeployResult, files *repoFiles) {
	for _, a := range report.Annotations(result) {
		file := a.File
		if mapped := files.Path(a.File); mapped != "" {
			file = mapped
		}
		r.out.Annotate(ci.Annotation{File: file, Line: a.Line, Column: a.Column,
			Title: a.Title, Body: a.Message})
	}
}

func (r *run) finishOutputs(result salesforce.DeployResult, deployURL string) error {
	counts := report.CountsOf(result)
	outputs := [][2]string{
		{"status", string(result.Status)},
		{"success", strconv.FormatBool(result.Succeeded())},
		{"deployment-id", result.ID},
		{"deploy-url", deployURL},
		{"components-deployed", strconv.Itoa(counts.ComponentsDeployed)},
		{"components-total", strconv.Itoa(counts.ComponentsTotal)},
		{"component-errors", strconv.Itoa(counts.ComponentErrors)},
		{"tests-completed", strconv.Itoa(counts.TestsCompleted)},
		{"tests-total", strconv.Itoa(counts.TestsTotal)},
		{"test-errors", strconv.Itoa(counts.TestErrors)},
	}
	if counts.CoveragePercent >= 0 {
		outputs = append(outputs, [2]string{"coverage-percent",
			strconv.FormatFloat(counts.CoveragePercent, 'f', 1, 64)})
	}
	for _, kv := range outputs {
		if err := r.out.Output(kv[0], kv[1]); err != nil {
			return fmt.Errorf("set output %s: %w", kv[0], err)
		}
	}
	return nil
}

// workspace is the checkout that org file names are mapped into.
func (r *run) workspace() string {
	for _, name := range []string{"GITHUB_WORKSPACE", "CI_PROJECT_DIR"} {
		if dir := r.env.Getenv(name); dir != "" {
			return dir
		}
	}
	return "."
}

// progressLine is one readable line of a deployment's state.
func progressLine(s salesforce.DeployResult) string {
	line := fmt.Sprintf("%s: %d/%d components", s.Status, s.NumberComponentsDeployed,
		s.NumberComponentsTotal)
	if s.NumberComponentErrors > 0 {
		line += fmt.Sprintf(" (%d errors)", s.NumberComponentErrors)
	}
	if s.NumberTestsTotal > 0 || s.RunTestsEnabled {
		line += fmt.Sprintf(", %d/%d tests", s.NumberTestsCompleted, s.NumberTestsTotal)
		if s.NumberTestErrors > 0 {
			line += fmt.Sprintf(" (%d failed)", s.NumberTestErrors)
		}
	}
	if s.StateDetail != "" {
		line += " — " + s.StateDetail
	}
	return line
}
