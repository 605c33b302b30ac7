package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// Publisher hands the monitor request to whatever waits for the deployment.
type Publisher interface {
	Publish(ctx context.Context, bus string, req monitor.Request) error
}

// deploySources are the alternative ways to say what to deploy.
var deploySources = []string{"metadata-dir", "metadata-zip", "deployment-id",
	"validated-deployment-id", "source-dir"}

func deployCommand() command {
	opts := append([]option{
		{name: "metadata-dir", usage: "a metadata-format folder with package.xml at its root"},
		{name: "metadata-zip", usage: "a ready deployment zip"},
		{name: "deployment-id", usage: "adopt a deployment another tool started (0Af…)"},
		{name: "validated-deployment-id", usage: "quick deploy this validation (0Af…)"},
		{name: "source-dir", usage: "source-format folders to convert and deploy, " +
			"comma-separated: package directories or the project's folder"},
		{name: "manifest", usage: "with source-dir: a package.xml that limits what is " +
			"deployed"},
		{name: "test-level", usage: "NoTestRun, RunSpecifiedTests, RunLocalTests, " +
			"RunAllTestsInOrg or RunRelevantTests (API 66.0+); default: the org's"},
		{name: "tests", usage: "Apex test classes for RunSpecifiedTests, comma-separated"},
		{name: "check-only", usage: "validate without saving", boolean: true, def: "false"},
		{name: "ignore-warnings", usage: "deploy despite warnings", boolean: true, def: "false"},
		{name: "rollback-on-error", usage: "roll back everything on any error (must be true " +
			"in production)", boolean: true, def: "true"},
		{name: "purge-on-delete", usage: "hard-delete destructive changes (sandboxes only)",
			boolean: true, def: "false"},
	}, monitorOptions...)
	opts = append(opts, awsOptions...)
	return command{summary: "start a deployment and hand its monitoring off",
		options: append(opts, orgOptions...), run: runDeploy}
}

// deployPlan is the validated input of one deploy.
type deployPlan struct {
	source     string
	value      string
	sourceDirs []string // source-dir, split
	manifest   string
	apiVersion string
	options    salesforce.DeployOptions
	handoff    handoffPlan
}

func readDeployPlan(o *options, apiVersion string, now time.Time) (deployPlan, error) {
	plan := deployPlan{apiVersion: apiVersion}
	var given []string
	for _, name := range deploySources {
		if o.str(name) != "" {
			given = append(given, name)
		}
	}
	switch len(given) {
	case 0:
		return plan, usageErrorf("nothing to deploy: set one of metadata-dir, source-dir, " +
			"metadata-zip, deployment-id or validated-deployment-id")
	case 1:
		plan.source, plan.value = given[0], o.str(given[0])
	default:
		return plan, usageErrorf("options %s are alternatives: give only one", joinNames(given))
	}
	if err := checkSource(plan.source, plan.value); err != nil {
		return plan, err
	}
	var err error
	if plan.sourceDirs, plan.manifest, err = readSourceDirs(o, plan); err != nil {
		return plan, err
	}
	if plan.options, err = readDeployOptions(o, apiVersion); err != nil {
		return plan, err
	}
	plan.handoff, err = readHandoffPlan(o, now)
	return plan, err
}

func checkSource(source, value string) error {
	switch source {
	case "deployment-id", "validated-deployment-id":
		if !salesforce.ValidDeploymentID(value) {
			return usageErrorf("option %s: %q is not a deployment id: want 0Af followed by 12 "+
				"or 15 letters and digits", source, value)
		}
	case "metadata-dir":
		info, err := os.Stat(value)
		if err != nil || !info.IsDir() {
			return usageErrorf("option metadata-dir: %q is not a folder: give the path of a "+
				"metadata-format folder with package.xml at its root", value)
		}
	case "metadata-zip":
		if info, err := os.Stat(value); err != nil || info.IsDir() {
			return usageErrorf("option metadata-zip: %q is not a file: give the path of a "+
				"deployment zip", value)
		}
	}
	return nil
}

// readSourceDirs reads source-dir's folders and manifest, which only goes with source-dir.
func readSourceDirs(o *options, plan deployPlan) ([]string, string, error) {
	manifest := o.str("manifest")
	if plan.source != "source-dir" {
		if manifest != "" {
			return nil, "", usageErrorf("option manifest only applies with source-dir, not "+
				"%s: drop manifest, or deploy a package.xml folder with metadata-dir", plan.source)
		}
		return nil, "", nil
	}
	dirs := splitFolders(plan.value)
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, "", usageErrorf("option source-dir: %q is not a folder: give "+
				"package directories such as force-app, comma-separated, or the project's "+
				"folder", dir)
		}
	}
	if manifest != "" {
		if info, err := os.Stat(manifest); err != nil || info.IsDir() {
			return nil, "", usageErrorf("option manifest: %q is not a file: give the path "+
				"of a package.xml", manifest)
		}
	}
	return dirs, manifest, nil
}

// splitFolders splits a list of folders at commas and new lines (not spaces, which folder
// names may hold).
func splitFolders(v string) []string {
	var out []string
	for _, item := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == '\n'
	}) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func readDeployOptions(o *options, apiVersion string) (salesforce.DeployOptions, error) {
	var d salesforce.DeployOptions
	level, err := o.oneOf("test-level", salesforce.TestLevels...)
	if err != nil {
		return d, err
	}
	d.RunTests = o.list("tests")
	switch {
	case level == "" && len(d.RunTests) > 0:
		level = "RunSpecifiedTests"
	case level == "RunSpecifiedTests" && len(d.RunTests) == 0:
		return d, usageErrorf("option test-level RunSpecifiedTests needs option tests: list " +
			"the Apex test classes to run")
	case level != "RunSpecifiedTests" && len(d.RunTests) > 0:
		return d, usageErrorf("option tests only applies with test-level RunSpecifiedTests, "+
			"not %s: drop tests or change test-level", level)
	case level == "RunRelevantTests" && apiMajor(apiVersion) < 66:
		return d, usageErrorf("option test-level RunRelevantTests needs api-version 66.0 or " +
			"later")
	}
	d.TestLevel = level
	for name, field := range map[string]*bool{"check-only": &d.CheckOnly,
		"ignore-warnings": &d.IgnoreWarnings, "rollback-on-error": &d.RollbackOnError,
		"purge-on-delete": &d.PurgeOnDelete} {
		if *field, err = o.boolean(name); err != nil {
			return d, err
		}
	}
	d.SinglePackage = true
	return d, nil
}

func apiMajor(v string) int {
	n, _ := strconv.Atoi(v[:len(v)-2])
	return n
}

func joinNames(names []string) string {
	slices.Sort(names)
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

func runDeploy(ctx context.Context, r *run, o *options) error {
	cfg, err := readOrgConfig(o)
	if err != nil {
		return err
	}
	plan, err := readDeployPlan(o, cfg.apiVersion, r.env.Now())
	if err != nil {
		return err
	}
	publisher, err := r.publisher(ctx, plan.handoff)
	if err != nil {
		return err
	}
	if err := checkResultsDir(o.str("results-dir")); err != nil {
		return err
	}
	zipPath, cleanup, err := r.prepareZip(&plan)
	if err != nil {
		return err
	}
	defer cleanup()
	client, session, err := r.connect(ctx, cfg)
	if err != nil {
		return err
	}
	id, err := r.startDeployment(ctx, client, plan, zipPath)
	if err != nil {
		return err
	}
	deployURL := salesforce.DeployStatusURL(session.InstanceURL, id)
	r.out.Printf("Deployment %s started: %s", id, deployURL)
	req := plan.handoff.request(r.env.Getenv, id, session, cfg.apiVersion, r.env.Now())
	// The deployment runs from here on: hand it off even when an output cannot be written.
	outErr := r.writeDeployOutputs(o.str("results-dir"), id, deployURL, req)
	if err := r.handOff(ctx, plan.handoff, publisher, req); err != nil {
		return err
	}
	if outErr != nil {
		return &exitError{code: ExitRemote, err: fmt.Errorf("%w; the deployment %s is running "+
			"and its monitor request was handed off", outErr, id)}
	}
	return nil
}

func (r *run) startDeployment(ctx context.Context, client *salesforce.Client, plan deployPlan,
	zipPath string) (string, error) {
	switch plan.source {
	case "deployment-id":
		status, err := client.Status(ctx, plan.value)
		if err != nil {
			return "", fmt.Errorf("adopt deployment: %w", err)
		}
		r.out.Printf("Adopted deployment %s (%s)", plan.value, status.Status)
		return plan.value, nil
	case "validated-deployment-id":
		answer, err := client.QuickDeploy(ctx, plan.value)
		if err != nil {
			return "", err
		}
		return startedID(answer)
	}
	answer, err := client.StartDeploy(ctx, zipPath, plan.options)
	if err != nil {
		return "", err
	}
	return startedID(answer)
}

// startedID checks that the org's answer to a start names the new deployment.
func startedID(answer salesforce.DeployRequest) (string, error) {
	if !salesforce.ValidDeploymentID(answer.ID) {
		return "", fmt.Errorf("start deployment: the org answered without a deployment id")
	}
	return answer.ID, nil
}
