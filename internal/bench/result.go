package bench

import (
	"encoding/json"
	"fmt"
	"time"
)

// Size is the size of a large deployment: its components, test methods and covered classes.
type Size struct {
	Components int
	Tests      int
	Classes    int
	Failures   int // failed components, and failed test methods
}

// LargeSize is the finish measurement's result, ten components and ten tests failing.
var LargeSize = Size{Components: 5000, Tests: 2000, Classes: 1500, Failures: 10}

// restLayout is the REST API's timestamp layout.
const restLayout = "2006-01-02T15:04:05.000-0700"

// resultJSON is a finished deployment's deployRequest body with details, every field set.
func resultJSON(id string, s Size, end time.Time) ([]byte, error) {
	stamp := end.Format(restLayout)
	successes, failures, all := componentMessages(s, stamp)
	result := map[string]any{
		"id": id, "status": "Failed", "success": false, "done": true, "checkOnly": false,
		"ignoreWarnings": false, "rollbackOnError": true, "runTestsEnabled": true,
		"numberComponentsDeployed": s.Components - s.Failures,
		"numberComponentsTotal":    s.Components, "numberComponentErrors": s.Failures,
		"numberTestsCompleted": s.Tests - s.Failures, "numberTestsTotal": s.Tests,
		"numberTestErrors": s.Failures, "createdBy": "0055g00000BenchAAA",
		"createdByName": "Bench User", "canceledBy": nil, "canceledByName": nil,
		"createdDate":      end.Add(-2 * time.Hour).Format(restLayout),
		"startDate":        end.Add(-110 * time.Minute).Format(restLayout),
		"lastModifiedDate": stamp, "completedDate": stamp, "stateDetail": nil,
		"errorStatusCode": nil, "errorMessage": nil,
		"details": map[string]any{"componentSuccesses": successes,
			"componentFailures": failures, "allComponentMessages": all,
			"runTestResult": testResult(s), "retrieveResult": nil},
	}
	b, err := json.Marshal(map[string]any{"id": id, "validatedDeployRequestId": nil,
		"deployOptions": nil, "deployResult": result})
	if err != nil {
		return nil, fmt.Errorf("encode the large result: %w", err)
	}
	return b, nil
}

// componentMessages are the classes first, then other metadata; the first Failures fail.
func componentMessages(s Size, stamp string) (successes, failures, all []any) {
	for i := range s.Components {
		typ, file, name := componentName(i, s.Classes)
		m := map[string]any{"changed": true, "columnNumber": nil, "componentType": typ,
			"created": false, "createdDate": stamp, "deleted": false, "fileName": file,
			"fullName": name, "id": fmt.Sprintf("01p5g%010d", i), "knownPackagingProblem": false,
			"lineNumber": nil, "problem": nil, "problemType": nil,
			"requiresProductionTestRun": false, "success": true, "warning": false,
			"forPackageManifestFile": false}
		if i < s.Failures {
			m["success"], m["problemType"], m["lineNumber"], m["columnNumber"] = false, "Error",
				12+i, 5
			m["problem"] = "Variable does not exist: acct"
			failures = append(failures, m)
		} else {
			successes = append(successes, m)
		}
		all = append(all, m)
	}
	return successes, failures, all
}

func componentName(i, classes int) (typ, file, name string) {
	if i < classes {
		name = fmt.Sprintf("Service%04d", i)
		return "ApexClass", "classes/" + name + ".cls", name
	}
	name = fmt.Sprintf("Object%04d__c.Field%d__c", i/10, i%10)
	return "CustomField", fmt.Sprintf("objects/Object%04d__c.object", i/10), name
}

// testResult runs Tests methods of Classes/3 test classes and covers every class.
func testResult(s Size) map[string]any {
	okTests, badTests, coverage := []any{}, []any{}, []any{}
	total := 0.0
	for i := range s.Tests {
		class := fmt.Sprintf("Service%04dTest", i%max(s.Classes/3, 1))
		ms := float64(40 + i%900)
		total += ms
		t := map[string]any{"id": fmt.Sprintf("01p5g1%09d", i), "name": class,
			"methodName": fmt.Sprintf("testCase%d", i), "namespace": nil, "seeAllData": false,
			"time": ms}
		if i < s.Failures {
			t["message"] = "System.AssertException: Assertion Failed: Expected: 1, Actual: 0"
			t["stackTrace"] = fmt.Sprintf("Class.%s.testCase%d: line %d, column 1", class, i, 20+i)
			t["type"], t["packageName"] = "Class", class
			badTests = append(badTests, t)
			continue
		}
		okTests = append(okTests, t)
	}
	for i := range s.Classes {
		coverage = append(coverage, classCoverage(i))
	}
	return map[string]any{"apexLogId": nil, "numTestsRun": s.Tests, "numFailures": s.Failures,
		"totalTime": total, "successes": okTests, "failures": badTests,
		"codeCoverage": coverage, "codeCoverageWarnings": []any{}, "flowCoverage": []any{},
		"flowCoverageWarnings": []any{}}
}

// classCoverage is class i's coverage: 20 to 219 lines, up to 15 of them not covered.
func classCoverage(i int) map[string]any {
	lines := 20 + i%200
	missed := []any{}
	for j := range i % 16 {
		missed = append(missed, map[string]any{"line": 10 + j*7%lines, "column": 0,
			"numExecutions": 0, "time": -1.0})
	}
	return map[string]any{"id": fmt.Sprintf("01p5g%010d", i), "namespace": nil,
		"name": fmt.Sprintf("Service%04d", i), "type": "Class", "numLocations": lines,
		"numLocationsNotCovered": len(missed), "locationsNotCovered": missed}
}
