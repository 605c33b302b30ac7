// Package rie runs the built Lambda bootstrap under the AWS Lambda runtime interface
// emulator, for the end-to-end tests.
package rie

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Emulator is the runtime interface emulator running a bootstrap.
type Emulator struct {
	url  string
	Logs *LockedBuffer
}

// Find returns the emulator's path, or skips the test (fails when tools are required).
func Find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("AWS_LAMBDA_RIE"); p != "" {
		return p
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	if p := filepath.Join(RepoRoot(t), "bin", "tools", "aws-lambda-rie"); exists(p) {
		return p
	}
	msg := "aws-lambda-rie not found: ./scripts/test installs it into bin/tools"
	if os.Getenv("SF_ASYNC_DEPLOY_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// RepoRoot is the module root, found upwards from the test's folder.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for !exists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	return dir
}

// Build builds a package of this module for linux with CGO off, as the release does.
func Build(t testing.TB, pkg, out string, tags ...string) string {
	t.Helper()
	args := []string{"build", "-trimpath", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = RepoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// BuildBootstrap builds cmd/lambda as the Lambda packaging does.
func BuildBootstrap(t testing.TB) string {
	t.Helper()
	return Build(t, "./cmd/lambda", filepath.Join(t.TempDir(), "bootstrap"), "lambda.norpc")
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start runs bootstrap under the emulator with only env (and PATH) and waits until it listens.
func Start(t testing.TB, rie, bootstrap string, env map[string]string) *Emulator {
	t.Helper()
	addr, apiAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", apiAddr, bootstrap)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &LockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	e := &Emulator{url: "http://" + addr + "/2015-03-31/functions/function/invocations",
		Logs: logs}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return e
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("emulator did not listen on %s:\n%s", addr, logs.String())
	return nil
}

// Invoke posts one event and returns the function's answer body.
func (e *Emulator) Invoke(t testing.TB, event string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, strings.NewReader(event))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("invoke: %v\nlogs:\n%s", err, e.Logs.String())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke answered %d: %s", resp.StatusCode, body)
	}
	return string(body)
}

// LockedBuffer collects a process's output from its goroutines.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
