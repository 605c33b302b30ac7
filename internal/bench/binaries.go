package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binary is the size of one of the product's executables, built for this machine.
type Binary struct {
	Name  string // sf-async-deploy or bootstrap
	Bytes int64
}

// BuildBinaries builds the CLI and the Lambda into dir and returns their sizes.
func BuildBinaries(ctx context.Context, dir string) ([]Binary, error) {
	// The release flags that keep the build cache: -ldflags "-s -w", and lambda.norpc for
	// the Lambda. It needs the go tool and this module's source here or in a folder above.
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	var out []Binary
	for _, b := range []struct{ name, pkg, tags string }{
		{"sf-async-deploy", "./cmd/sf-async-deploy", ""},
		{"bootstrap", "./cmd/lambda", "lambda.norpc"},
	} {
		path := filepath.Join(dir, b.name)
		args := []string{"build", "-ldflags", "-s -w", "-o", path}
		if b.tags != "" {
			args = append(args, "-tags", b.tags)
		}
		if err := goTool(ctx, root, append(args, b.pkg)...); err != nil {
			return nil, err
		}
		info, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("measure %s: %w", b.name, err)
		}
		out = append(out, Binary{Name: b.name, Bytes: info.Size()})
	}
	return out, nil
}

// moduleRoot finds this module's folder from the go tool.
func moduleRoot(ctx context.Context) (string, error) {
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}",
		"github.com/sf-async-deploy/sf-async-deploy")
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("find the module's source with go list (run the benchmark from "+
			"the repository, or pass --binaries=false): %w", err)
	}
	return strings.TrimSpace(stdout.String()), nil
}

func goTool(ctx context.Context, dir string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Stderr = dir, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err,
			strings.TrimSpace(stderr.String()))
	}
	return nil
}
