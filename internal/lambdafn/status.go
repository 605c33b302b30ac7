package lambdafn

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/commitstatus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/github"
	"github.com/sf-async-deploy/sf-async-deploy/internal/dispatch/gitlab"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// statusTimeout bounds setting one commit status, read-back included, so that a slow CI API
// holds up neither a poll nor a finish for long.
const statusTimeout = 10 * time.Second

// showProgress sets the commit status of a deployment still running, when the request asks
// for one. It runs after the poll's decision, and a failure is only logged.
func (h *Handler) showProgress(ctx context.Context, log *slog.Logger, req monitor.Request,
	s salesforce.DeployResult) {
	if s.Done || !h.statusWanted(req) {
		return
	}
	h.setStatus(ctx, log, req, func(deployURL string) commitstatus.Status {
		return commitstatus.Progress(s, deployURL)
	})
}

// showOutcome sets the commit status of a finished deployment, linking to the run or job
// the finish dispatch started, or to the org's page when there is none. A failure is only
// logged.
func (h *Handler) showOutcome(ctx context.Context, log *slog.Logger, f monitor.Finished,
	out dispatch.Outcome) {
	if !h.statusWanted(f.Request) {
		return
	}
	h.setStatus(ctx, log, f.Request, func(deployURL string) commitstatus.Status {
		return commitstatus.Outcome(f, cmp.Or(out.URL, deployURL))
	})
}

// statusWanted reports whether both the request and COMMIT_STATUS ask for commit statuses.
func (h *Handler) statusWanted(req monitor.Request) bool {
	return h.Config.CommitStatus && req.CommitStatus && req.CommitSHA != ""
}

func (h *Handler) setStatus(ctx context.Context, log *slog.Logger, req monitor.Request,
	build func(deployURL string) commitstatus.Status) {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	token, err := h.ciToken(ctx, req.CI)
	if err != nil {
		log.Warn("commit status not set", "error", err.Error())
		return
	}
	api, err := h.statusAPI(token, req)
	if err != nil {
		log.Warn("commit status not set", "error", dispatch.Scrub(err, token).Error())
		return
	}
	want := build(h.deployURL(req))
	posted, err := commitstatus.Update(ctx, api, want)
	if err != nil {
		log.Warn("commit status not set", "error", dispatch.Scrub(err, token).Error())
		return
	}
	if posted {
		log.Info("commit status set", "state", api.Wire(want.State),
			"description", want.Description, "target_url", want.TargetURL)
	}
}

// ciToken reads the token the Lambda dispatches with on the request's platform.
func (h *Handler) ciToken(ctx context.Context, ci string) (string, error) {
	secret, name := h.Config.GitHubTokenSecret, "GITHUB_TOKEN_SECRET"
	if ci == monitor.CIGitLab {
		secret, name = h.Config.GitLabTokenSecret, "GITLAB_TOKEN_SECRET"
	}
	if secret == "" {
		return "", fmt.Errorf("%s is not set: the Lambda has no %s token", name, ci)
	}
	token, err := h.Secrets.Get(ctx, secret)
	if err != nil {
		return "", fmt.Errorf("read the %s token: %w", ci, err)
	}
	return token, nil
}

// statusAPI is the commit status API of the request's commit, with the API base URLs from
// configuration only. On GitLab the project is named by its path, the one the repository
// allowlist checked, never by the request's project id.
func (h *Handler) statusAPI(token string, req monitor.Request) (commitstatus.API, error) {
	switch req.CI {
	case monitor.CIGitHub:
		owner, repo, _ := strings.Cut(req.RepoPath, "/")
		client, err := github.NewClient(github.Config{APIURL: h.Config.GitHubAPIURL,
			Token: token, HTTPClient: h.HTTPClient})
		if err != nil {
			return nil, err
		}
		return commitstatus.NewGitHub(client, owner, repo, req.CommitSHA), nil
	case monitor.CIGitLab:
		client, err := gitlab.NewClient(gitlab.Config{BaseURL: h.Config.GitLabURL,
			Token: token, HTTPClient: h.HTTPClient, DisableRetries: true})
		if err != nil {
			return nil, err
		}
		pipeline, _ := strconv.ParseInt(req.PipelineID, 10, 64)
		return commitstatus.NewGitLab(client, req.RepoPath, req.CommitSHA, pipeline), nil
	}
	return nil, fmt.Errorf("unknown ci %q", req.CI)
}

// deployURL is the deployment's page in the org, or "" for an org URL the rules refuse.
func (h *Handler) deployURL(req monitor.Request) string {
	org, err := h.Config.Rules.Hosts.OrgURL(req.OrgURL)
	if err != nil {
		return ""
	}
	return salesforce.DeployStatusURL(org, req.DeploymentID)
}

// outcomeTriggerer is a FinishTrigger that also tells the run or job it started.
type outcomeTriggerer interface {
	TriggerOutcome(ctx context.Context, f monitor.Finished) (dispatch.Outcome, error)
}

// TriggerOutcome starts the finish job and returns what the dispatcher did.
func (o outcomeTrigger) TriggerOutcome(ctx context.Context, f monitor.Finished) (
	dispatch.Outcome, error) {
	return o.t.Trigger(ctx, f)
}

// triggerOutcome starts the finish job; a trigger that tells only a line of text gives an
// outcome without a URL.
func triggerOutcome(ctx context.Context, t FinishTrigger, f monitor.Finished) (
	dispatch.Outcome, error) {
	if o, ok := t.(outcomeTriggerer); ok {
		return o.TriggerOutcome(ctx, f)
	}
	what, err := t.Trigger(ctx, f)
	return dispatch.Outcome{Action: dispatch.Action(what)}, err
}

// readSwitch reads a true or false variable; def when it is unset.
func readSwitch(v string, def bool) (bool, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		return false, fmt.Errorf("%q is neither true nor false", v)
	}
	return b, nil
}
