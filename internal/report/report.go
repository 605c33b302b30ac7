// Package report turns a finished deployment's result into the finish job's artifacts: JUnit XML
// for the Apex tests, Cobertura XML for their coverage, a Markdown summary, annotations for the
// failures, and the counts published as CI outputs.
package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// Counts are a deployment's totals, as published in CI outputs.
type Counts struct {
	ComponentsDeployed int
	ComponentsTotal    int
	ComponentErrors    int
	TestsCompleted     int
	TestsTotal         int
	TestErrors         int
	// CoveragePercent is the share of Apex lines the tests ran, 0 to 100, or -1 when the
	// deployment reported no coverage.
	CoveragePercent float64
}

// CountsOf returns the totals the org reported for a deployment and its overall coverage.
func CountsOf(r salesforce.DeployResult) Counts {
	c := Counts{
		ComponentsDeployed: r.NumberComponentsDeployed,
		ComponentsTotal:    r.NumberComponentsTotal,
		ComponentErrors:    r.NumberComponentErrors,
		TestsCompleted:     r.NumberTestsCompleted,
		TestsTotal:         r.NumberTestsTotal,
		TestErrors:         r.NumberTestErrors,
		CoveragePercent:    -1,
	}
	if covered, valid := coverageTotals(r); valid > 0 {
		c.CoveragePercent = 100 * float64(covered) / float64(valid)
	}
	return c
}

// runTests returns the deployment's test results, or nil when it has none.
func runTests(r salesforce.DeployResult) *salesforce.RunTestResult {
	if r.Details == nil {
		return nil
	}
	return r.Details.RunTestResult
}

// componentFailures returns the deployment's component failures, or nil.
func componentFailures(r salesforce.DeployResult) []salesforce.ComponentMessage {
	if r.Details == nil {
		return nil
	}
	return r.Details.ComponentFailures
}

// coverage returns the deployment's per-class coverage, or nil.
func coverage(r salesforce.DeployResult) []salesforce.CodeCoverage {
	if t := runTests(r); t != nil {
		return t.CodeCoverage
	}
	return nil
}

// coverageTotals sums the covered and coverable Apex lines over every class and trigger.
func coverageTotals(r salesforce.DeployResult) (covered, valid int) {
	for _, c := range coverage(r) {
		cov, val := lineCounts(c)
		covered += cov
		valid += val
	}
	return covered, valid
}

// lineCounts returns the covered and coverable lines of one class or trigger.
func lineCounts(c salesforce.CodeCoverage) (covered, valid int) {
	valid = max(c.NumLocations, 0)
	covered = min(max(valid-c.NumLocationsNotCovered, 0), valid)
	return covered, valid
}

// testCase is one Apex test method's outcome; failure is nil for a success.
type testCase struct {
	class   string // with its namespace prefix, when it has one
	name    string // the class name alone
	method  string
	millis  float64
	failure *salesforce.TestFailure
}

// testCases returns every test method the deployment ran, sorted by class then method.
func testCases(r salesforce.DeployResult) []testCase {
	t := runTests(r)
	if t == nil {
		return nil
	}
	cases := make([]testCase, 0, len(t.Successes)+len(t.Failures))
	for _, s := range t.Successes {
		cases = append(cases, testCase{
			class: qualified(s.Namespace, s.Name), name: s.Name,
			method: s.MethodName, millis: s.Time,
		})
	}
	for i := range t.Failures {
		f := &t.Failures[i]
		cases = append(cases, testCase{
			class: qualified(f.Namespace, f.Name), name: f.Name,
			method: f.MethodName, millis: f.Time, failure: f,
		})
	}
	slices.SortStableFunc(cases, func(a, b testCase) int {
		return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.method, b.method))
	})
	return cases
}

// failedTests returns the failed test methods, sorted by class then method.
func failedTests(r salesforce.DeployResult) []testCase {
	return slices.DeleteFunc(testCases(r), func(c testCase) bool { return c.failure == nil })
}

// qualified prefixes an Apex name with its namespace, when it has one.
func qualified(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "." + name
}

// orgFileName returns a component's file name as the org gives it, without a leading
// "unpackaged/" (the folder of a deployment zip that is not a single package).
func orgFileName(name string) string {
	return strings.TrimPrefix(name, "unpackaged/")
}
