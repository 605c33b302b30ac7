package source

// strategy says how a metadata type's source files become metadata-format files.
type strategy int

const (
	// xmlOnly: DIR/NAME.SUFFIX-meta.xml becomes DIR/NAME.SUFFIX.
	xmlOnly strategy = iota
	// matchingContent: NAME.SUFFIX and NAME.SUFFIX-meta.xml are copied as they are.
	matchingContent
	// bundle: the folder DIR/NAME is copied as it is, its NAME.*-meta.xml included.
	bundle
	// staticResource: NAME.resource-meta.xml plus a file, copied, or a folder, zipped, as
	// NAME.resource.
	staticResource
	// decomposed: DIR/NAME/NAME.SUFFIX-meta.xml and its children's files, anywhere under
	// DIR/NAME, are merged into DIR/NAME.SUFFIX.
	decomposed
	// labels: every NAME.labels-meta.xml is merged into labels/CustomLabels.labels.
	labels
	// folder: DIR/PATH/NAME.SUFFIX-meta.xml becomes DIR/PATH/NAME-meta.xml.
	folder
	// inFolder: DIR/FOLDER/NAME.SUFFIX-meta.xml becomes DIR/FOLDER/NAME.SUFFIX, with the
	// content file DIR/FOLDER/NAME.SUFFIX copied alongside when the type has one.
	inFolder
)

// metaType holds the facts about one supported metadata type.
type metaType struct {
	name     string // the Metadata API type name, as package.xml writes it
	dir      string // the folder of its files, in both formats
	suffix   string // the file suffix, without the dot; empty for bundles
	strategy strategy
	// wildcardAndName: package.xml may list "*" and names together for this type.
	wildcardAndName bool
	// content: an inFolder type whose items have a content file beside the -meta.xml.
	content bool
	// folderOf names the inFolder type a folder type holds; folderType the reverse.
	folderOf, folderType string
	// slash: folder members are written "NAME/" in package.xml (reports and dashboards).
	slash bool
	// rootSuffix: a bundle's own -meta.xml is NAME.ROOTSUFFIX-meta.xml; any when empty.
	rootSuffix string
}

// childType is a type whose components live inside a parent's metadata-format file.
type childType struct {
	name    string // the Metadata API type name
	suffix  string // the suffix of its source file, NAME.SUFFIX-meta.xml
	element string // the parent's element that holds it
	// wildcardAndName as for metaType.
	wildcardAndName bool
}

// The supported types, after @salesforce/source-deploy-retrieve's metadata registry.
var types = []*metaType{
	{name: "ApexClass", dir: "classes", suffix: "cls", strategy: matchingContent,
		wildcardAndName: true},
	{name: "ApexTrigger", dir: "triggers", suffix: "trigger", strategy: matchingContent},
	{name: "ApexPage", dir: "pages", suffix: "page", strategy: matchingContent,
		wildcardAndName: true},
	{name: "ApexComponent", dir: "components", suffix: "component", strategy: matchingContent},
	{name: "LightningComponentBundle", dir: "lwc", strategy: bundle, rootSuffix: "js"},
	{name: "AuraDefinitionBundle", dir: "aura", strategy: bundle},
	{name: "StaticResource", dir: "staticresources", suffix: "resource",
		strategy: staticResource},
	{name: "CustomObject", dir: "objects", suffix: "object", strategy: decomposed,
		wildcardAndName: true},
	{name: "CustomLabels", dir: "labels", suffix: "labels", strategy: labels},
	{name: "Layout", dir: "layouts", suffix: "layout", wildcardAndName: true},
	{name: "Flow", dir: "flows", suffix: "flow", wildcardAndName: true},
	{name: "FlexiPage", dir: "flexipages", suffix: "flexipage"},
	{name: "PermissionSet", dir: "permissionsets", suffix: "permissionset"},
	{name: "PermissionSetGroup", dir: "permissionsetgroups", suffix: "permissionsetgroup"},
	{name: "Profile", dir: "profiles", suffix: "profile"},
	{name: "CustomTab", dir: "tabs", suffix: "tab", wildcardAndName: true},
	{name: "CustomApplication", dir: "applications", suffix: "app", wildcardAndName: true},
	{name: "CustomMetadata", dir: "customMetadata", suffix: "md", wildcardAndName: true},
	{name: "NamedCredential", dir: "namedCredentials", suffix: "namedCredential"},
	{name: "RemoteSiteSetting", dir: "remoteSiteSettings", suffix: "remoteSite",
		wildcardAndName: true},
	{name: "CustomPermission", dir: "customPermissions", suffix: "customPermission"},
	{name: "GlobalValueSet", dir: "globalValueSets", suffix: "globalValueSet",
		wildcardAndName: true},
	{name: "EmailTemplate", dir: "email", suffix: "email", strategy: inFolder, content: true,
		folderType: "EmailFolder"},
	{name: "EmailFolder", dir: "email", suffix: "emailFolder", strategy: folder,
		folderOf: "EmailTemplate"},
	{name: "Report", dir: "reports", suffix: "report", strategy: inFolder,
		folderType: "ReportFolder"},
	{name: "ReportFolder", dir: "reports", suffix: "reportFolder", strategy: folder,
		folderOf: "Report", slash: true},
	{name: "Dashboard", dir: "dashboards", suffix: "dashboard", strategy: inFolder,
		folderType: "DashboardFolder"},
	{name: "DashboardFolder", dir: "dashboards", suffix: "dashboardFolder", strategy: folder,
		folderOf: "Dashboard", slash: true},
}

// objectChildren are CustomObject's child types, decomposed into one file each.
var objectChildren = []*childType{
	{name: "BusinessProcess", suffix: "businessProcess", element: "businessProcesses"},
	{name: "CompactLayout", suffix: "compactLayout", element: "compactLayouts"},
	{name: "CustomField", suffix: "field", element: "fields"},
	{name: "FieldSet", suffix: "fieldSet", element: "fieldSets"},
	{name: "ListView", suffix: "listView", element: "listViews"},
	{name: "RecordType", suffix: "recordType", element: "recordTypes"},
	{name: "SharingReason", suffix: "sharingReason", element: "sharingReasons"},
	{name: "ValidationRule", suffix: "validationRule", element: "validationRules"},
	{name: "WebLink", suffix: "webLink", element: "webLinks"},
}

// labelType is CustomLabels' child type: the labels stay inside their parent's files.
var labelType = &childType{name: "CustomLabel", suffix: "labels", element: "labels",
	wildcardAndName: true}

// labelsName is the one CustomLabels component's name, whatever its files are called.
const labelsName = "CustomLabels"

// registry indexes the type table.
type registry struct {
	bySuffix map[string]*metaType   // the types found by suffix outside layout folders
	byName   map[string]*metaType   // every type, by Metadata API name
	children map[string]*childType  // CustomObject's children, by suffix
	childOf  map[string]*childType  // every child type, by name
	byDir    map[string][]*metaType // the types found by folder, not by suffix
}

// reg is the index of the supported types.
var reg = newRegistry()

// newRegistry builds the indexes of the type table.
func newRegistry() *registry {
	r := &registry{bySuffix: map[string]*metaType{}, byName: map[string]*metaType{},
		children: map[string]*childType{}, childOf: map[string]*childType{},
		byDir: map[string][]*metaType{}}
	for _, t := range types {
		r.byName[t.name] = t
		switch t.strategy {
		case xmlOnly, matchingContent, labels:
			r.bySuffix[t.suffix] = t
		default:
			r.byDir[t.dir] = append(r.byDir[t.dir], t)
		}
	}
	r.byName["EmailTemplateFolder"] = r.byName["EmailFolder"] // an alias the API accepts
	for _, c := range objectChildren {
		r.children[c.suffix] = c
		r.childOf[c.name] = c
	}
	r.childOf[labelType.name] = labelType
	return r
}

// folderType returns the folder type of an inFolder type, or the type itself for a folder.
func (r *registry) folderType(t *metaType) *metaType {
	if t.folderType != "" {
		return r.byName[t.folderType]
	}
	return t
}

// itemType returns the inFolder type a folder type holds, or the type itself for an item.
func (r *registry) itemType(t *metaType) *metaType {
	if t.folderOf != "" {
		return r.byName[t.folderOf]
	}
	return t
}

// typesOfDir returns the folder and item types of an inFolder folder such as reports.
func (r *registry) typesOfDir(dir string) (item, fold *metaType) {
	for _, t := range r.byDir[dir] {
		switch t.strategy {
		case inFolder:
			item = t
		case folder:
			fold = t
		}
	}
	return item, fold
}
