package gitlabe2e

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// listedJob is how gitlab-ci-local --list-json says a job runs.
type listedJob struct {
	When         string
	AllowFailure bool
	Needs        []string
}

// TestPipelines checks, as gitlab-ci-local reads them (includes resolved, inputs checked,
// GitLab's JSON schema validated), which jobs the example pipeline and this repository's
// own pipeline create, and that the component refuses bad inputs.
func TestPipelines(t *testing.T) {
	root := repoRoot(t)
	tools := requireTools(t, root)
	example := func(overrides map[string]any) pipelineFunc {
		return examplePipeline(root, overrides)
	}
	own := filePipeline(filepath.Join(root, ".gitlab-ci.yml"))
	deploy := listedJob{When: "on_success"}
	finish := listedJob{When: "manual", AllowFailure: true, Needs: []string{deployJob}}
	blocking := listedJob{When: "manual", Needs: []string{deployJob}}
	goTest := listedJob{When: "on_success"}
	for _, c := range []struct {
		name     string
		pipeline pipelineFunc
		vars     []string
		want     map[string]listedJob
		refused  string // for a refused configuration, what the error names
	}{
		{name: "example", pipeline: example(nil),
			want: map[string]listedJob{deployJob: deploy, finishJob: finish}},
		{name: "example, finish blocks the pipeline",
			pipeline: example(map[string]any{"finish-blocks-pipeline": true}),
			want:     map[string]listedJob{deployJob: deploy, finishJob: blocking}},
		{name: "example, own job names and the default test level",
			pipeline: example(map[string]any{"deploy-job-name": "sf-deploy",
				"finish-job-name": "sf-finish", "test-level": nil}),
			want: map[string]listedJob{"sf-deploy": deploy,
				"sf-finish": {When: "manual", AllowFailure: true, Needs: []string{"sf-deploy"}}}},
		{name: "example, unknown test level",
			pipeline: example(map[string]any{"test-level": "RunEverything"}),
			refused:  "test-level"},
		{name: "example, not a variable name",
			pipeline: example(map[string]any{"auth-url-variable": "X; env"}),
			refused:  "auth-url-variable"},
		{name: "own pipeline without org credentials", pipeline: own,
			want: map[string]listedJob{"go-test": goTest}},
		{name: "own pipeline with org credentials", pipeline: own,
			vars: []string{"SF_AUTH_URL=force://id::token@acme.my.salesforce.com"},
			want: map[string]listedJob{"go-test": goTest, "component-deploy": deploy,
				"component-finish": {When: "manual", AllowFailure: true,
					Needs: []string{"component-deploy"}}}},
		{name: "own pipeline on a release tag", pipeline: own, vars: []string{"CI_COMMIT_TAG=1.2.3"},
			want: map[string]listedJob{"go-test": goTest, "release": {When: "on_success"}}},
		{name: "own pipeline on another tag", pipeline: own,
			vars: []string{"CI_COMMIT_TAG=v1.2.3-rc.1"},
			want: map[string]listedJob{"go-test": goTest}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			repo := newRepo(t, tools, root, c.pipeline)
			args := []string{"--list-json", "--ignore-predefined-vars", "CI_COMMIT_TAG"}
			for _, v := range c.vars {
				args = append(args, "--variable", v)
			}
			res, err := repo.exec(t.Context(), args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.refused != "" {
				if res.code == 0 || !strings.Contains(res.output, "`"+c.refused+"` input") {
					t.Errorf("exit %d, want a refusal naming %s:\n%s", res.code, c.refused,
						res.output)
				}
				return
			}
			if got := listedJobs(t, res); !reflect.DeepEqual(got, c.want) {
				t.Errorf("jobs = %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func listedJobs(t *testing.T, res run) map[string]listedJob {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("gitlab-ci-local --list-json exited %d:\n%s", res.code, res.output)
	}
	var jobs []struct {
		Name         string `json:"name"`
		When         string `json:"when"`
		AllowFailure bool   `json:"allow_failure"`
		Needs        []struct {
			Job       string `json:"job"`
			Artifacts bool   `json:"artifacts"`
		} `json:"needs"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &jobs); err != nil {
		t.Fatalf("decode --list-json: %v\n%s", err, res.output)
	}
	got := map[string]listedJob{}
	for _, j := range jobs {
		if j.When == "never" {
			continue // --list-json lists the jobs whose rules leave them out, too
		}
		l := listedJob{When: j.When, AllowFailure: j.AllowFailure}
		for _, n := range j.Needs {
			if !n.Artifacts {
				t.Errorf("job %s needs %s without its artifacts", j.Name, n.Job)
			}
			l.Needs = append(l.Needs, n.Job)
		}
		got[j.Name] = l
	}
	return got
}
