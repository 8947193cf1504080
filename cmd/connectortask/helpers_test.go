package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// result is what one run of the CLI produced.
type result struct {
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout:\n" + r.stdout + "\n--- stderr:\n" + r.stderr
}

// cli drives the cobra root in-process with captured streams and an injected environment.
type cli struct {
	t          *testing.T
	env        map[string]string
	stdin      string
	clientOpts []wrapper.Option
	waitOpts   []wrapper.WaitOption
	fakeOpts   []phrasetest.Option
	ctx        context.Context
	stderr     io.Writer // when set, receives stderr live (for mock)
}

// newCLI returns a cli with fast retries and polls, so the suite stays quick.
func newCLI(t *testing.T, env map[string]string) *cli {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	return &cli{
		t:   t,
		env: env,
		clientOpts: []wrapper.Option{wrapper.WithRetryPolicy(wrapper.RetryPolicy{
			MaxAttempts: 4, MaxElapsed: 10 * time.Second, BaseDelay: 5 * time.Millisecond, MaxDelay: 2 * time.Second,
		})},
		waitOpts: []wrapper.WaitOption{wrapper.WithPollInterval(5*time.Millisecond, 20*time.Millisecond)},
	}
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	var errW io.Writer = &stderr
	if c.stderr != nil {
		errW = io.MultiWriter(&stderr, c.stderr)
	}
	a := newApp(strings.NewReader(c.stdin), &stdout, errW, func(k string) string { return c.env[k] })
	a.clientOpts = c.clientOpts
	a.waitOpts = c.waitOpts
	a.fakeOpts = c.fakeOpts
	a.demoPoll = 5 * time.Millisecond
	ctx := c.ctx
	if ctx == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
	}
	code := a.execute(ctx, args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// fake starts a phrasetest server for the test.
func fake(t *testing.T, opts ...phrasetest.Option) *phrasetest.Server {
	t.Helper()
	srv := phrasetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// tokenEnv is the environment for the fake with its static token.
func tokenEnv(srv *phrasetest.Server) map[string]string {
	return map[string]string{envURL: srv.URL, envToken: srv.Token}
}

// passwordEnv is the environment for the fake with its demo user name and password.
func passwordEnv(srv *phrasetest.Server) map[string]string {
	return map[string]string{envURL: srv.URL, envUsername: srv.Username, envPassword: srv.Password}
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}

// decodeJobs reads create's stdout: a JobListDto whose asyncRequest may be a full AsyncRequestDto.
type jobsOut struct {
	Jobs         []api.JobPartReference `json:"jobs"`
	AsyncRequest *api.AsyncRequestDto   `json:"asyncRequest"`
}

func decodeJobs(t *testing.T, r result) jobsOut {
	t.Helper()
	var out jobsOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("stdout is not a JobListDto: %v\n%s", err, r)
	}
	return out
}

// posts counts the job-creating POSTs the fake saw.
func posts(srv *phrasetest.Server) int { return srv.CountRequests("POST", "/jobs/connectorTask") }

// sentBody returns the body of the last connectorTask POST the fake saw, decoded.
func sentBody(t *testing.T, srv *phrasetest.Server) map[string]any {
	t.Helper()
	var last []byte
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/jobs/connectorTask") {
			last = r.Body
		}
	}
	if last == nil {
		t.Fatal("the fake saw no connectorTask POST")
	}
	m := map[string]any{}
	if err := json.Unmarshal(last, &m); err != nil {
		t.Fatalf("body %s: %v", last, err)
	}
	return m
}

// countingTransport counts the requests that would have left the process, and sends none.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil, io.ErrUnexpectedEOF
}

func (c *countingTransport) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// tokenCapture serves the fake through a proxy that remembers every token login answered, so a
// test can look for them in the CLI's output.
type tokenCapture struct {
	mu     sync.Mutex
	tokens []string
}

func (tc *tokenCapture) list() []string {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return append([]string(nil), tc.tokens...)
}

func captureTokens(t *testing.T, srv *phrasetest.Server) (rootURL string, tc *tokenCapture) {
	t.Helper()
	tc = &tokenCapture{}
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if strings.HasSuffix(r.URL.Path, "/auth/login") && rec.Code == http.StatusOK {
			var lr struct {
				Token string `json:"token"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &lr) == nil && lr.Token != "" {
				tc.mu.Lock()
				tc.tokens = append(tc.tokens, lr.Token)
				tc.mu.Unlock()
			}
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(ts.Close)
	return ts.URL + phrasetest.BasePath, tc
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
