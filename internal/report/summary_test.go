package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// at returns the timestamp s, or the zero time when s is empty.
func at(t *testing.T, s string) salesforce.Time {
	t.Helper()
	if s == "" {
		return salesforce.Time{}
	}
	v, err := time.Parse("2006-01-02T15:04:05-0700", s)
	if err != nil {
		t.Fatal(err)
	}
	return salesforce.Time{Time: v}
}

// summaryOf writes the summary of r and returns it.
func summaryOf(t *testing.T, r salesforce.DeployResult, s SummaryInfo) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSummary(&b, r, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSummaryHeadingAndStatus(t *testing.T) {
	tests := []struct {
		name    string
		r       salesforce.DeployResult
		heading string
		status  string
	}{
		{"succeeded", salesforce.DeployResult{Status: "Succeeded", Done: true},
			"## ✅ Deployment succeeded", "- Status: Succeeded\n"},
		{"validation failed", salesforce.DeployResult{Status: "Failed", Done: true, CheckOnly: true},
			"## ❌ Validation failed", "- Status: Failed (check only: nothing was saved)\n"},
		{"partial", salesforce.DeployResult{Status: "SucceededPartial", Done: true},
			"## ⚠️ Deployment partly succeeded", "- Status: SucceededPartial\n"},
		{"canceled", salesforce.DeployResult{Status: "Canceled", Done: true,
			CanceledByName: "Dana Admin"},
			"## 🚫 Deployment was canceled", "- Status: Canceled by Dana Admin\n"},
		{"in progress", salesforce.DeployResult{Status: "InProgress"},
			"## ⏳ Deployment has not finished", "- Status: InProgress\n"},
		{"unknown final state", salesforce.DeployResult{Status: "FinalizingDeployFailed", Done: true},
			"## ❔ Deployment ended", "- Status: FinalizingDeployFailed\n"},
		{"no status", salesforce.DeployResult{},
			"## ⏳ Deployment has not finished", "- Status: unknown\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaryOf(t, tt.r, SummaryInfo{})
			if !strings.HasPrefix(got, tt.heading+"\n") {
				t.Errorf("summary starts %q, want %q", firstLine(got), tt.heading)
			}
			if !strings.Contains(got, tt.status) {
				t.Errorf("summary lacks %q:\n%s", tt.status, got)
			}
		})
	}
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestSummaryWithoutLinkOrMapper(t *testing.T) {
	r := loadResult(t, "component-failure")
	got := summaryOf(t, r, SummaryInfo{})
	if strings.Contains(got, "](") {
		t.Errorf("summary has a link without a DeployURL:\n%s", got)
	}
	if !strings.Contains(got, "| classes/InvoiceService.cls |") {
		t.Errorf("summary does not show the org file name without unpackaged/:\n%s", got)
	}

	keep := SummaryInfo{FileMapper: func(name string) string {
		if name == "classes/InvoiceService.cls" {
			return "src/classes/InvoiceService.cls"
		}
		return ""
	}}
	got = summaryOf(t, r, keep)
	for _, want := range []string{
		"| src/classes/InvoiceService.cls |", "| objects/Invoice__c.object |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

func TestSummaryLinkStaysInside(t *testing.T) {
	r := salesforce.DeployResult{ID: "0Af`x", Status: "Succeeded", Done: true}
	got := summaryOf(t, r, SummaryInfo{DeployURL: "https://h.example/a b?<x>\n"})
	want := "- Deployment: `0Afx` ([open in Salesforce](<https://h.example/a%20b?%3Cx%3E>))\n"
	if !strings.Contains(got, want) {
		t.Errorf("summary lacks %q:\n%s", want, got)
	}
}

func TestElapsed(t *testing.T) {
	tests := []struct {
		name                     string
		created, started, closed string
		want                     string
	}{
		{"from start", "2026-11-30T10:15:02+0000", "2026-11-30T10:15:04+0000",
			"2026-11-30T10:19:16+0000", "4m 12s"},
		{"from creation", "2026-11-30T10:15:02+0000", "", "2026-11-30T10:15:09+0000", "7s"},
		{"not completed", "2026-11-30T10:15:02+0000", "", "", ""},
		{"clock skew", "2026-11-30T10:15:02+0000", "", "2026-11-30T10:15:01+0000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := salesforce.DeployResult{
				CreatedDate:   at(t, tt.created),
				StartDate:     at(t, tt.started),
				CompletedDate: at(t, tt.closed),
			}
			got := ""
			if d, ok := elapsed(r); ok {
				got = humanDuration(d)
			}
			if got != tt.want {
				t.Errorf("duration = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{400 * time.Millisecond, "0s"},
		{59*time.Second + 600*time.Millisecond, "1m 0s"},
		{4*time.Minute + 12*time.Second, "4m 12s"},
		{2*time.Hour + 7*time.Second, "2h 0m 7s"},
		{27*time.Hour + 3*time.Minute, "27h 3m 0s"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain Account.Tier__c", "plain Account.Tier__c"},
		{"a | b", `a \| b`},
		{`already \| escaped`, `already \\\| escaped`},
		{"one\ntwo\r\nthree\rfour", "one<br>two<br>three<br>four"},
		{"  trimmed\n", "trimmed"},
		{"List<Id> & *bold* `code` [link]", "List&lt;Id&gt; &amp; \\*bold\\* \\`code\\` \\[link\\]"},
		{"tab\there", "tab here"},
	}
	for _, tt := range tests {
		if got := escapeMarkdown(tt.in); got != tt.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
