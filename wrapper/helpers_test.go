package wrapper

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/seed-a960d6a4/connectortask/api"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// Idle keep-alive connections of http.Transports close shortly after the servers do.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// seen is one request as the test server received it.
type seen struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// wire is an httptest server that records every request and answers with handle.
type wire struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newWire(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int), configure ...func(*http.Server)) *wire {
	t.Helper()
	s := &wire{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		n := len(s.reqs)
		s.mu.Unlock()
		handle(w, r, n)
	}))
	for _, f := range configure {
		f(s.Config)
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// requests returns the requests so far.
func (s *wire) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// count returns how many requests had method and a path ending in suffix.
func (s *wire) count(method, suffix string) int {
	n := 0
	for _, r := range s.requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// base is the API root of the server, with Phrase's /web prefix.
func (s *wire) base() string { return s.URL + "/web" }

// fastPolicy keeps retrying tests fast: millisecond backoff, room for Retry-After values that
// the recording sleep observes without waiting.
var fastPolicy = RetryPolicy{MaxAttempts: 4, MaxElapsed: 30 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Second}

// sleeps records the waits a client asked for; it waits at most a millisecond of each.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return sleepCtx(ctx, min(d, time.Millisecond))
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

// newTestClient returns a client for base with the fast policy and a recording sleep;
// opts come after the defaults, so they win.
func newTestClient(t *testing.T, base string, opts ...Option) (*Client, *sleeps) {
	t.Helper()
	all := append([]Option{WithBaseURL(base), WithRetryPolicy(fastPolicy)}, opts...)
	c, err := New(all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s := &sleeps{}
	c.sleep = s.sleep
	return c, s
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers Phrase's error body.
func writeError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"errorCode": code, "errorDescription": desc})
}

// jobsCreated is a minimal 201 answer of the job-creating call.
const jobsCreated = `{"jobs":[{"uid":"J1","targetLang":"de","status":"NEW","dateDue":"2030-01-01T10:00:00+0000"}],"asyncRequest":{"id":"900","dateCreated":"2026-11-28T17:03:12+0000","action":"PRE_ANALYSE"}}`

func writeCreated(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, jobsCreated)
}

// validBody is a request that passes validation.
func validBody() api.JobCreateRequestDto {
	return api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}}
}

func ptr[T any](v T) *T { return &v }

// fixedClock returns a clock that reads t until moved with the returned setter.
func fixedClock(t time.Time) (now func() time.Time, set func(time.Time)) {
	var mu sync.Mutex
	cur := t
	return func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return cur
		}, func(n time.Time) {
			mu.Lock()
			cur = n
			mu.Unlock()
		}
}
