package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sf-async-deploy/sf-async-deploy/internal/ci"
	"github.com/sf-async-deploy/sf-async-deploy/internal/mdapi"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/source"
)

// prepareZip returns the zip to upload (built from metadata-dir, converted from source-dir,
// or the given one) and a function that removes what it built.
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
	case "source-dir":
		return r.convertSource(plan)
	}
	return "", nothing, nil
}

// convertSource converts source-dir's folders straight into a deployment zip, checks the
// zip against the Metadata API's limits and returns it.
func (r *run) convertSource(plan *deployPlan) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "sf-async-deploy-")
	if err != nil {
		return "", func() {}, fmt.Errorf("create a folder for the deployment zip: %w", err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	path := filepath.Join(tmp, "deploy.zip")
	res, err := source.ConvertToZipFile(source.Options{SourceDirs: plan.sourceDirs,
		Manifest: plan.manifest, APIVersion: plan.apiVersion}, path)
	if err != nil {
		cleanup()
		var input *source.InputError
		if errors.As(err, &input) && input.Input == source.InputManifest {
			return "", func() {}, usageErrorf("option manifest: %s", err)
		}
		return "", func() {}, usageErrorf("option source-dir: %s", err)
	}
	stats, err := mdapi.CheckZip(path)
	if err != nil {
		cleanup()
		return "", func() {}, usageErrorf("option source-dir: %s", err)
	}
	r.out.Printf("Deploying %s, converted from source format: %d components, %d files, %s "+
		"zipped", strings.Join(plan.sourceDirs, ", "), res.Components, stats.Files,
		byteSize(stats.ZipBytes))
	return path, cleanup, nil
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

// checkResultsDir makes sure the results folder can be written before a deployment starts.
func checkResultsDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErrorf("option results-dir: cannot create %q: %s", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".write-check-")
	if err != nil {
		return usageErrorf("option results-dir: cannot write in %q: %s", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
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
