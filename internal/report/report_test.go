package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtures are the deployRequest bodies in testdata, by file name without .json.
var fixtures = []string{"success", "component-failure", "test-failure", "no-tests", "org-error"}

// testSourceRoot is the source root the golden Cobertura files are written with.
const testSourceRoot = "force-app/main/default"

// testDeployURL is the deployment page the golden summaries link to.
const testDeployURL = "https://example.my.salesforce.com/lightning/setup/DeployStatus/page" +
	"?address=%2Fchangemgmt%2FmonitorDeploymentsDetails.apexp%3FasyncId%3D"

// loadResult decodes the deployResult of a deployRequest body in testdata.
func loadResult(t *testing.T, name string) salesforce.DeployResult {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var req salesforce.DeployRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	if req.DeployResult.Details == nil {
		t.Fatalf("%s: deployResult has no details", name)
	}
	return req.DeployResult
}

// checkGolden compares got with testdata/golden/name, or rewrites the file under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n%s",
			name, got)
	}
}

// summaryInfo is the SummaryInfo the golden summaries are written with.
func summaryInfo(r salesforce.DeployResult) SummaryInfo {
	return SummaryInfo{
		DeployURL:  testDeployURL + r.ID,
		FileMapper: func(name string) string { return testSourceRoot + "/" + name },
	}
}

func TestGolden(t *testing.T) {
	writers := []struct {
		ext   string
		write func(*bytes.Buffer, salesforce.DeployResult) error
	}{
		{"junit.xml", func(b *bytes.Buffer, r salesforce.DeployResult) error {
			return WriteJUnit(b, r)
		}},
		{"cobertura.xml", func(b *bytes.Buffer, r salesforce.DeployResult) error {
			return WriteCobertura(b, r, testSourceRoot)
		}},
		{"summary.md", func(b *bytes.Buffer, r salesforce.DeployResult) error {
			return WriteSummary(b, r, summaryInfo(r))
		}},
	}
	for _, fixture := range fixtures {
		for _, w := range writers {
			name := fixture + "." + w.ext
			t.Run(name, func(t *testing.T) {
				r := loadResult(t, fixture)
				var b bytes.Buffer
				if err := w.write(&b, r); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name, b.Bytes())
			})
		}
	}
}

func TestCountsOf(t *testing.T) {
	tests := []struct {
		fixture string
		want    Counts
	}{
		{"success", Counts{5, 5, 0, 3, 3, 0, 90}},
		{"component-failure", Counts{2, 5, 3, 0, 0, 0, -1}},
		{"test-failure", Counts{3, 3, 0, 3, 5, 2, 72}},
		{"no-tests", Counts{2, 2, 0, 0, 0, 0, -1}},
		{"org-error", Counts{0, 0, 0, 0, 0, 0, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			if got := CountsOf(loadResult(t, tt.fixture)); got != tt.want {
				t.Errorf("CountsOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCountsOfWithoutDetails(t *testing.T) {
	r := salesforce.DeployResult{NumberComponentsTotal: 4, NumberTestsTotal: 2}
	want := Counts{ComponentsTotal: 4, TestsTotal: 2, CoveragePercent: -1}
	if got := CountsOf(r); got != want {
		t.Errorf("CountsOf = %+v, want %+v", got, want)
	}
}
