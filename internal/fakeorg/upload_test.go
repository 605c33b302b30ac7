package fakeorg

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
)

func TestUploadValidation(t *testing.T) {
	root := makeZip(t, "package.xml", "classes/AccountService.cls")
	nested := makeZip(t, "unpackaged/package.xml", "unpackaged/classes/AccountService.cls")
	opts := func(s string) part { return jsonPart(`{"deployOptions":` + s + `}`) }
	single := opts(`{"singlePackage":true}`)

	tests := []struct {
		name    string
		version string
		parts   []part
		ct      string // overrides the multipart Content-Type
		status  int
		code    string
	}{
		{name: "root package", parts: []part{single, filePart(root)}, status: 201},
		{name: "nested package", parts: []part{opts(`{}`), filePart(nested)}, status: 201},
		{name: "file first", parts: []part{filePart(root), single}, status: 201},
		{name: "every option", status: 201, parts: []part{opts(`{"allowMissingFiles":false,
			"autoUpdatePackage":false,"checkOnly":true,"ignoreWarnings":true,
			"performRetrieve":false,"purgeOnDelete":false,"rollbackOnError":true,
			"runTests":["AccountServiceTest"],"singlePackage":true,
			"testLevel":"RunSpecifiedTests"}`), filePart(root)}},
		{name: "not multipart", parts: []part{single, filePart(root)},
			ct: "application/json", status: 400, code: "INVALID_MULTIPART_REQUEST"},
		{name: "no json part", parts: []part{filePart(root)}, status: 400,
			code: "INVALID_MULTIPART_REQUEST"},
		{name: "no file part", parts: []part{single}, status: 400,
			code: "INVALID_MULTIPART_REQUEST"},
		{name: "json part as text", status: 400, code: "INVALID_MULTIPART_REQUEST",
			parts: []part{{name: "json", contentType: "text/plain",
				body: []byte(`{"deployOptions":{}}`)}, filePart(root)}},
		{name: "file part as octet-stream", status: 400, code: "INVALID_MULTIPART_REQUEST",
			parts: []part{single, {name: "file", filename: "deploy.zip",
				contentType: "application/octet-stream", body: root}}},
		{name: "file part without filename", status: 400, code: "INVALID_MULTIPART_REQUEST",
			parts: []part{single, {name: "file", contentType: "application/zip", body: root}}},
		{name: "json part twice", parts: []part{single, single, filePart(root)}, status: 400,
			code: "INVALID_MULTIPART_REQUEST"},
		{name: "unknown part", status: 400, code: "INVALID_MULTIPART_REQUEST",
			parts: []part{single, filePart(root), {name: "extra", body: []byte("x")}}},
		{name: "json not json", parts: []part{jsonPart(`{deployOptions`), filePart(root)},
			status: 400, code: "JSON_PARSER_ERROR"},
		{name: "no deployOptions", parts: []part{jsonPart(`{}`), filePart(root)},
			status: 400, code: "JSON_PARSER_ERROR"},
		{name: "unknown option", parts: []part{opts(`{"checkonly":true}`), filePart(root)},
			status: 400, code: "JSON_PARSER_ERROR"},
		{name: "quoted boolean", parts: []part{opts(`{"checkOnly":"true"}`), filePart(root)},
			status: 400, code: "JSON_PARSER_ERROR"},
		{name: "trailing data", parts: []part{jsonPart(`{"deployOptions":{}} {}`),
			filePart(root)}, status: 400, code: "JSON_PARSER_ERROR"},
		{name: "bad testLevel", parts: []part{opts(`{"testLevel":"RunLocal"}`),
			filePart(root)}, status: 400, code: "JSON_PARSER_ERROR"},
		{name: "runTests without RunSpecifiedTests", status: 400, code: "INVALID_OPERATION",
			parts: []part{opts(`{"testLevel":"RunLocalTests","runTests":["A"]}`),
				filePart(root)}},
		{name: "RunSpecifiedTests without runTests", status: 400, code: "INVALID_OPERATION",
			parts: []part{opts(`{"testLevel":"RunSpecifiedTests"}`), filePart(root)}},
		{name: "RunRelevantTests before 66.0", status: 400, code: "INVALID_OPERATION",
			parts: []part{opts(`{"testLevel":"RunRelevantTests"}`), filePart(root)}},
		{name: "RunRelevantTests on 66.0", version: "v66.0", status: 201,
			parts: []part{opts(`{"testLevel":"RunRelevantTests"}`), filePart(root)}},
		{name: "not a zip", parts: []part{single, filePart([]byte("PK not really"))},
			status: 400, code: "INVALID_MULTIPART_REQUEST"},
		{name: "singlePackage with nested package.xml", parts: []part{single, filePart(nested)},
			status: 400, code: "INVALID_MULTIPART_REQUEST"},
		{name: "no package.xml", status: 400, code: "INVALID_MULTIPART_REQUEST",
			parts: []part{opts(`{}`), filePart(makeZip(t, "classes/A.cls"))}},
		{name: "parent path in zip", status: 400, code: "INVALID_MULTIPART_REQUEST",
			parts: []part{single, filePart(makeZip(t, "package.xml", "../evil.cls"))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := startOrg(t, Options{})
			body, ct := multipartBody(t, tc.parts...)
			if tc.ct != "" {
				ct = tc.ct
			}
			path := testAPI
			if tc.version != "" {
				path = "/services/data/" + tc.version + "/metadata/deployRequest"
			}
			status, b := call(t, org, http.MethodPost, path, ct, body)
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %s", status, tc.status, b)
			}
			if tc.code != "" {
				if got := errorCode(t, b); got != tc.code {
					t.Errorf("errorCode %q, want %q", got, tc.code)
				}
			}
			want := 0
			if status == http.StatusCreated {
				want = 1
			}
			if got := len(org.Deployments()); got != want {
				t.Errorf("%d deployments recorded, want %d", got, want)
			}
		})
	}
}

func TestCreateAnswer(t *testing.T) {
	org := startOrg(t, Options{})
	options := `{"checkOnly":true,"rollbackOnError":true,"singlePackage":true,` +
		`"testLevel":"RunSpecifiedTests","runTests":["AccountServiceTest"]}`
	body, ct := multipartBody(t, jsonPart(`{"deployOptions":`+options+`}`),
		filePart(makeZip(t, "package.xml", "classes/", "classes/AccountService.cls")))
	status, b := call(t, org, http.MethodPost, testAPI, ct, body)
	if status != http.StatusCreated {
		t.Fatalf("status %d, body %s", status, b)
	}

	m := decode(t, b)
	id, _ := m["id"].(string)
	if !regexp.MustCompile(`^0Af[0-9A-Za-z]{15}$`).MatchString(id) {
		t.Errorf("id %q is not an 18-character deployment id", id)
	}
	res := m["deployResult"].(map[string]any)
	if res["id"] != id || res["status"] != "Pending" || res["done"] != false {
		t.Errorf("deployResult %v, want %s Pending not done", res, id)
	}
	if res["completedDate"] != nil || res["startDate"] != nil {
		t.Errorf("a pending deployment has dates %v and %v",
			res["startDate"], res["completedDate"])
	}
	if res["createdDate"] != "2026-11-30T10:15:00.000+0000" {
		t.Errorf("createdDate %v", res["createdDate"])
	}
	echo := m["deployOptions"].(map[string]any)
	if echo["checkOnly"] != true || echo["testLevel"] != "RunSpecifiedTests" ||
		echo["purgeOnDelete"] != false {
		t.Errorf("deployOptions echo %v", echo)
	}

	got := org.Deployments()
	if len(got) != 1 {
		t.Fatalf("%d deployments recorded, want 1", len(got))
	}
	d := got[0]
	wantFiles := []string{"package.xml", "classes/AccountService.cls"}
	if d.ID != id || d.APIVersion != "62.0" || d.FileName != "deploy.zip" ||
		!slices.Equal(d.Files, wantFiles) || !d.Options.CheckOnly ||
		!slices.Equal(d.Options.RunTests, []string{"AccountServiceTest"}) {
		t.Errorf("recorded %+v", d)
	}
}
