package demo

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/cifake"
	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/lambdafn"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/sqssim"
)

// maxPolls bounds the monitor loop, whatever the simulated org does.
const maxPolls = 200

// world is everything one demo run wires together.
type world struct {
	opts    Options
	clock   *clock
	tl      *timeline
	org     *fakeorg.Org
	queue   *sqssim.Queue
	bus     *bus
	handler *lambdafn.Handler
	github  *cifake.GitHub
	gitlab  *cifake.GitLab
	sample  string
	scratch string
	done    chan int
}

// Run plays the whole flow and returns the finish job's exit code.
func Run(ctx context.Context, o Options) (int, error) {
	w, err := newWorld(o)
	if err != nil {
		return 0, err
	}
	defer w.close()
	w.tl.printf("demo", "a %s deployment on %s, time compressed: one poll per %s of real time",
		o.Outcome, o.Platform, o.Pause)
	if code := w.deploy(ctx); code != 0 {
		return code, fmt.Errorf("the deploy job failed with exit code %d", code)
	}
	if err := w.monitor(ctx); err != nil {
		return 0, err
	}
	select {
	case code := <-w.done:
		w.report(code)
		return code, nil
	case <-time.After(time.Minute):
		return 0, fmt.Errorf("the finish job did not run within a minute")
	}
}

func newWorld(o Options) (*world, error) {
	outcome, ok := Outcomes[o.Outcome]
	if !ok {
		return nil, fmt.Errorf("unknown outcome %q", o.Outcome)
	}
	if o.Platform != monitor.CIGitHub && o.Platform != monitor.CIGitLab {
		return nil, fmt.Errorf("unknown platform %q", o.Platform)
	}
	sampleDir, err := writeSample()
	if err != nil {
		return nil, err
	}
	c := &clock{now: fakeorg.DefaultStart}
	w := &world{opts: o, clock: c, sample: sampleDir, scratch: filepath.Dir(sampleDir),
		tl: &timeline{out: o.Out, now: c.Now, start: c.Now()}, done: make(chan int, 1)}
	w.org = fakeorg.New(fakeorg.Options{Outcome: outcome, Components: 40, Tests: 24,
		Now: c.Now, Scenario: fakeorg.Scenario{PendingPolls: 2, ComponentPolls: 4,
			TestPolls: 4, Finalizing: true}})
	w.org.Start()
	w.queue = &sqssim.Queue{Now: c.Now}
	w.bus = &bus{queue: w.queue}
	w.startCI()
	if err := w.startLambda(); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *world) close() {
	w.github.Close()
	w.gitlab.Close()
	w.org.Close()
	os.RemoveAll(w.scratch)
}

// startCI starts the simulated CI APIs, whose dispatch and play run the finish job.
func (w *world) startCI() {
	w.github = cifake.NewGitHub()
	w.github.OnDispatch = func(d cifake.Dispatch) {
		w.tl.printf("github", "workflow_dispatch of %s on %s: deployment-id=%s status=%s",
			d.Workflow, d.Ref, d.Inputs["deployment-id"], d.Inputs["status"])
		w.done <- w.finish(d.Inputs["deployment-id"])
	}
	w.gitlab = cifake.NewGitLab("7", 4242, []cifake.Job{
		{ID: 9001, Name: "sf-async-deploy", Stage: "deploy", Status: "success"},
		{ID: 9002, Name: monitor.DefaultFinishJobName, Stage: "deploy", Status: "manual"}})
	w.gitlab.ProjectPath = "demo/app"
	w.gitlab.OnPlay = func(p cifake.Play) string {
		w.tl.printf("gitlab", "play manual job %d (%s)", p.JobID, monitor.DefaultFinishJobName)
		code := w.finish(w.deploymentID())
		w.done <- code
		if code == 0 {
			return "success"
		}
		return "failed"
	}
}

func (w *world) startLambda() error {
	cfg, err := lambdafn.ReadConfig(mapEnv(map[string]string{
		"EVENT_BUS_NAME": monitor.DefaultEventBusName, "ALLOWED_ORG_HOSTS": "127.0.0.1",
		"ALLOWED_REPOSITORIES": "demo/*", "GITHUB_API_URL": w.github.URL(),
		"GITLAB_URL": w.gitlab.URL(), "GITHUB_TOKEN_SECRET": "demo/github-token",
		"GITLAB_TOKEN_SECRET": "demo/gitlab-token", "MIN_TICK": "30s", "MAX_TICK": "15m",
	}))
	if err != nil {
		return fmt.Errorf("configure the Lambda: %w", err)
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	w.handler = &lambdafn.Handler{Config: cfg, Bus: w.bus, Queue: w.queue, HTTPClient: hc,
		Secrets: secrets{"demo/github-token": "github_pat_demo_only_not_a_real_token",
			"demo/gitlab-token": "glpat-demo-only-not-a-real-token"},
		Ticker:   lambdafn.DefaultTicker(cfg),
		Triggers: lambdafn.NewTriggers(cfg, hc),
		Log:      lambdafn.NewLogger(mapEnv(nil), w.tl.lambdaLog()),
		Now:      w.clock.Now}
	w.bus.finished = w.handler.HandleFinished
	return nil
}

// monitor plays the event source mapping: it jumps the clock to the next visible message,
// hands the batch to the handler, and deletes what the handler let go.
func (w *world) monitor(ctx context.Context) error {
	for range maxPolls {
		next, ok := w.queue.NextVisible()
		if !ok {
			return nil
		}
		w.clock.advanceTo(next)
		batch := w.queue.Receive()
		if len(batch.Records) == 0 {
			continue
		}
		resp := w.handler.HandleSQS(ctx, batch)
		w.queue.Settle(batch, resp)
		if w.opts.Pause > 0 {
			time.Sleep(w.opts.Pause)
		}
	}
	return fmt.Errorf("the monitor did not finish within %d polls", maxPolls)
}

func (w *world) deploymentID() string {
	if deps := w.org.Deployments(); len(deps) > 0 {
		return deps[len(deps)-1].ID
	}
	return ""
}

func (w *world) report(code int) {
	verdict := "passed"
	if code != 0 {
		verdict = fmt.Sprintf("failed (exit %d), as the deployment did", code)
	}
	w.tl.printf("demo", "finish job %s; %d status calls to the org in all", verdict,
		w.org.APIUsage())
	var files []string
	for _, name := range []string{"deploy-result.json", "junit.xml", "coverage/cobertura.xml",
		"summary.md", "deployment.json"} {
		if _, err := os.Stat(filepath.Join(w.opts.ResultsDir, name)); err == nil {
			files = append(files, name)
		}
	}
	w.tl.printf("demo", "artifacts in %s: %s", w.opts.ResultsDir, strings.Join(files, ", "))
}

func mapEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}
