package salesforce

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeLayouts(t *testing.T) {
	want := time.Date(2021, 5, 10, 4, 33, 14, 0, time.UTC)
	for _, raw := range []string{`"2021-05-10T04:33:14.000+0000"`, `"2021-05-10T04:33:14Z"`,
		`"2021-05-10T04:33:14.000Z"`, `"2021-05-10T06:33:14.000+0200"`} {
		var got Time
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatalf("Unmarshal(%s): %v", raw, err)
		}
		if !got.Equal(want) {
			t.Errorf("Unmarshal(%s) = %v, want %v", raw, got, want)
		}
	}
	var null Time
	if err := json.Unmarshal([]byte("null"), &null); err != nil || !null.IsZero() {
		t.Errorf("null = %v, %v", null, err)
	}
}

func TestUnknownStatusIsNotFinished(t *testing.T) {
	var r DeployResult
	body := `{"id":"0Af000000000001AAA","status":"FinalizingDeploy","done":false,"success":false}`
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if r.Finished() || r.Succeeded() {
		t.Errorf("an unknown status with done false counted as finished: %+v", r)
	}
}

func FuzzDecodeDeployRequest(f *testing.F) {
	f.Add([]byte(`{"id":"0Af","deployResult":{"status":"Succeeded","done":true,` +
		`"completedDate":"2021-05-10T04:33:14.000+0000","details":{"componentFailures":[],` +
		`"runTestResult":{"numTestsRun":1,"totalTime":12.5,"codeCoverage":[{"name":"A",` +
		`"numLocations":4,"locationsNotCovered":[{"line":3}]}]}}}}`))
	f.Add([]byte(`{"deployResult":null}`))
	f.Add([]byte(`[{"errorCode":"NOT_FOUND"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r DeployRequest
		if err := json.Unmarshal(body, &r); err != nil {
			return
		}
		if r.DeployResult.Succeeded() && !r.DeployResult.Done {
			t.Fatal("succeeded without done")
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}
