package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/mdapi"
)

// Env is what one in-process command run gets.
type Env struct {
	Getenv     func(string) string
	Stdout     io.Writer
	Stderr     io.Writer
	HTTPClient *http.Client
}

// Command runs one sf-async-deploy command in-process and returns its exit code.
type Command func(ctx context.Context, args []string, env Env) int

// Exit codes of the CLI's contract that the measurements expect.
const (
	exitOK     = 0
	exitFailed = 1 // the deployment failed
)

// ZipCost is the cost of building the deployment zip of a metadata folder.
type ZipCost struct {
	Cost
	Files         int
	ZipBytes      int64
	UnzippedBytes int64
}

// MeasureZip builds the zip of the metadata folder dir into file zip, as deploy does.
func MeasureZip(dir, zip string) (ZipCost, error) {
	var st mdapi.Stats
	c, err := measure(func() error {
		var err error
		st, err = mdapi.ZipDirToFile(dir, zip)
		return err
	})
	if err != nil {
		return ZipCost{}, fmt.Errorf("zip %d-file folder: %w", st.Files, err)
	}
	return ZipCost{Cost: c, Files: st.Files, ZipBytes: st.ZipBytes,
		UnzippedBytes: st.UnzippedBytes}, nil
}

// DeployCost is the cost of the deploy command: zip, upload and outputs.
type DeployCost struct {
	Cost
	Uploaded int64
}

// MeasureDeploy runs deploy on dir, with no monitor, against a loopback org that reads the upload.
func MeasureDeploy(ctx context.Context, run Command, dir, results string) (DeployCost, error) {
	var uploaded atomic.Int64
	org := httptest.NewServer(uploadSink(&uploaded))
	defer org.Close()
	args := []string{"deploy", "--metadata-dir", dir, "--monitor", "none",
		"--test-level", "RunLocalTests", "--results-dir", results}
	c, err := runMeasured(ctx, run, append(args, orgArgs(org.URL)...), nil, exitOK)
	if err != nil {
		return DeployCost{}, err
	}
	return DeployCost{Cost: c, Uploaded: uploaded.Load()}, nil
}

// FinishCost is the cost of the finish command on a large result.
type FinishCost struct {
	Cost
	ResultBytes   int
	ArtifactBytes int64
}

// MeasureFinish runs finish as under GitHub Actions on a loopback org's result of size s.
func MeasureFinish(ctx context.Context, run Command, s Size, workspace, root string) (
	FinishCost, error) {
	const id = "0Af5g00000LARGEAAA"
	body, err := resultJSON(id, s, time.Now())
	if err != nil {
		return FinishCost{}, err
	}
	org := httptest.NewServer(resultOrg(body))
	defer org.Close()
	results := filepath.Join(root, "finish-results")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/app",
		"GITHUB_WORKSPACE": workspace, "GITHUB_OUTPUT": filepath.Join(root, "github-output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(root, "step-summary.md")}
	args := append([]string{"finish", "--deployment-id", id, "--results-dir", results},
		orgArgs(org.URL)...)
	c, err := runMeasured(ctx, run, args, env, exitFailed)
	if err != nil {
		return FinishCost{}, err
	}
	written, err := treeSize(results)
	if err != nil {
		return FinishCost{}, err
	}
	return FinishCost{Cost: c, ResultBytes: len(body), ArtifactBytes: written}, nil
}

// runMeasured runs one command and checks its exit code.
func runMeasured(ctx context.Context, run Command, args []string, env map[string]string,
	want int) (Cost, error) {
	var stderr bytes.Buffer
	code := 0
	c, _ := measure(func() error {
		code = run(ctx, args, Env{Getenv: func(k string) string { return env[k] },
			Stdout: io.Discard, Stderr: &stderr, HTTPClient: &http.Client{
				Timeout: time.Minute, Transport: http.DefaultTransport.(*http.Transport).Clone()}})
		return nil
	})
	if code != want {
		return Cost{}, fmt.Errorf("%s exited %d, want %d: %s", args[0], code, want,
			strings.TrimSpace(stderr.String()))
	}
	return c, nil
}

func orgArgs(url string) []string {
	return []string{"--org-url", url, "--allowed-org-hosts", "127.0.0.1",
		"--access-token", benchToken}
}

// uploadSink starts every deployment it is sent, reading the upload and keeping none of it.
func uploadSink(uploaded *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/metadata/deployRequest") {
			http.NotFound(w, r)
			return
		}
		n, err := io.Copy(io.Discard, r.Body)
		uploaded.Add(n)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"0Af5g0000UPLOADAAA","deployOptions":null,`+
			`"deployResult":{"id":"0Af5g0000UPLOADAAA","status":"Pending","done":false,`+
			`"success":false,"numberComponentsDeployed":0,"numberComponentsTotal":0}}`)
	})
}

// resultOrg answers every deployRequest read with body.
func resultOrg(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/metadata/deployRequest/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// treeSize is the total size of the files under dir.
func treeSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("measure the artifacts: %w", err)
	}
	return n, nil
}

// writeMetadataFolder writes package.xml, labels, and Apex classes of 1 to 9 KB with metadata.
func writeMetadataFolder(dir string, files int) error {
	classes := filepath.Join(dir, "classes")
	if err := os.MkdirAll(classes, 0o755); err != nil {
		return fmt.Errorf("create the metadata folder: %w", err)
	}
	if err := writeFiles(dir, map[string]string{"package.xml": packageXML,
		"labels/CustomLabels.labels": "<CustomLabels/>\n"}); err != nil {
		return err
	}
	for i := range (files - 2) / 2 {
		name := fmt.Sprintf("Service%04d", i)
		if err := writeFiles(classes, map[string]string{name + ".cls": apexClass(name, i),
			name + ".cls-meta.xml": classMeta}); err != nil {
			return err
		}
	}
	return nil
}

func writeFiles(dir string, files map[string]string) error {
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("create %q: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("write %q: %w", path, err)
		}
	}
	return nil
}

// apexClass is a class with 1 to 24 methods, each naming its own fields and values.
func apexClass(name string, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "public with sharing class %s {\n", name)
	for m := range 1 + i%24 {
		fmt.Fprintf(&b, "    public static List<Account> find%dBy%s(Set<Id> ids) {\n", m, name)
		fmt.Fprintf(&b, "        Integer limit%d = %d;\n", m, (i*31+m*17)%997)
		fmt.Fprintf(&b, "        return [SELECT Id, Name, Field%d__c FROM Account WHERE Id IN "+
			":ids AND Score__c > %d LIMIT :limit%d];\n    }\n", m, (i+m)%113, m)
	}
	b.WriteString("}\n")
	return b.String()
}

const packageXML = `<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata">
    <types><members>*</members><name>ApexClass</name></types>
    <types><members>CustomLabels</members><name>CustomLabels</name></types>
    <version>62.0</version>
</Package>
`

const classMeta = `<?xml version="1.0" encoding="UTF-8"?>
<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>62.0</apiVersion>
    <status>Active</status>
</ApexClass>
`
