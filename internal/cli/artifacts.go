package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sf-async-deploy/sf-async-deploy/internal/ci"
	"github.com/sf-async-deploy/sf-async-deploy/internal/mdapi"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

// prepareZip returns the zip to upload (built from metadata-dir, or the given one) and a
// function that removes what it built.
func (r *run) prepareZip(plan *deployPlan) (string, func(), error) {
	nothing := func() {}
	switch plan.source {
	case "metadata-zip":
		stats, err := mdapi.CheckZip(plan.value)
		if err != nil {
			return "", nothing, usageErrorf("option metadata-zip: %s", err)
		}
		plan.options.SinglePackage = stats.SinglePackage
		r.out.Printf("Deploying %s: %d files", plan.value, stats.Files)
		return plan.value, nothing, nil
	case "metadata-dir":
		return r.zipDir(plan.value)
	}
	return "", nothing, nil
}

func (r *run) zipDir(dir string) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "sf-async-deploy-")
	if err != nil {
		return "", func() {}, fmt.Errorf("create a folder for the deployment zip: %w", err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	path := filepath.Join(tmp, "deploy.zip")
	stats, err := mdapi.ZipDirToFile(dir, path)
	if err != nil {
		cleanup()
		return "", func() {}, usageErrorf("option metadata-dir: %s", err)
	}
	r.out.Printf("Deploying %s: %d files, %s zipped", dir, stats.Files, byteSize(stats.ZipBytes))
	return path, cleanup, nil
}

// writeDeployOutputs writes deploy's outputs, deployment.json and, under GitLab, deploy.env.
func (r *run) writeDeployOutputs(dir, id, deployURL string, req monitor.Request) error {
	for name, value := range map[string]string{"deployment-id": id, "deploy-url": deployURL} {
		if err := r.out.Output(name, value); err != nil {
			return fmt.Errorf("set output %s: %w", name, err)
		}
	}
	stored, err := req.WithoutSecrets().Marshal()
	if err != nil {
		return err
	}
	if err := writeArtifact(dir, "deployment.json", stored); err != nil {
		return err
	}
	if r.out.Kind() == ci.GitLab {
		env := fmt.Sprintf("SF_DEPLOYMENT_ID=%s\nSF_DEPLOY_URL=%s\n", id, deployURL)
		if err := writeArtifact(dir, "deploy.env", []byte(env)); err != nil {
			return err
		}
	}
	return nil
}

// writeArtifact writes one file under the results folder, creating folders as needed.
func writeArtifact(dir, name string, data []byte) error {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("option results-dir: create %q: %w",
			filepath.Dir(path), err)}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("option results-dir: write %q: %w",
			path, err)}
	}
	return nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
