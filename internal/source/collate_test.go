package source

import (
	"slices"
	"testing"
)

// collateNames are names in the order JavaScript's localeCompare sorts them (en-US).
var collateNames = []string{"_a", "a", "A", "a b", "a__c", "a_b", "a-b", "a.b", "a1", "a10",
	"a2", "ab", "aB", "Ab", "AB", "ab_", "account_ref__c", "Amount__c", "Case_Closed",
	"Case-Opened", "Case1", "Due_Date__c", "invoice_paid", "Invoice_Sent", "Z", "z_"}

func TestCollateSortsAsLocaleCompare(t *testing.T) {
	shuffled := slices.Clone(collateNames)
	slices.Reverse(shuffled)
	slices.SortStableFunc(shuffled, collate)
	if !slices.Equal(shuffled, collateNames) {
		t.Errorf("sorted = %q\nwant %q", shuffled, collateNames)
	}
	tests := []struct {
		a, b string
		want int
	}{
		{"a", "a", 0}, {"a", "B", -1}, {"B", "a", 1}, {"a", "A", -1}, {"é", "z", 1},
		{"Field__c", "field__c", 1}, {"", "a", -1},
	}
	for _, tc := range tests {
		if got := collate(tc.a, tc.b); got != tc.want {
			t.Errorf("collate(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestCollateMatchesNode sorts the names with node, when the reference is installed.
func TestCollateMatchesNode(t *testing.T) {
	ref := findReference(t)
	var got []string
	in := slices.Clone(collateNames)
	slices.Reverse(in)
	runNode(t, ref, `const a = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(a.sort((x, y) => x.localeCompare(y))));`, in, &got)
	if !slices.Equal(got, collateNames) {
		t.Errorf("node sorts %q\nthe table says %q", got, collateNames)
	}
}
