package fakeorg

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// resultKeys are the deployResult fields the real API sends, details aside.
var resultKeys = []string{
	"id", "status", "success", "done", "checkOnly", "ignoreWarnings", "rollbackOnError",
	"runTestsEnabled", "numberComponentsDeployed", "numberComponentsTotal",
	"numberComponentErrors", "numberTestsCompleted", "numberTestsTotal", "numberTestErrors",
	"createdDate", "startDate", "lastModifiedDate", "completedDate", "createdBy",
	"createdByName", "canceledBy", "canceledByName", "stateDetail", "errorStatusCode",
	"errorMessage",
}

// final is what a finished deployResult must report.
type final struct {
	success                   bool
	deployed, compErrors      int
	testsDone, testErrors     int
	testsTotal                int
	errorCode, canceledByName string
}

func TestProgression(t *testing.T) {
	const local = `{"singlePackage":true,"testLevel":"RunLocalTests"}`
	ip := "InProgress"
	tests := []struct {
		name     string
		opts     Options
		options  string
		statuses []string // one per GET, the last one done
		want     final
	}{
		{"success", Options{}, local,
			[]string{"Pending", ip, ip, ip, ip, "Succeeded"},
			final{success: true, deployed: 5, testsDone: 4, testsTotal: 4}},
		{"success without tests", Options{}, `{"testLevel":"NoTestRun"}`,
			[]string{"Pending", ip, ip, "Succeeded"}, final{success: true, deployed: 5}},
		{"component failure", Options{Outcome: OutcomeComponentFailure, ComponentErrors: 2},
			local, []string{"Pending", ip, ip, "Failed"}, final{deployed: 3, compErrors: 2}},
		{"test failure", Options{Outcome: OutcomeTestFailure}, local,
			[]string{"Pending", ip, ip, ip, ip, "Failed"},
			final{deployed: 5, testsDone: 3, testErrors: 1, testsTotal: 4}},
		{"partial", Options{Outcome: OutcomePartial}, local,
			[]string{"Pending", ip, ip, ip, ip, "SucceededPartial"},
			final{success: true, deployed: 4, compErrors: 1, testsDone: 4, testsTotal: 4}},
		{"canceled", Options{Outcome: OutcomeCanceled}, local,
			[]string{"Pending", ip, ip, "Canceling", "Canceled"},
			final{deployed: 5, canceledByName: "Admin User"}},
		{"error", Options{Outcome: OutcomeError}, local,
			[]string{"Pending", ip, ip, "Failed"},
			final{deployed: 5, errorCode: "UNKNOWN_EXCEPTION"}},
		{"finalizing", Options{Scenario: Scenario{ComponentPolls: 1, TestPolls: 1,
			Finalizing: true}, Components: 3, Tests: 2}, local,
			[]string{ip, ip, "Finalizing", "Succeeded"},
			final{success: true, deployed: 3, testsDone: 2, testsTotal: 2}},
		{"finalizing spelled otherwise", Options{Scenario: Scenario{PendingPolls: 2,
			Finalizing: true, FinalizingStatus: "FinalizingDeploy"}}, local,
			[]string{"Pending", "Pending", "FinalizingDeploy", "Succeeded"},
			final{success: true, deployed: 5, testsDone: 4, testsTotal: 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, tc.opts)
			id := startDeploy(t, org, tc.options)
			var got []string
			var last map[string]any
			prev := map[string]int{}
			for i := range tc.statuses {
				res := poll(t, org, id, i%2 == 1)
				checkPoll(t, res, prev, i == len(tc.statuses)-1)
				got = append(got, res["status"].(string))
				last = res
			}
			if !slices.Equal(got, tc.statuses) {
				t.Fatalf("statuses %v, want %v", got, tc.statuses)
			}
			again := poll(t, org, id, true)
			if again["status"] != last["status"] || again["done"] != true {
				t.Errorf("a finished deployment moved on to %v", again["status"])
			}
			checkFinal(t, again, tc.want)
		})
	}
}

// checkPoll checks one deployResult: its keys, its dates and that counters never go back.
func checkPoll(t *testing.T, res map[string]any, prev map[string]int, last bool) {
	t.Helper()
	keys := slices.Sorted(maps.Keys(res))
	want := slices.Clone(resultKeys)
	if _, ok := res["details"]; ok {
		want = append(want, "details")
	}
	if slices.Sort(want); !slices.Equal(keys, want) {
		t.Errorf("deployResult keys %v, want %v", keys, want)
	}
	if res["done"] != last {
		t.Errorf("status %v: done %v", res["status"], res["done"])
	}
	if (res["completedDate"] != nil) != last {
		t.Errorf("status %v: completedDate %v", res["status"], res["completedDate"])
	}
	for _, k := range []string{"numberComponentsDeployed", "numberComponentErrors",
		"numberTestsCompleted", "numberTestErrors"} {
		if n := num(res[k]); n < prev[k] {
			t.Errorf("%s went back from %d to %d", k, prev[k], n)
		} else {
			prev[k] = n
		}
	}
}

// checkFinal checks the counters and details of a finished deployResult.
func checkFinal(t *testing.T, res map[string]any, want final) {
	t.Helper()
	got := final{
		success:    res["success"] == true,
		deployed:   num(res["numberComponentsDeployed"]),
		compErrors: num(res["numberComponentErrors"]),
		testsDone:  num(res["numberTestsCompleted"]),
		testErrors: num(res["numberTestErrors"]),
		testsTotal: num(res["numberTestsTotal"]),
	}
	got.errorCode, _ = res["errorStatusCode"].(string)
	got.canceledByName, _ = res["canceledByName"].(string)
	if got != want {
		t.Errorf("final %+v, want %+v", got, want)
	}

	details := res["details"].(map[string]any)
	failures := list(details["componentFailures"])
	if len(failures) != want.compErrors {
		t.Errorf("%d componentFailures, want %d", len(failures), want.compErrors)
	}
	if len(failures) > 0 {
		f := failures[0].(map[string]any)
		if f["fileName"] != "classes/AccountService.cls" || f["problemType"] != "Error" ||
			num(f["lineNumber"]) != 12 || num(f["columnNumber"]) != 9 || f["success"] != false {
			t.Errorf("first component failure %v", f)
		}
	}
	if n := len(list(details["allComponentMessages"])); want.deployed > 0 &&
		n != want.deployed+want.compErrors+1 {
		t.Errorf("%d allComponentMessages, want components plus package.xml", n)
	}
	checkTests(t, details["runTestResult"].(map[string]any), want)
}

func checkTests(t *testing.T, rtr map[string]any, want final) {
	t.Helper()
	if num(rtr["numTestsRun"]) != want.testsDone+want.testErrors ||
		num(rtr["numFailures"]) != want.testErrors {
		t.Errorf("runTestResult counts %v run, %v failed", rtr["numTestsRun"], rtr["numFailures"])
	}
	failures := list(rtr["failures"])
	if len(failures) > 0 {
		f := failures[0].(map[string]any)
		trace := "Class.AccountServiceTest.testCreate: line 12, column 1"
		if f["stackTrace"] != trace || !strings.HasPrefix(f["message"].(string), "System.") {
			t.Errorf("first test failure %v", f)
		}
	}
	coverage := list(rtr["codeCoverage"])
	if (len(coverage) > 0) != (want.testsTotal > 0) {
		t.Fatalf("codeCoverage %v with %d tests", coverage, want.testsTotal)
	}
	for _, c := range coverage {
		c := c.(map[string]any)
		missed := list(c["locationsNotCovered"])
		if c["type"] == nil || len(missed) == 0 ||
			num(c["numLocationsNotCovered"]) != len(missed) {
			t.Errorf("coverage entry %v", c)
		}
		for _, l := range missed {
			l := l.(map[string]any)
			if _, ok := l["numExecutions"]; !ok || l["line"] == nil || l["column"] == nil {
				t.Errorf("location %v", l)
			}
		}
	}
}

func TestDates(t *testing.T) {
	org := startOrg(t, Options{Scenario: Scenario{PendingPolls: 1, ComponentPolls: 1},
		Step: 2e9})
	id := startDeploy(t, org, `{"testLevel":"NoTestRun"}`)
	tests := []struct{ status, start, modified, completed any }{
		{"Pending", nil, "2026-11-30T10:15:02.000+0000", nil},
		{"InProgress", "2026-11-30T10:15:04.000+0000", "2026-11-30T10:15:04.000+0000", nil},
		{"Succeeded", "2026-11-30T10:15:04.000+0000", "2026-11-30T10:15:06.000+0000",
			"2026-11-30T10:15:06.000+0000"},
	}
	for _, want := range tests {
		res := poll(t, org, id, false)
		got := struct{ status, start, modified, completed any }{res["status"],
			res["startDate"], res["lastModifiedDate"], res["completedDate"]}
		if got != want || res["createdDate"] != "2026-11-30T10:15:00.000+0000" {
			t.Errorf("got %v (created %v), want %v", got, res["createdDate"], want)
		}
	}
}

func TestStatusRead(t *testing.T) {
	org := startOrg(t, Options{})
	id := startDeploy(t, org, `{}`)
	status, b := call(t, org, http.MethodGet, testAPI+"/"+id, "", nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	m := decode(t, b)
	// The real API leaves id and deployOptions null on a status read.
	if m["id"] != nil || m["deployOptions"] != nil || m["validatedDeployRequestId"] != nil {
		t.Errorf("status read %v", m)
	}
	if _, ok := m["deployResult"].(map[string]any)["details"]; ok {
		t.Errorf("details without includeDetails")
	}

	short := poll(t, org, id[:15], false)
	if short["id"] != id || short["status"] != "InProgress" {
		t.Errorf("15-character id read %v %v", short["id"], short["status"])
	}
}

func TestStatusEcho(t *testing.T) {
	org := startOrg(t, Options{StatusEcho: true})
	id := startDeploy(t, org, `{"ignoreWarnings":true}`)
	_, b := call(t, org, http.MethodGet, testAPI+"/"+id, "", nil)
	m := decode(t, b)
	opts, _ := m["deployOptions"].(map[string]any)
	if m["id"] != id || opts["ignoreWarnings"] != true {
		t.Errorf("status read with StatusEcho %v", m)
	}
}
