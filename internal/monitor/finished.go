package monitor

import (
	"encoding/json"
	"fmt"
)

// StatusUnknown is the finish status when the monitor stopped watching without knowing
// the outcome (the session expired, or the watch passed its limit); the finish job reads
// the real outcome with its own credentials.
const StatusUnknown = "Unknown"

// Finished is the detail of a Deployment Finished event: the request without secrets,
// plus the outcome the monitor saw.
type Finished struct {
	Request
	Status             string `json:"status"`
	Success            bool   `json:"success"`
	Reason             string `json:"reason,omitempty"`
	ComponentsDeployed int    `json:"numberComponentsDeployed"`
	ComponentsTotal    int    `json:"numberComponentsTotal"`
	ComponentErrors    int    `json:"numberComponentErrors"`
	TestsCompleted     int    `json:"numberTestsCompleted"`
	TestsTotal         int    `json:"numberTestsTotal"`
	TestErrors         int    `json:"numberTestErrors"`
	FinishedAt         string `json:"finishedAt"`
}

// ParseFinished decodes a Deployment Finished detail.
func ParseFinished(detail []byte) (Finished, error) {
	var f Finished
	if err := json.Unmarshal(detail, &f); err != nil {
		return Finished{}, fmt.Errorf("decode finish detail: %w", err)
	}
	f.SessionID = ""
	return f, nil
}
