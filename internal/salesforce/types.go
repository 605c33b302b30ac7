package salesforce

import (
	"encoding/json"
	"strings"
	"time"
)

// Status is a deployment's state as the Metadata API reports it.
type Status string

// The deployment states the Metadata API documents.
const (
	StatusPending          Status = "Pending"
	StatusInProgress       Status = "InProgress"
	StatusSucceeded        Status = "Succeeded"
	StatusSucceededPartial Status = "SucceededPartial"
	StatusFailed           Status = "Failed"
	StatusCanceling        Status = "Canceling"
	StatusCanceled         Status = "Canceled"
)

// DeployRequest is the body of the deployRequest resource.
type DeployRequest struct {
	ID                       string         `json:"id"`
	ValidatedDeployRequestID string         `json:"validatedDeployRequestId,omitempty"`
	DeployOptions            *DeployOptions `json:"deployOptions,omitempty"`
	DeployResult             DeployResult   `json:"deployResult"`
}

// DeployOptions are the deployOptions a deployment is started with.
type DeployOptions struct {
	AllowMissingFiles bool     `json:"allowMissingFiles,omitempty"`
	CheckOnly         bool     `json:"checkOnly"`
	IgnoreWarnings    bool     `json:"ignoreWarnings"`
	PurgeOnDelete     bool     `json:"purgeOnDelete"`
	RollbackOnError   bool     `json:"rollbackOnError"`
	RunTests          []string `json:"runTests,omitempty"`
	SinglePackage     bool     `json:"singlePackage"`
	TestLevel         string   `json:"testLevel,omitempty"`
}

// DeployResult is a deployment's state and, when asked for, its details.
type DeployResult struct {
	ID                       string         `json:"id"`
	Status                   Status         `json:"status"`
	Success                  bool           `json:"success"`
	Done                     bool           `json:"done"`
	CheckOnly                bool           `json:"checkOnly"`
	IgnoreWarnings           bool           `json:"ignoreWarnings"`
	RollbackOnError          bool           `json:"rollbackOnError"`
	RunTestsEnabled          bool           `json:"runTestsEnabled"`
	NumberComponentsDeployed int            `json:"numberComponentsDeployed"`
	NumberComponentsTotal    int            `json:"numberComponentsTotal"`
	NumberComponentErrors    int            `json:"numberComponentErrors"`
	NumberTestsCompleted     int            `json:"numberTestsCompleted"`
	NumberTestsTotal         int            `json:"numberTestsTotal"`
	NumberTestErrors         int            `json:"numberTestErrors"`
	CreatedDate              Time           `json:"createdDate"`
	StartDate                Time           `json:"startDate"`
	LastModifiedDate         Time           `json:"lastModifiedDate"`
	CompletedDate            Time           `json:"completedDate"`
	CreatedBy                string         `json:"createdBy"`
	CreatedByName            string         `json:"createdByName"`
	CanceledBy               string         `json:"canceledBy"`
	CanceledByName           string         `json:"canceledByName"`
	StateDetail              string         `json:"stateDetail"`
	ErrorStatusCode          string         `json:"errorStatusCode"`
	ErrorMessage             string         `json:"errorMessage"`
	Details                  *DeployDetails `json:"details,omitempty"`
}

// DeployDetails holds the per-component and test outcomes of a deployment.
type DeployDetails struct {
	ComponentSuccesses   []ComponentMessage `json:"componentSuccesses"`
	ComponentFailures    []ComponentMessage `json:"componentFailures"`
	AllComponentMessages []ComponentMessage `json:"allComponentMessages"`
	RunTestResult        *RunTestResult     `json:"runTestResult,omitempty"`
}

// ComponentMessage is the outcome of deploying one metadata component.
type ComponentMessage struct {
	ComponentType string `json:"componentType"`
	FileName      string `json:"fileName"`
	FullName      string `json:"fullName"`
	ID            string `json:"id"`
	Problem       string `json:"problem"`
	ProblemType   string `json:"problemType"`
	Success       bool   `json:"success"`
	Warning       bool   `json:"warning"`
	Created       bool   `json:"created"`
	Changed       bool   `json:"changed"`
	Deleted       bool   `json:"deleted"`
	LineNumber    int    `json:"lineNumber"`
	ColumnNumber  int    `json:"columnNumber"`
}

// RunTestResult is the outcome of the Apex tests a deployment ran.
type RunTestResult struct {
	NumTestsRun          int                   `json:"numTestsRun"`
	NumFailures          int                   `json:"numFailures"`
	TotalTime            float64               `json:"totalTime"`
	Successes            []TestSuccess         `json:"successes"`
	Failures             []TestFailure         `json:"failures"`
	CodeCoverage         []CodeCoverage        `json:"codeCoverage"`
	CodeCoverageWarnings []CodeCoverageWarning `json:"codeCoverageWarnings"`
}

// TestSuccess is one Apex test method that passed.
type TestSuccess struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	MethodName string  `json:"methodName"`
	Namespace  string  `json:"namespace"`
	Time       float64 `json:"time"`
}

// TestFailure is one Apex test method that failed.
type TestFailure struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	MethodName string  `json:"methodName"`
	Namespace  string  `json:"namespace"`
	Message    string  `json:"message"`
	StackTrace string  `json:"stackTrace"`
	Type       string  `json:"type"`
	Time       float64 `json:"time"`
}

// CodeCoverage is the line coverage of one Apex class or trigger.
type CodeCoverage struct {
	ID                     string     `json:"id"`
	Name                   string     `json:"name"`
	Namespace              string     `json:"namespace"`
	Type                   string     `json:"type"`
	NumLocations           int        `json:"numLocations"`
	NumLocationsNotCovered int        `json:"numLocationsNotCovered"`
	LocationsNotCovered    []Location `json:"locationsNotCovered"`
}

// Location is a line of Apex code, here one that no test ran.
type Location struct {
	Line          int     `json:"line"`
	Column        int     `json:"column"`
	NumExecutions int     `json:"numExecutions"`
	Time          float64 `json:"time"`
}

// CodeCoverageWarning is a coverage shortfall the org reported.
type CodeCoverageWarning struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Message   string `json:"message"`
}

// Finished reports whether the org says the deployment has ended.
func (r DeployResult) Finished() bool { return r.Done }

// Succeeded reports whether the deployment ended with every component and test passing.
func (r DeployResult) Succeeded() bool {
	return r.Done && r.Status == StatusSucceeded
}

// Time is a Salesforce REST timestamp such as 2021-05-10T04:33:14.000+0000.
type Time struct{ time.Time }

var timeLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
}

// UnmarshalJSON accepts the REST layout with a +0000 offset, RFC 3339, and null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	var firstErr error
	for _, layout := range timeLayouts {
		parsed, err := time.Parse(layout, s)
		if err == nil {
			t.Time = parsed
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// MarshalJSON writes the REST layout, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(timeLayouts[0]))
}
