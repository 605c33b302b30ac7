package fakeorg

import "fmt"

// testResult is the details' runTestResult for step s: the tests completed so far, and code
// coverage once every test has run.
func (d *deployment) testResult(s step) map[string]any {
	successes, failures := []any{}, []any{}
	total := 0.0
	for i := range s.testDone {
		t := testAt(i)
		total += t.millis()
		if i < s.testErrors {
			failures = append(failures, testFailure(t))
			continue
		}
		successes = append(successes, testSuccess(t))
	}
	coverage := []any{}
	if s.testTotal > 0 && s.testDone == s.testTotal {
		coverage = codeCoverage(d.plan.components)
	}
	return map[string]any{
		"apexLogId":            nil,
		"codeCoverage":         coverage,
		"codeCoverageWarnings": []any{},
		"failures":             failures,
		"flowCoverage":         []any{},
		"flowCoverageWarnings": []any{},
		"numFailures":          s.testErrors,
		"numTestsRun":          s.testDone,
		"successes":            successes,
		"totalTime":            total,
	}
}

func testSuccess(t apexTest) map[string]any {
	return map[string]any{
		"id":         t.classID(),
		"methodName": t.method,
		"name":       t.class,
		"namespace":  nil,
		"seeAllData": false,
		"time":       t.millis(),
	}
}

func testFailure(t apexTest) map[string]any {
	return map[string]any{
		"id":          t.classID(),
		"message":     "System.AssertException: Assertion Failed: Expected: 1, Actual: 0",
		"methodName":  t.method,
		"name":        t.class,
		"namespace":   nil,
		"packageName": t.class,
		"seeAllData":  false,
		"stackTrace":  fmt.Sprintf("Class.%s.%s: line %d, column 1", t.class, t.method, t.line()),
		"time":        t.millis(),
		"type":        "Class",
	}
}

// codeCoverage lists the coverage of the Apex classes and triggers among n components.
func codeCoverage(n int) []any {
	out := []any{}
	for i := range n {
		c := componentAt(i)
		if c.kind.coverage == "" {
			continue
		}
		missed := []any{}
		for j := range 1 + i%3 {
			missed = append(missed, map[string]any{
				"column": 0, "line": 10 + 4*j, "numExecutions": 0, "time": -1.0,
			})
		}
		out = append(out, map[string]any{
			"id":                     c.id(),
			"locationsNotCovered":    missed,
			"name":                   c.fullName,
			"namespace":              nil,
			"numLocations":           20 + 3*i,
			"numLocationsNotCovered": len(missed),
			"type":                   c.kind.coverage,
		})
	}
	return out
}
