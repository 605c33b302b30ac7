package fakeorg

import "time"

// restTimeLayout is how the REST API writes dates: 2026-11-30T10:15:02.000+0000.
const restTimeLayout = "2006-01-02T15:04:05.000-0700"

// restTime formats t as the REST API does, or null for the zero time.
func restTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(restTimeLayout)
}

// orNull returns s, or null when it is empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// requestBody is the deployRequest resource. As the real API may, a status read carries a
// null id and null deployOptions unless Options.StatusEcho; answers to POST and PATCH echo
// both (echo true).
func (o *Org) requestBody(d *deployment, details, echo bool) map[string]any {
	body := map[string]any{
		"id":                       nil,
		"validatedDeployRequestId": orNull(d.validatedID),
		"deployOptions":            nil,
		"deployResult":             d.result(details),
	}
	if echo {
		body["id"] = d.id
		body["deployOptions"] = optionsBody(d.options)
	}
	return body
}

// optionsBody is deployOptions as the API echoes it: every key, null where unset.
func optionsBody(d DeployOptions) map[string]any {
	var runTests any
	if len(d.RunTests) > 0 {
		runTests = d.RunTests
	}
	return map[string]any{
		"allowMissingFiles": d.AllowMissingFiles,
		"autoUpdatePackage": d.AutoUpdatePackage,
		"checkOnly":         d.CheckOnly,
		"ignoreWarnings":    d.IgnoreWarnings,
		"performRetrieve":   d.PerformRetrieve,
		"purgeOnDelete":     d.PurgeOnDelete,
		"rollbackOnError":   d.RollbackOnError,
		"runTests":          runTests,
		"singlePackage":     d.SinglePackage,
		"testLevel":         orNull(d.TestLevel),
	}
}

// result is the deployResult of d's current step, with details when asked for.
func (d *deployment) result(details bool) map[string]any {
	s := d.current()
	var completed time.Time
	if s.done {
		completed = d.completed
	}
	res := map[string]any{
		"id":                       d.id,
		"status":                   s.status,
		"success":                  s.success(),
		"done":                     s.done,
		"checkOnly":                d.options.CheckOnly,
		"ignoreWarnings":           d.options.IgnoreWarnings,
		"rollbackOnError":          d.options.RollbackOnError,
		"runTestsEnabled":          d.options.runsTests() && !d.quick,
		"numberComponentsDeployed": s.compDone - s.compErrors,
		"numberComponentsTotal":    s.compTotal,
		"numberComponentErrors":    s.compErrors,
		"numberTestsCompleted":     s.testDone - s.testErrors,
		"numberTestsTotal":         s.testTotal,
		"numberTestErrors":         s.testErrors,
		"createdDate":              restTime(d.created),
		"startDate":                restTime(d.started),
		"lastModifiedDate":         restTime(d.modified),
		"completedDate":            restTime(completed),
		"createdBy":                userID,
		"createdByName":            userName,
		"canceledBy":               orNull(s.canceledBy),
		"canceledByName":           orNull(s.canceledByName),
		"stateDetail":              orNull(s.stateDetail),
		"errorStatusCode":          orNull(s.errorCode),
		"errorMessage":             orNull(s.errorMessage),
	}
	if details {
		res["details"] = d.details(s)
	}
	return res
}

// details is the deployResult's details object for step s.
func (d *deployment) details(s step) map[string]any {
	stamp := restTime(d.modified)
	successes, failures, all := []any{}, []any{}, []any{}
	for i := range s.compDone {
		c := componentAt(i)
		if i < s.compErrors {
			m := failureMessage(c, stamp)
			failures, all = append(failures, m), append(all, m)
			continue
		}
		m := successMessage(c, stamp)
		successes, all = append(successes, m), append(all, m)
	}
	if s.compTotal > 0 && s.compDone == s.compTotal {
		m := manifestMessage(stamp)
		successes, all = append(successes, m), append(all, m)
	}
	return map[string]any{
		"componentSuccesses":   successes,
		"componentFailures":    failures,
		"allComponentMessages": all,
		"runTestResult":        d.testResult(s),
		"retrieveResult":       nil,
	}
}

// componentMessage is a component message with every field the API sends.
func componentMessage(typeName, fileName, fullName string, id any, stamp any) map[string]any {
	return map[string]any{
		"changed":                   false,
		"columnNumber":              nil,
		"componentType":             typeName,
		"created":                   true,
		"createdDate":               stamp,
		"deleted":                   false,
		"fileName":                  fileName,
		"forPackageManifestFile":    false,
		"fullName":                  fullName,
		"id":                        id,
		"knownPackagingProblem":     false,
		"lineNumber":                nil,
		"problem":                   nil,
		"problemType":               nil,
		"requiresProductionTestRun": false,
		"success":                   true,
		"warning":                   false,
	}
}

func successMessage(c component, stamp any) map[string]any {
	return componentMessage(c.kind.typeName, c.fileName(), c.fullName, c.id(), stamp)
}

func failureMessage(c component, stamp any) map[string]any {
	m := componentMessage(c.kind.typeName, c.fileName(), c.fullName, nil, stamp)
	m["created"] = false
	m["success"] = false
	m["problem"] = c.kind.problem
	m["problemType"] = "Error"
	m["lineNumber"] = 12 + c.index
	m["columnNumber"] = 9
	return m
}

// manifestMessage is the entry the API adds for package.xml, with an empty componentType.
func manifestMessage(stamp any) map[string]any {
	m := componentMessage("", "package.xml", "package.xml", nil, stamp)
	m["created"] = false
	m["changed"] = true
	m["forPackageManifestFile"] = true
	return m
}
