package redact

import (
	"bytes"
	"fmt"
	"testing"
)

func TestWriterRedacts(t *testing.T) {
	var s Secrets
	s.Add("00D5g000004Xyz!AQ8AQJ.secret.token", "short", "ab")
	s.Add("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----")
	var buf bytes.Buffer
	w := s.Writer(&buf)
	fmt.Fprintf(w, "token=00D5g000004Xyz!AQ8AQJ.secret.token key line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC ab\n")
	got := buf.String()
	want := "token=*** key line *** ab\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if s.String("a short word") != "a *** word" {
		t.Errorf("secrets of four characters or more are redacted")
	}
}

func TestLongestFirst(t *testing.T) {
	var s Secrets
	s.Add("abcd", "abcdefgh")
	if got := s.String("xabcdefghx"); got != "x***x" {
		t.Errorf("got %q", got)
	}
}
