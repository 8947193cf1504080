// Package redact replaces known secrets (API tokens, passwords, connector tokens) in text that
// leaves the program: error strings, log records, stdout, stderr, result and journal files. It
// is the one place that decides what a secret looks like once written out, so that a server
// echoing a request back cannot make the program print what it was given to keep.
package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Marker replaces every secret.
const Marker = "[REDACTED]"

// MinLen is the shortest secret redacted: replacing one or two characters everywhere would
// garble every output and protect nothing (a secret that short is guessed, not leaked).
const MinLen = 3

// Set is a set of secrets, safe for concurrent use. The zero value is an empty set.
type Set struct {
	mu       sync.RWMutex
	secrets  []string // every written form of every secret, longest first
	replacer *strings.Replacer
	maxLen   int
}

// Add adds secrets to the set, with the forms they take once written: as given, JSON-escaped
// (without quotes) and URL-escaped. Secrets shorter than MinLen are ignored.
func (s *Set) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, secret := range secrets {
		if len(secret) < MinLen {
			continue
		}
		for _, form := range forms(secret) {
			if !slices.Contains(s.secrets, form) {
				s.secrets = append(s.secrets, form)
				s.maxLen = max(s.maxLen, len(form))
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortFunc(s.secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(s.secrets))
	for _, f := range s.secrets {
		pairs = append(pairs, f, Marker)
	}
	s.replacer = strings.NewReplacer(pairs...)
}

// forms returns the ways secret can appear in output.
func forms(secret string) []string {
	out := []string{secret}
	if b, err := json.Marshal(secret); err == nil {
		if j := string(b[1 : len(b)-1]); j != secret {
			out = append(out, j)
		}
	}
	for _, e := range []string{url.QueryEscape(secret), url.PathEscape(secret)} {
		if e != secret && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Empty reports whether the set holds no secret.
func (s *Set) Empty() bool {
	if s == nil {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.replacer == nil
}

// String returns in with every secret of the set replaced by Marker. A nil set returns in.
func (s *Set) String(in string) string {
	if s == nil {
		return in
	}
	s.mu.RLock()
	r := s.replacer
	s.mu.RUnlock()
	if r == nil {
		return in
	}
	return r.Replace(in)
}

// Bytes is String for a byte slice; it returns b itself when nothing was replaced.
func (s *Set) Bytes(b []byte) []byte {
	if s.Empty() {
		return b
	}
	out := s.String(string(b))
	if len(out) == len(b) && out == string(b) {
		return b
	}
	return []byte(out)
}

// longest returns the length of the longest written form of a secret.
func (s *Set) longest() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.maxLen
}

// Writer returns a writer that writes to w with every secret of s replaced. Output is passed on
// at line ends ('\n' or '\r': secrets never hold control characters), so a secret split across
// two Writes is still found; a line longer than 64 KiB is passed on in pieces that keep enough
// of its end back to find a secret across the cut. Call Flush (or Close) at the end to write
// what is held back.
func (s *Set) Writer(w io.Writer) *Writer { return &Writer{set: s, w: w} }

// Writer is the redacting writer of Set.Writer. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	set  *Set
	w    io.Writer
	held []byte
}

// maxHeld bounds what a Writer holds back waiting for a line end.
const maxHeld = 64 << 10

// Write writes p, redacted, up to its last line end; the rest is held for the next Write.
// It reports len(p) written unless the underlying writer fails.
func (rw *Writer) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.held = append(rw.held, p...)
	cut := bytes.LastIndexAny(rw.held, "\n\r") + 1
	if cut == 0 && len(rw.held) > maxHeld {
		cut = len(rw.held) - max(rw.set.longest()-1, 0)
	}
	if cut <= 0 {
		return len(p), nil
	}
	if _, err := rw.w.Write(rw.set.Bytes(rw.held[:cut])); err != nil {
		return 0, err
	}
	rw.held = append(rw.held[:0], rw.held[cut:]...)
	return len(p), nil
}

// Flush writes what is held back, redacted.
func (rw *Writer) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.held) == 0 {
		return nil
	}
	_, err := rw.w.Write(rw.set.Bytes(rw.held))
	rw.held = rw.held[:0]
	return err
}

// Close flushes; it does not close the underlying writer.
func (rw *Writer) Close() error { return rw.Flush() }
