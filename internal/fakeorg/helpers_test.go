package fakeorg

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"
)

const testAPI = "/services/data/v62.0/metadata/deployRequest"

// startOrg starts an org over plain HTTP and closes it when the test ends.
func startOrg(t *testing.T, opts Options) *Org {
	t.Helper()
	org := New(opts)
	org.Start()
	t.Cleanup(org.Close)
	return org
}

// makeZip builds a zip holding the named files, each with a little content.
func makeZip(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatalf("create zip entry %q: %v", name, err)
		}
		_, _ = io.WriteString(w, "content of "+name)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// part is one part of a multipart body.
type part struct {
	name, filename, contentType string
	body                        []byte
}

func jsonPart(s string) part {
	return part{name: "json", contentType: "application/json", body: []byte(s)}
}

func filePart(zipData []byte) part {
	return part{name: "file", filename: "deploy.zip", contentType: "application/zip",
		body: zipData}
}

// multipartBody encodes parts and returns the body and its Content-Type.
func multipartBody(t *testing.T, parts ...part) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := `form-data; name="` + p.name + `"`
		if p.filename != "" {
			disp += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", disp)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatalf("create part: %v", err)
		}
		_, _ = w.Write(p.body)
	}
	if err := mw.Close(); err != nil {
		t.Fatalf("close multipart: %v", err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// call sends one request with the org's access token and returns the status and raw body.
func call(t *testing.T, org *Org, method, path, contentType string, body []byte) (int, []byte) {
	t.Helper()
	resp := send(t, org, method, path, contentType, body, "Bearer "+org.AccessToken())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// send sends one request with the given Authorization header ("" for none).
func send(t *testing.T, org *Org, method, path, contentType string, body []byte,
	auth string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, org.URL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := org.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// startDeploy posts a valid deployment with the given deployOptions JSON and returns its id.
func startDeploy(t *testing.T, org *Org, options string) string {
	t.Helper()
	body, ct := multipartBody(t, jsonPart(`{"deployOptions":`+options+`}`),
		filePart(makeZip(t, "package.xml", "classes/AccountService.cls")))
	status, b := call(t, org, http.MethodPost, testAPI, ct, body)
	if status != http.StatusCreated {
		t.Fatalf("start deployment: status %d, body %s", status, b)
	}
	return decode(t, b)["id"].(string)
}

// poll GETs the deployment once and returns its deployResult.
func poll(t *testing.T, org *Org, id string, details bool) map[string]any {
	t.Helper()
	path := testAPI + "/" + id
	if details {
		path += "?includeDetails=true"
	}
	status, b := call(t, org, http.MethodGet, path, "", nil)
	if status != http.StatusOK {
		t.Fatalf("poll %s: status %d, body %s", id, status, b)
	}
	return decode(t, b)["deployResult"].(map[string]any)
}

// decode parses a JSON object, keeping numbers as float64 as any client would see them.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return m
}

// errorCode returns the errorCode of a REST error array.
func errorCode(t *testing.T, b []byte) string {
	t.Helper()
	var errs []struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if err := json.Unmarshal(b, &errs); err != nil || len(errs) != 1 || errs[0].Message == "" {
		t.Fatalf("want an error array of one, got %s (%v)", b, err)
	}
	return errs[0].ErrorCode
}

func num(v any) int { f, _ := v.(float64); return int(f) }

func list(v any) []any { l, _ := v.([]any); return l }
