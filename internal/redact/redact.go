// Package redact keeps secrets out of everything a command writes.
package redact

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret in output.
const Mask = "***"

// minSecretLen is the shortest value worth redacting; shorter ones would mangle output.
const minSecretLen = 4

// Secrets is a set of values that must never be written.
type Secrets struct {
	mu     sync.RWMutex
	values []string
}

// Add records secrets; each line of a multi-line value is recorded too.
func (s *Secrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		for _, part := range append([]string{v}, strings.Split(v, "\n")...) {
			part = strings.TrimSpace(part)
			if len(part) >= minSecretLen && !s.has(part) {
				s.values = append(s.values, part)
			}
		}
	}
	sort.Slice(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
}

func (s *Secrets) has(v string) bool {
	for _, existing := range s.values {
		if existing == v {
			return true
		}
	}
	return false
}

// Values returns the recorded secrets, longest first.
func (s *Secrets) Values() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.values...)
}

// String replaces every secret in text with Mask.
func (s *Secrets) String(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		text = strings.ReplaceAll(text, v, Mask)
	}
	return text
}

// Writer returns a writer that redacts each write before passing it on to w.
// A write is redacted whole, so callers should write whole lines.
func (s *Secrets) Writer(w io.Writer) io.Writer { return &writer{s: s, w: w} }

type writer struct {
	s *Secrets
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	clean := w.s.String(string(p))
	if clean == string(p) {
		return w.w.Write(p)
	}
	if _, err := io.Copy(w.w, bytes.NewBufferString(clean)); err != nil {
		return 0, err
	}
	return len(p), nil
}
