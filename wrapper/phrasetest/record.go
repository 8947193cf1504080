package phrasetest

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Request is the record of one request the Server saw. Credentials are redacted: the
// Authorization header keeps only its scheme ("ApiToken [REDACTED]"), and the values of
// password, connectorToken, token and code in the body are replaced by "[REDACTED]".
type Request struct {
	Method   string
	Path     string // the URL path, including /web
	RawQuery string
	Header   http.Header
	Body     []byte // nil when the body was larger than WithMaxBodyBytes allows
	Status   int    // the status answered; 0 while the request is still being handled
}

// Redacted is what replaces a credential in a [Request].
const Redacted = "[REDACTED]"

// Requests returns a copy of the record of every request the Server has seen, in the order it
// read them. The record is kept in memory for the Server's life.
func (s *Server) Requests() []Request { return s.f.requests() }

// CountRequests returns how many requests had that method (any method when method is "") and a
// URL path ending in pathSuffix, e.g. CountRequests("POST", "/jobs/connectorTask").
func (s *Server) CountRequests(method, pathSuffix string) int {
	n := 0
	for _, r := range s.f.requests() {
		if (method == "" || strings.EqualFold(method, r.Method)) && strings.HasSuffix(r.Path, pathSuffix) {
			n++
		}
	}
	return n
}

func (f *fake) requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Request, len(f.log))
	for i, r := range f.log {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = slices.Clone(r.Body)
	}
	return out
}

// record appends r to the log and returns the entry, whose Status is set when the answer is
// written.
func (f *fake) record(r *http.Request, body []byte) *Request {
	rec := &Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: redactQuery(r.URL.RawQuery),
		Header:   redactHeader(r.Header),
		Body:     redactBody(body),
	}
	f.mu.Lock()
	f.log = append(f.log, rec)
	f.mu.Unlock()
	return rec
}

// statusWriter remembers the status written into the record.
type statusWriter struct {
	http.ResponseWriter
	f    *fake
	rec  *Request
	done bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		w.f.mu.Lock()
		w.rec.Status = code
		w.f.mu.Unlock()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// credentialHeaders are the headers whose values never reach the record.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key"}

func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, name := range credentialHeaders {
		vals := out.Values(name)
		if len(vals) == 0 {
			continue
		}
		red := make([]string, len(vals))
		for i, v := range vals {
			red[i] = Redacted
			if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && name != "Cookie" {
				red[i] = scheme + " " + Redacted
			}
		}
		out[http.CanonicalHeaderKey(name)] = red
	}
	return out
}

// The patterns are compiled on first use, not at init: every program importing the fake (the
// CLI does, for demo and mock) would pay for them at start-up.
var (
	// jsonSecret matches "password": "...", "connectorToken": ..., "token": ... and "code": ...
	// in a JSON body, including an unterminated string at the end of a malformed body.
	jsonSecret = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)("(?:password|connectorToken|token|code)"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^,}\]\s]+)`)
	})
	// formSecret matches password=..., connectorToken=..., token=... in a form-like body or query.
	formSecret = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b((?:password|connectorToken|token|code)=)[^&\s"]*`)
	})
)

func redactBody(b []byte) []byte {
	if b == nil {
		return nil
	}
	b = jsonSecret().ReplaceAll(b, []byte(`${1}"`+Redacted+`"`))
	return formSecret().ReplaceAll(b, []byte("${1}"+Redacted))
}

func redactQuery(q string) string {
	return formSecret().ReplaceAllString(q, "${1}"+Redacted)
}
