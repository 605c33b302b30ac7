//go:build linux

package source

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchRun is one measured conversion: wall time, peak resident memory and zip size.
type benchRun struct {
	wall    time.Duration
	peakRSS int64 // bytes
	zip     int64 // bytes
}

// TestBenchmarkAgainstReference converts and zips the 5,000-component project with this
// package and with the reference converter, each in a process of its own so that its peak
// memory can be read, and logs the medians. BENCHMARKS.md holds its figures.
func TestBenchmarkAgainstReference(t *testing.T) {
	if os.Getenv("SF_ASYNC_DEPLOY_BENCH") != "1" {
		t.Skip("set SF_ASYNC_DEPLOY_BENCH=1 to compare with the reference converter")
	}
	ref := findReference(t)
	project := t.TempDir()
	generateProject(t, project)
	src := filepath.Join(project, "force-app")
	out := t.TempDir()
	const runs = 5

	goZip := filepath.Join(out, "go.zip")
	goRuns := measure(t, runs, goZip, func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBenchmarkChild$")
		cmd.Env = append(os.Environ(), "SF_ASYNC_DEPLOY_BENCH_CHILD="+src+
			string(os.PathListSeparator)+goZip)
		return cmd
	})
	refZip := filepath.Join(out, "ref.zip")
	refRuns := measure(t, runs, refZip, func() *exec.Cmd {
		cmd := exec.Command(ref.node, ref.script, "--zip", refZip, "--api-version",
			testAPIVersion, src)
		cmd.Env = append(os.Environ(), "NODE_PATH="+ref.modules, "SF_DISABLE_TELEMETRY=true",
			"SF_DISABLE_LOG_FILE=true", "HOME="+t.TempDir())
		return cmd
	})
	t.Logf("converting and zipping %d components, median of %d runs:\n%s", benchComponents,
		runs, benchTable(goRuns, refRuns))
	compareZips(t, refZip, goZip)
}

// TestBenchmarkChild is the Go side of TestBenchmarkAgainstReference, run in a child process.
func TestBenchmarkChild(t *testing.T) {
	spec := os.Getenv("SF_ASYNC_DEPLOY_BENCH_CHILD")
	if spec == "" {
		t.Skip("run by TestBenchmarkAgainstReference")
	}
	src, zipPath, _ := strings.Cut(spec, string(os.PathListSeparator))
	if _, err := ConvertToZipFile(Options{SourceDirs: []string{src},
		APIVersion: testAPIVersion}, zipPath); err != nil {
		t.Fatal(err)
	}
}

// measure runs the command runs times and returns the median wall time and peak memory.
func measure(t *testing.T, runs int, zipPath string, command func() *exec.Cmd) benchRun {
	t.Helper()
	var walls []time.Duration
	var rss []int64
	for range runs {
		cmd := command()
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd.Path, err, out)
		}
		walls = append(walls, time.Since(start))
		usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Fatal("no resource usage for the child process")
		}
		rss = append(rss, usage.Maxrss*1024) // Linux counts in KiB
	}
	slices.Sort(walls)
	slices.Sort(rss)
	info, err := os.Stat(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	return benchRun{wall: walls[runs/2], peakRSS: rss[runs/2], zip: info.Size()}
}

// benchTable formats the two measurements as a Markdown table.
func benchTable(goRun, refRun benchRun) string {
	row := func(name string, r benchRun) string {
		return fmt.Sprintf("| %s | %.2f s | %.0f MiB | %.1f MiB |\n", name, r.wall.Seconds(),
			float64(r.peakRSS)/(1<<20), float64(r.zip)/(1<<20))
	}
	return "| converter | time | peak memory (RSS) | zip |\n| --- | --- | --- | --- |\n" +
		row("internal/source (Go)", goRun) + row("source-deploy-retrieve 13.7.0 (Node 22)", refRun)
}
