package source

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// benchMix is how many components of each kind the benchmark project holds: 5,000 in all,
// as package.xml counts them (an object's fields, list views and validation rules count).
var benchMix = struct {
	classes, triggers, pages, lwc, aura, objects, fieldsPerObject, viewsPerObject,
	rulesPerObject, labels, layouts, flows, permsets, resources, reportFolders,
	reportsPerFolder int
}{classes: 1609, triggers: 100, pages: 100, lwc: 200, aura: 50, objects: 50,
	fieldsPerObject: 30, viewsPerObject: 2, rulesPerObject: 2, labels: 600, layouts: 200,
	flows: 100, permsets: 50, resources: 40, reportFolders: 10, reportsPerFolder: 19}

// lwcJS is every benchmark component's JavaScript.
const lwcJS = "import { LightningElement } from 'lwc';\n" +
	"export default class Card extends LightningElement {}\n"

// benchComponents is the number of components generateProject writes.
const benchComponents = 5000

// generateProject writes a source-format project of benchComponents components under dir.
func generateProject(t testing.TB, dir string) {
	t.Helper()
	m := benchMix
	files := map[string]string{"sfdx-project.json": `{"packageDirectories": ` +
		`[{"path": "force-app", "default": true}], "sourceApiVersion": "62.0"}`,
		".forceignore": "**/__tests__/**\n**/jsconfig.json\n"}
	d := "force-app/main/default/"
	body := strings.Repeat("    // Keeps the invoices of an account in step with its orders.\n", 20)
	for i := range m.classes {
		name := fmt.Sprintf("Service%04d", i)
		files[d+"classes/"+name+".cls"] = "public class " + name + " {\n" + body + "}\n"
		files[d+"classes/"+name+".cls-meta.xml"] = md("ApexClass",
			"<apiVersion>62.0</apiVersion><status>Active</status>")
	}
	for i := range m.triggers {
		name := fmt.Sprintf("Trigger%03d", i)
		files[d+"triggers/"+name+".trigger"] = "trigger " + name + " on Account (after insert) {}\n"
		files[d+"triggers/"+name+".trigger-meta.xml"] = md("ApexTrigger",
			"<apiVersion>62.0</apiVersion><status>Active</status>")
	}
	for i := range m.pages {
		name := fmt.Sprintf("Page%03d", i)
		files[d+"pages/"+name+".page"] = "<apex:page>\n    <h1>" + name + "</h1>\n</apex:page>\n"
		files[d+"pages/"+name+".page-meta.xml"] = md("ApexPage",
			"<apiVersion>62.0</apiVersion><label>"+name+"</label>")
	}
	for i := range m.lwc {
		name := fmt.Sprintf("card%03d", i)
		b := d + "lwc/" + name + "/" + name
		files[b+".js"] = lwcJS
		files[b+".html"] = "<template>\n    <p>" + name + "</p>\n</template>\n"
		files[b+".css"] = ":host { display: block; }\n"
		files[b+".js-meta.xml"] = md("LightningComponentBundle",
			"<apiVersion>62.0</apiVersion><isExposed>false</isExposed>")
	}
	for i := range m.aura {
		name := fmt.Sprintf("legacy%02d", i)
		b := d + "aura/" + name + "/" + name
		files[b+".cmp"] = "<aura:component>\n    <p>" + name + "</p>\n</aura:component>\n"
		files[b+".cmp-meta.xml"] = md("AuraDefinitionBundle", "<apiVersion>62.0</apiVersion>")
		files[b+"Controller.js"] = "({ init: function () {} })\n"
	}
	generateObjects(files, d)
	generateRest(files, d)
	writeTree(t, dir, files)
}

// generateObjects adds the benchmark project's objects and their children.
func generateObjects(files map[string]string, d string) {
	m := benchMix
	for i := range m.objects {
		obj := fmt.Sprintf("Object%02d__c", i)
		o := d + "objects/" + obj + "/"
		files[o+obj+".object-meta.xml"] = md("CustomObject", "<deploymentStatus>Deployed"+
			"</deploymentStatus><label>"+obj+"</label><pluralLabel>"+obj+"s</pluralLabel>"+
			"<nameField><label>Name</label><type>Text</type></nameField>"+
			"<sharingModel>ReadWrite</sharingModel>")
		for j := range m.fieldsPerObject {
			f := fmt.Sprintf("Field%02d__c", j)
			files[o+"fields/"+f+".field-meta.xml"] = md("CustomField", "<fullName>"+f+
				"</fullName><label>"+f+"</label><length>80</length><type>Text</type>")
		}
		for j := range m.viewsPerObject {
			v := fmt.Sprintf("View%d", j)
			files[o+"listViews/"+v+".listView-meta.xml"] = md("ListView", "<fullName>"+v+
				"</fullName><filterScope>Everything</filterScope><label>"+v+"</label>")
		}
		for j := range m.rulesPerObject {
			r := fmt.Sprintf("Rule%d", j)
			files[o+"validationRules/"+r+".validationRule-meta.xml"] = md("ValidationRule",
				"<fullName>"+r+"</fullName><active>true</active><errorConditionFormula>"+
					"ISBLANK(Field00__c)</errorConditionFormula><errorMessage>Required"+
					"</errorMessage>")
		}
	}
}

// generateRest adds the benchmark project's labels, layouts, flows, permission sets, static
// resources and reports.
func generateRest(files map[string]string, d string) {
	m := benchMix
	var labels strings.Builder
	for i := range m.labels {
		fmt.Fprintf(&labels, "<labels><fullName>Label%03d</fullName><language>en_US"+
			"</language><protected>false</protected><shortDescription>Label %d"+
			"</shortDescription><value>Text %d</value></labels>\n", m.labels-1-i, i, i)
	}
	files[d+"labels/CustomLabels.labels-meta.xml"] = md("CustomLabels", labels.String())
	for i := range m.layouts {
		files[d+fmt.Sprintf("layouts/Object%02d__c-Layout %d.layout-meta.xml", i%m.objects,
			i)] = md("Layout", "<layoutSections><label>Main</label></layoutSections>")
	}
	for i := range m.flows {
		files[d+fmt.Sprintf("flows/Flow%03d.flow-meta.xml", i)] = md("Flow",
			"<apiVersion>62.0</apiVersion><label>Flow</label><status>Draft</status>")
	}
	for i := range m.permsets {
		files[d+fmt.Sprintf("permissionsets/Perm%02d.permissionset-meta.xml", i)] = md(
			"PermissionSet", "<label>Perm</label>")
	}
	for i := range m.resources {
		name := fmt.Sprintf("res%02d", i)
		sr := d + "staticresources/" + name
		contentType := "application/javascript"
		if i%2 == 0 {
			contentType = "application/zip"
			files[sr+"/js/app.js"] = "window.app = {};\n"
			files[sr+"/css/app.css"] = "body { margin: 0; }\n"
		} else {
			files[sr+".js"] = "window." + name + " = {};\n"
		}
		files[sr+".resource-meta.xml"] = md("StaticResource", "<cacheControl>Private"+
			"</cacheControl><contentType>"+contentType+"</contentType>")
	}
	for i := range m.reportFolders {
		folder := fmt.Sprintf("Folder%02d", i)
		files[d+"reports/"+folder+".reportFolder-meta.xml"] = md("ReportFolder",
			"<name>"+folder+"</name>")
		for j := range m.reportsPerFolder {
			files[d+fmt.Sprintf("reports/%s/Report%02d.report-meta.xml", folder, j)] = md(
				"Report", "<format>Tabular</format><name>Report</name>")
		}
	}
}

func TestBenchmarkProjectHas5000Components(t *testing.T) {
	dir := t.TempDir()
	generateProject(t, dir)
	res, err := ConvertToZip(Options{SourceDirs: []string{dir}, APIVersion: "62.0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Components != benchComponents {
		t.Errorf("the benchmark project has %d components, want %d", res.Components,
			benchComponents)
	}
}

// BenchmarkConvertToZip converts and zips the 5,000-component project.
func BenchmarkConvertToZip(b *testing.B) {
	dir := b.TempDir()
	generateProject(b, dir)
	out := filepath.Join(b.TempDir(), "deploy.zip")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ConvertToZipFile(Options{SourceDirs: []string{dir}, APIVersion: "62.0"},
			out); err != nil {
			b.Fatal(err)
		}
	}
}
