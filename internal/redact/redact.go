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
	"unicode/utf16"
	"unicode/utf8"
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
// (without quotes, the ways common encoders escape) and percent-encoded (see forms). Secrets
// shorter than MinLen are ignored.
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

// forms returns the ways secret can appear in output: as given; JSON-escaped the way common
// encoders write it (Go's, with <>& as \u003c; minimal; Gson's, with =' escaped too; with "/"
// as "\/" as Java and PHP encoders write it; PHP's, with non-ASCII as \uXXXX; and with every
// character but letters and digits as \uXXXX); percent-encoded for a query ("+" for a space),
// for a path and in full ("%20" for a space), each with upper- and lower-case hex. A secret of
// letters and digits has one form; any secret has at most a few more than a dozen.
func forms(secret string) []string {
	out := []string{secret}
	add := func(f string) {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	goJSON := jsonString(secret, true)
	minimal := jsonString(secret, false)
	for _, j := range []string{goJSON, minimal} {
		add(j)
		add(strings.ReplaceAll(j, "/", `\/`))
	}
	add(strings.NewReplacer("=", `\u003d`, "'", `\u0027`).Replace(goJSON))
	add(uEscape(strings.ReplaceAll(minimal, "/", `\/`), func(r rune) bool { return r >= utf8.RuneSelf }, false))
	if strings.IndexFunc(secret, func(r rune) bool { return !isAlnum(r) }) >= 0 {
		all := func(r rune) bool { return !isAlnum(r) }
		add(uEscape(secret, all, false))
		add(uEscape(secret, all, true))
	}
	query := url.QueryEscape(secret)
	for _, e := range []string{query, url.PathEscape(secret), strings.ReplaceAll(query, "+", "%20")} {
		add(e)
		add(lowerHex(e))
	}
	return out
}

// jsonString returns s as a JSON string without its quotes, with <, > and & escaped as Go's
// encoder does by default (html) or not.
func jsonString(s string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if enc.Encode(s) != nil {
		return ""
	}
	j := strings.TrimSuffix(b.String(), "\n")
	return j[1 : len(j)-1]
}

// uEscape writes every rune of s that esc selects as a JSON \uXXXX escape (a surrogate pair
// beyond the BMP), in upper- or lower-case hex.
func uEscape(s string, esc func(rune) bool, upper bool) string {
	digits := "0123456789abcdef"
	if upper {
		digits = "0123456789ABCDEF"
	}
	var b strings.Builder
	unit := func(u rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(digits[(u>>shift)&0xf])
		}
	}
	for _, r := range s {
		switch {
		case !esc(r):
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			unit(r1)
			unit(r2)
		default:
			unit(r)
		}
	}
	return b.String()
}

// isAlnum reports whether r is an ASCII letter or digit.
func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// lowerHex returns a percent-encoded string with the hex digits of its escapes in lower case
// (url's escapers write upper case; other encoders write lower case).
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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
