package report

import (
	"slices"
	"testing"
)

func TestAnnotations(t *testing.T) {
	discountStack := "Class.acme.PricingService.apply: line 31, column 1\n" +
		"Class.acme.PricingTest.appliesDiscount: line 18, column 1"
	tests := []struct {
		fixture string
		want    []Annotation
	}{
		{"success", nil},
		{"no-tests", nil},
		{"org-error", nil},
		{"component-failure", []Annotation{
			{
				File: "classes/InvoiceService.cls", Line: 42, Column: 17,
				Title: "Deployment error: ApexClass InvoiceService",
				Message: "Method does not exist or incorrect signature: " +
					"void post(List<Invoice__c>) from the type Ledger",
			},
			{
				File:    "objects/Invoice__c.object",
				Title:   "Deployment error: CustomField Invoice__c.Total__c",
				Message: "Field Amount__c does not exist. Check spelling.",
			},
		}},
		{"test-failure", []Annotation{
			{
				File: "classes/PricingTest.cls", Line: 18, Column: 1,
				Title: "Apex test failed: acme.PricingTest.appliesDiscount",
				Message: "System.AssertException: Assertion Failed: Expected: 5, Actual: 4\n" +
					discountStack,
			},
			{
				File: "classes/PricingTest.cls", Line: 40, Column: 1,
				Title: "Apex test failed: acme.PricingTest.roundsHalfUp",
				Message: "System.NullPointerException: Attempt to de-reference a null object\n" +
					"Class.acme.PricingTest.roundsHalfUp: line 40, column 1",
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got := Annotations(loadResult(t, tt.fixture))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Annotations =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestStackPosition(t *testing.T) {
	tests := []struct {
		name      string
		stack     string
		class     []string
		line, col int
	}{
		{"own frame", "Class.FooTest.run: line 12, column 1", []string{"FooTest"}, 12, 1},
		{"deeper frame first", "Class.Foo.go: line 3, column 9\nClass.FooTest.run: line 7, column 2",
			[]string{"FooTest"}, 7, 2},
		{"namespaced", "Class.ns.FooTest.run: line 5, column 3", []string{"ns.FooTest", "FooTest"},
			5, 3},
		{"inner class", "Class.FooTest.Helper.make: line 44, column 5", []string{"FooTest"}, 44, 5},
		{"no column", "Class.FooTest.run: line 8", []string{"FooTest"}, 8, 0},
		{"other class only", "Class.Foo.go: line 3, column 9", []string{"FooTest"}, 0, 0},
		{"prefix is not a class", "Class.FooTestX.run: line 3, column 9", []string{"FooTest"}, 0, 0},
		{"trigger frame", "Trigger.AccountTrigger: line 2, column 1", []string{"FooTest"}, 0, 0},
		{"garbage line", "Class.FooTest.run: line x, column 1", []string{"FooTest"}, 0, 0},
		{"empty", "", []string{"FooTest"}, 0, 0},
		{"windows line ends", "Class.Foo.go: line 1, column 1\r\nClass.FooTest.run: line 9, column 4",
			[]string{"FooTest"}, 9, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col := stackPosition(tt.stack, tt.class...)
			if line != tt.line || col != tt.col {
				t.Errorf("stackPosition = %d, %d, want %d, %d", line, col, tt.line, tt.col)
			}
		})
	}
}

func FuzzStackPosition(f *testing.F) {
	f.Add("Class.ns.FooTest.run: line 5, column 3\nClass.FooTest.x: line 1", "FooTest")
	f.Add("Class.: line -4, column -2", "")
	f.Fuzz(func(t *testing.T, stack, class string) {
		line, col := stackPosition(stack, class)
		if line < 0 || col < 0 || (line == 0 && col != 0) {
			t.Errorf("stackPosition = %d, %d", line, col)
		}
	})
}
