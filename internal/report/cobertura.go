package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// coberturaDoctype names the DTD that Cobertura readers expect.
const coberturaDoctype = `<!DOCTYPE coverage SYSTEM ` +
	`"http://cobertura.sourceforge.net/xml/coverage-04.dtd">` + "\n"

// coberturaPackage is the one package every Apex class and trigger is reported in.
const coberturaPackage = "apex"

type coberturaCoverage struct {
	XMLName         xml.Name          `xml:"coverage"`
	LineRate        string            `xml:"line-rate,attr"`
	BranchRate      string            `xml:"branch-rate,attr"`
	LinesCovered    int               `xml:"lines-covered,attr"`
	LinesValid      int               `xml:"lines-valid,attr"`
	BranchesCovered int               `xml:"branches-covered,attr"`
	BranchesValid   int               `xml:"branches-valid,attr"`
	Complexity      int               `xml:"complexity,attr"`
	Version         string            `xml:"version,attr"`
	Timestamp       int64             `xml:"timestamp,attr"`
	Packages        coberturaPackages `xml:"packages"`
}

type coberturaPackages struct {
	Packages []coberturaPkg `xml:"package"`
}

type coberturaPkg struct {
	Name       string           `xml:"name,attr"`
	LineRate   string           `xml:"line-rate,attr"`
	BranchRate string           `xml:"branch-rate,attr"`
	Complexity int              `xml:"complexity,attr"`
	Classes    coberturaClasses `xml:"classes"`
}

type coberturaClasses struct {
	Classes []coberturaClass `xml:"class"`
}

type coberturaClass struct {
	Name       string         `xml:"name,attr"`
	Filename   string         `xml:"filename,attr"`
	LineRate   string         `xml:"line-rate,attr"`
	BranchRate string         `xml:"branch-rate,attr"`
	Complexity int            `xml:"complexity,attr"`
	Methods    struct{}       `xml:"methods"`
	Lines      coberturaLines `xml:"lines"`
}

type coberturaLines struct {
	Lines []coberturaLine `xml:"line"`
}

type coberturaLine struct {
	Number int `xml:"number,attr"`
	Hits   int `xml:"hits,attr"`
}

// WriteCobertura writes the deployment's Apex code coverage as Cobertura XML, one class per
// codeCoverage entry in a single package "apex", with file names under sourceRoot (a path such
// as "force-app/main/default", or ""). The timestamp is the deployment's completion time.
//
// The API gives each class's number of coverable lines and the list of uncovered ones, but not
// which lines were covered: only the uncovered lines are listed (hits="0"), while the class's
// line-rate and the lines-covered and lines-valid totals count every line. Readers that compute
// coverage from the listed lines alone will see 0% for every class. Listing covered lines needs
// their numbers, which a deployment result lacks (the Tooling API's ApexCodeCoverageAggregate
// has them).
// No branch coverage exists for Apex, so branch figures are zero.
func WriteCobertura(w io.Writer, r salesforce.DeployResult, sourceRoot string) error {
	covered, valid := coverageTotals(r)
	doc := coberturaCoverage{
		LineRate:     rate(covered, valid),
		BranchRate:   "0",
		LinesCovered: covered,
		LinesValid:   valid,
		Version:      "sf-async-deploy",
		Timestamp:    coberturaTimestamp(r),
	}

	var classes []coberturaClass
	for _, c := range coverage(r) {
		classes = append(classes, coberturaClassOf(c, sourceRoot))
	}
	slices.SortStableFunc(classes, func(a, b coberturaClass) int {
		return strings.Compare(a.Filename, b.Filename)
	})
	if len(classes) > 0 {
		doc.Packages.Packages = []coberturaPkg{{
			Name:       coberturaPackage,
			LineRate:   doc.LineRate,
			BranchRate: "0",
			Classes:    coberturaClasses{Classes: classes},
		}}
	}

	if err := writeXML(w, xml.Header+coberturaDoctype, doc); err != nil {
		return fmt.Errorf("write cobertura: %w", err)
	}
	return nil
}

// coberturaClassOf returns one class or trigger's coverage, its uncovered lines in order.
func coberturaClassOf(c salesforce.CodeCoverage, sourceRoot string) coberturaClass {
	covered, valid := lineCounts(c)
	var numbers []int
	for _, l := range c.LocationsNotCovered {
		if l.Line > 0 {
			numbers = append(numbers, l.Line)
		}
	}
	slices.Sort(numbers)
	numbers = slices.Compact(numbers)

	lines := make([]coberturaLine, len(numbers))
	for i, n := range numbers {
		lines[i] = coberturaLine{Number: n}
	}
	return coberturaClass{
		Name:       qualified(c.Namespace, c.Name),
		Filename:   sourcePath(sourceRoot, c.Type, c.Name),
		LineRate:   rate(covered, valid),
		BranchRate: "0",
		Lines:      coberturaLines{Lines: lines},
	}
}

// sourcePath returns where an Apex class or trigger lives in a source tree rooted at root:
// triggers/NAME.trigger for a trigger and classes/NAME.cls for anything else.
func sourcePath(root, kind, name string) string {
	if kind == "Trigger" {
		return path.Join(root, "triggers", name+".trigger")
	}
	return path.Join(root, "classes", name+".cls")
}

// rate formats covered/valid to four decimals, and 1 when nothing is coverable.
func rate(covered, valid int) string {
	if valid <= 0 {
		return "1"
	}
	r := math.Round(1e4*float64(covered)/float64(valid)) / 1e4
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// coberturaTimestamp is the deployment's completion in milliseconds since the epoch, falling
// back to its last modification, and 0 when neither is known.
func coberturaTimestamp(r salesforce.DeployResult) int64 {
	for _, t := range []salesforce.Time{r.CompletedDate, r.LastModifiedDate} {
		if !t.IsZero() {
			return t.UnixMilli()
		}
	}
	return 0
}
