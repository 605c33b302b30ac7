// Package demo runs the product's whole flow in one process on loopback: a simulated org,
// stand-ins for the event bus and the queue, the real monitor and dispatch handlers, a
// simulated CI API and the real finish command, with time compressed.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/fakeorg"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
)

//go:embed sample
var sample embed.FS

// Outcomes the demo's deployment can end with.
var Outcomes = map[string]fakeorg.Outcome{
	"success":           fakeorg.OutcomeSuccess,
	"component-failure": fakeorg.OutcomeComponentFailure,
	"test-failure":      fakeorg.OutcomeTestFailure,
}

// Publisher is what deploy hands its monitor request to.
type Publisher interface {
	Publish(ctx context.Context, bus string, req monitor.Request) error
}

// Env is what one in-process command run gets.
type Env struct {
	Getenv     func(string) string
	Stdout     io.Writer
	Stderr     io.Writer
	HTTPClient *http.Client
	Now        func() time.Time
	Publisher  Publisher
}

// Command runs one sf-async-deploy command in-process and returns its exit code.
type Command func(ctx context.Context, args []string, env Env) int

// Options choose the demo's outcome and platform.
type Options struct {
	Outcome    string // success, component-failure or test-failure
	Platform   string // github or gitlab
	ResultsDir string
	Out        io.Writer
	Command    Command
	// Pause is the real time spent per poll, so the timeline can be read; zero means none.
	Pause time.Duration
}

// clock is the demo's virtual time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// writeSample copies the embedded metadata folder to a temporary folder.
func writeSample() (string, error) {
	dir, err := os.MkdirTemp("", "sf-async-deploy-demo-")
	if err != nil {
		return "", fmt.Errorf("create sample folder: %w", err)
	}
	err = fs.WalkDir(sample, "sample", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, path)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := sample.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("write sample metadata: %w", err)
	}
	return filepath.Join(dir, "sample"), nil
}
