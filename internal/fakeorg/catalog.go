package fakeorg

import (
	"fmt"
	"strconv"
)

// The fixed users and org the fake reports.
var (
	orgID          = withChecksum("00D5g00000ABCDE")
	userID         = withChecksum("0055g00000ABCDE")
	userName       = "Deploy Bot"
	cancelerID     = withChecksum("0055g00000FGHIJ")
	cancelerName   = "Admin User"
	deployIDPrefix = "0Af5g00000"
)

// withChecksum appends the three-character case checksum that makes a 15-character
// Salesforce id an 18-character one.
func withChecksum(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	out := []byte(id15)
	for chunk := range 3 {
		v := 0
		for i := range 5 {
			if c := id15[chunk*5+i]; c >= 'A' && c <= 'Z' {
				v |= 1 << i
			}
		}
		out = append(out, alphabet[v])
	}
	return string(out)
}

// makeID returns the 18-character id numbered n under a 10-character prefix.
func makeID(prefix string, n int) string {
	return withChecksum(fmt.Sprintf("%s%05d", prefix, n%100000))
}

// kind is a metadata type as the fake deploys it.
type kind struct {
	typeName  string // componentType
	dir       string // folder in the zip
	suffix    string // file suffix
	idPrefix  string // key prefix of its records
	coverage  string // code coverage type; empty when not code
	nameAfter string // appended to the base name
	problem   string // the compile error it fails with
}

var kinds = []kind{
	{"ApexClass", "classes", ".cls", "01p5g00000", "Class", "Service",
		"Variable does not exist: acct"},
	{"ApexClass", "classes", ".cls", "01p5g00000", "Class", "Selector",
		"Method does not exist or incorrect signature: void query() from the type Database"},
	{"CustomObject", "objects", ".object", "01I5g00000", "", "__c",
		"Field Status__c: Picklist value 'Open' appears more than once"},
	{"ApexTrigger", "triggers", ".trigger", "01q5g00000", "Trigger", "Trigger",
		"Invalid type: LeadHandler"},
}

var baseNames = []string{
	"Account", "Contact", "Invoice", "Lead", "Order", "Quote", "Shipment", "Payment",
}

// component is one metadata component a deployment carries.
type component struct {
	index    int
	kind     kind
	fullName string
}

func (c component) fileName() string { return c.kind.dir + "/" + c.fullName + c.kind.suffix }

func (c component) id() string { return makeID(c.kind.idPrefix, c.index+1) }

// componentAt returns the i-th component, the same for every deployment.
func componentAt(i int) component {
	k := kinds[i%len(kinds)]
	return component{index: i, kind: k, fullName: baseName(i) + k.nameAfter}
}

// baseName is the i-th business noun: Account, Contact, …, then Account2, Contact2, ….
func baseName(i int) string {
	base := baseNames[i%len(baseNames)]
	if round := i / len(baseNames); round > 0 {
		base += strconv.Itoa(round + 1)
	}
	return base
}

// apexTest is one Apex test method a deployment runs.
type apexTest struct {
	index  int
	class  string
	method string
}

var testMethods = []string{"testCreate", "testUpdate", "testDelete"}

// testAt returns the i-th test method, the same for every deployment.
func testAt(i int) apexTest {
	class := baseName(i/len(testMethods)) + "ServiceTest"
	return apexTest{index: i, class: class, method: testMethods[i%len(testMethods)]}
}

func (t apexTest) classID() string { return makeID("01p5g00001", t.index/len(testMethods)+1) }

// millis is the test's run time in milliseconds.
func (t apexTest) millis() float64 { return float64(40 + 11*t.index) }

func (t apexTest) line() int { return 12 + 3*(t.index%len(testMethods)) }
