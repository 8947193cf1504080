package wrapper

// The fault suite of the library (issue 10): every row is a hostile server on loopback that
// fails the FIRST request of one call (create, login, async get) in one way and then behaves;
// each row asserts how many requests of that call the server received (and how many it may
// have acted on), the outcome the caller sees, and that no secret appears in the error string
// or in any log record. The CLI's rows (exit codes, stdout, stderr, through the built binary)
// are in cmd/connectortask/faults_test.go.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/seed-a960d6a4/connectortask/internal/faultserver"
)

// Outcomes a caller can see.
const (
	outcomeOK      = "ok"      // created (a create), logged in, read (a GET)
	outcomeFailed  = "failed"  // an error that says nothing was done
	outcomeUnknown = "unknown" // *UnknownOutcomeError: jobs may exist
	// *CreatedUnreadableError: a 201 arrived, so the jobs exist, but its body broke off.
	outcomeCreatedUnreadable = "created (unreadable)"
)

// outcomeOf classifies what a call returned.
func outcomeOf(err error) string {
	var unknown *UnknownOutcomeError
	switch {
	case err == nil:
		return outcomeOK
	case errors.As(err, &unknown):
		return outcomeUnknown
	case errors.As(err, new(*CreatedUnreadableError)):
		return outcomeCreatedUnreadable
	}
	return outcomeFailed
}

// faultCall is one of the calls the suite faults.
type faultCall struct {
	name   string
	method string
	path   string // suffix of the faulted path
	safe   bool   // login and GET are retried after any failure
	run    func(ctx context.Context, c *Client) error
}

var faultCalls = []faultCall{
	{"create", "POST", "/jobs/connectorTask", false, func(ctx context.Context, c *Client) error {
		_, err := c.CreateJobs(ctx, "P", "DL1", createBodyWithConnector())
		return err
	}},
	{"login", "POST", "/auth/login", true, func(ctx context.Context, c *Client) error {
		_, err := c.Login(ctx)
		return err
	}},
	{"async", "GET", "/async/900", true, func(ctx context.Context, c *Client) error {
		_, err := c.AsyncRequest(ctx, "900")
		return err
	}},
}

// fault is one row: what the server does with the first request of the faulted call, and
// what the create POST's caller must see (safe calls are derived, see expect).
type fault struct {
	name   string
	h2     bool
	action func(s, target *faultserver.Server, r *faultserver.Request) faultserver.Action
	// For the create POST: the outcome and how many POSTs reach the server.
	create string
	posts  int
	// retried: a safe call goes on after this fault (a second request, then ok); otherwise it
	// fails after one request.
	retried bool
	// redirect: the server answered a redirect; the target must see nothing.
	redirect bool
}

func act(k faultserver.Kind, code http2.ErrCode) func(_, _ *faultserver.Server, _ *faultserver.Request) faultserver.Action {
	return func(_, _ *faultserver.Server, _ *faultserver.Request) faultserver.Action {
		return faultserver.Action{Kind: k, Code: code}
	}
}

// partial answers as the server would, but breaks the answer off after its headers and half
// its body (with k, and code for HTTP/2 resets).
func partial(k faultserver.Kind, code http2.ErrCode) func(_, _ *faultserver.Server, r *faultserver.Request) faultserver.Action {
	return func(_, _ *faultserver.Server, r *faultserver.Request) faultserver.Action {
		a := normalAnswer(r)
		a.Kind, a.Code = k, code
		return a
	}
}

func status(code int, header ...string) func(_, _ *faultserver.Server, _ *faultserver.Request) faultserver.Action {
	return func(_, _ *faultserver.Server, _ *faultserver.Request) faultserver.Action {
		h := http.Header{}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		body := `{"errorCode":"E","errorDescription":"status"}`
		if code == http.StatusBadGateway {
			h.Set("Content-Type", "text/html")
			body = "<html><body><h1>502 Bad Gateway</h1></body></html>"
		}
		return faultserver.Action{Status: code, Header: h, Body: body}
	}
}

func echo(code int) func(_, _ *faultserver.Server, _ *faultserver.Request) faultserver.Action {
	return func(_, _ *faultserver.Server, _ *faultserver.Request) faultserver.Action {
		return faultserver.Action{Kind: faultserver.Echo, Status: code}
	}
}

// redirectTo answers code with a Location on where: "same" (the same server, another path),
// "port" (another server), the target's URL with the request's path.
func redirectTo(code int, where string) func(s, target *faultserver.Server, r *faultserver.Request) faultserver.Action {
	return func(s, target *faultserver.Server, r *faultserver.Request) faultserver.Action {
		loc := target.URL + r.Path
		if where == "same" {
			loc = s.URL + "/moved" + r.Path
		}
		return faultserver.Action{Status: code, Header: http.Header{"Location": {loc}}}
	}
}

// faults is the table. Each fault hits the first request of the faulted call.
func faults() []fault {
	var fs []fault
	add := func(f fault) { fs = append(fs, f) }
	for _, h2 := range []bool{false, true} {
		p := "h1/"
		if h2 {
			p = "h2/"
		}
		add(fault{name: p + "ok", h2: h2, action: func(_, _ *faultserver.Server, r *faultserver.Request) faultserver.Action { return normalAnswer(r) }, create: outcomeOK, posts: 1})
		add(fault{name: p + "close without answer", h2: h2, action: act(faultserver.CloseAfterBody, 0), create: outcomeUnknown, posts: 1, retried: true})
		add(fault{name: p + "hang past the timeout", h2: h2, action: act(faultserver.Hang, 0), create: outcomeUnknown, posts: 1, retried: true})
		for _, code := range []int{500, 502, 504} {
			add(fault{name: p + http.StatusText(code) + " after creating", h2: h2, action: status(code), create: outcomeUnknown, posts: 1, retried: true})
		}
		add(fault{name: p + "503 Retry-After 0", h2: h2, action: status(503, "Retry-After", "0"), create: outcomeOK, posts: 2, retried: true})
		add(fault{name: p + "429", h2: h2, action: status(429, "Retry-After", "1"), create: outcomeOK, posts: 2, retried: true})
		for _, code := range []int{400, 404, 429, 500, 502, 503, 504} {
			f := fault{name: p + "echo " + http.StatusText(code), h2: h2, action: echo(code), create: outcomeFailed, posts: 1}
			switch code {
			case 429, 503:
				f.create, f.posts, f.retried = outcomeOK, 2, true
			case 500, 502, 504:
				f.create, f.retried = outcomeUnknown, true
			}
			add(f)
		}
		for _, code := range []int{301, 302, 303, 307, 308} {
			for _, where := range []string{"same", "port"} {
				name := p + http.StatusText(code) + " to the same host"
				if where == "port" {
					name = p + http.StatusText(code) + " to another port"
					if h2 {
						name = p + http.StatusText(code) + " from https to http"
					}
				}
				// Any redirect to the POST may follow an action: outcome unknown.
				add(fault{name: name, h2: h2, action: redirectTo(code, where), create: outcomeUnknown, posts: 1, redirect: true})
			}
		}
	}
	add(fault{name: "h1/reset before the body", action: act(faultserver.ResetBeforeBody, 0), create: outcomeUnknown, posts: 1, retried: true})
	add(fault{name: "h1/reset after the body", action: act(faultserver.ResetAfterBody, 0), create: outcomeUnknown, posts: 1, retried: true})
	for _, code := range []http2.ErrCode{http2.ErrCodeProtocol, http2.ErrCodeRefusedStream, http2.ErrCodeCancel, http2.ErrCodeInternal} {
		for _, k := range []faultserver.Kind{faultserver.ResetBeforeBody, faultserver.ResetAfterBody} {
			when := "before"
			if k == faultserver.ResetAfterBody {
				when = "after"
			}
			f := fault{name: "h2/RST_STREAM " + code.String() + " " + when + " the body", h2: true, action: act(k, code), create: outcomeUnknown, posts: 1, retried: true}
			if code == http2.ErrCodeRefusedStream {
				f.create, f.posts = outcomeOK, 2 // provably not processed: the wrapper resends
			}
			add(f)
		}
	}
	// Once an answer's headers arrived, the request was processed: whatever breaks its body
	// (even a REFUSED_STREAM reset or a GOAWAY with last-stream-id 0) proves nothing, and the
	// POST is not resent. Its 201 says the jobs exist.
	add(fault{name: "h1/201 with half its body, then reset", action: partial(faultserver.PartialThenReset, 0), create: outcomeCreatedUnreadable, posts: 1, retried: true})
	for _, code := range []http2.ErrCode{http2.ErrCodeRefusedStream, http2.ErrCodeCancel} {
		// A safe call is retried after the refusal, not after a CANCEL of its answer (a stream
		// error that is no network error).
		add(fault{name: "h2/201 with half its body, then RST_STREAM " + code.String(), h2: true, action: partial(faultserver.PartialThenReset, code), create: outcomeCreatedUnreadable, posts: 1, retried: code == http2.ErrCodeRefusedStream})
	}
	add(fault{name: "h2/201 with half its body, then GOAWAY 0", h2: true, action: partial(faultserver.PartialThenGoAway, 0), create: outcomeCreatedUnreadable, posts: 1, retried: true})
	add(fault{name: "h2/GOAWAY below the stream", h2: true, action: act(faultserver.GoAwayBeforeBody, 0), create: outcomeOK, posts: 2, retried: true})
	add(fault{name: "h2/GOAWAY at the stream, then close", h2: true, action: act(faultserver.GoAwayAfterBody, 0), create: outcomeUnknown, posts: 1, retried: true})
	return fs
}

// normalAnswer is what the fault server answers when it does not fault.
func normalAnswer(r *faultserver.Request) faultserver.Action {
	switch {
	case strings.HasSuffix(r.Path, "/auth/login"):
		return faultserver.Action{Status: 200, Body: `{"token":"` + secretLogin + `","expires":"2099-01-01T00:00:00+0000","user":{"userName":"user"}}`}
	case strings.HasSuffix(r.Path, "/jobs/connectorTask"):
		return faultserver.Action{Status: 201, Body: jobsCreated}
	case strings.Contains(r.Path, "/async/"):
		return faultserver.Action{Status: 200, Body: `{"id":"900","action":"PRE_ANALYSE","asyncResponse":{"dateCreated":"2026-11-28T17:03:12+0000"}}`}
	}
	return faultserver.Action{Status: 404, Body: `{"errorCode":"NotFound"}`}
}

// startFaultServer starts the row's server, faulting the first request of call, and a plain
// HTTP/1 target for redirects that must never be asked.
func startFaultServer(t *testing.T, f fault, call faultCall) (s, target *faultserver.Server) {
	t.Helper()
	var err error
	target, err = faultserver.NewHTTP1(func(r *faultserver.Request, n int) faultserver.Action { return normalAnswer(r) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(target.Close)
	decide := func(r *faultserver.Request, n int) faultserver.Action {
		if n == 1 && r.Method == call.method && strings.HasSuffix(r.Path, call.path) {
			return f.action(s, target, r)
		}
		return normalAnswer(r)
	}
	if f.h2 {
		s, err = faultserver.NewHTTP2(decide)
	} else {
		s, err = faultserver.NewHTTP1(decide)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, target
}

// hangTimeout bounds each attempt of the hang rows, which wait it out; the other rows get
// faultAttemptTimeout, room for a slow TLS handshake on a busy machine.
const (
	hangTimeout         = 2 * time.Second
	faultAttemptTimeout = 15 * time.Second
)

func TestFaultSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault suite runs every fault against every call")
	}
	for _, f := range faults() {
		for _, call := range faultCalls {
			for _, auth := range []string{"token", "password"} {
				if call.name == "login" && auth == "token" {
					continue // a token client does not log in
				}
				t.Run(f.name+"/"+call.name+"/"+auth, func(t *testing.T) {
					runFaultRow(t, f, call, auth)
				})
			}
		}
	}
}

func runFaultRow(t *testing.T, f fault, call faultCall, auth string) {
	s, target := startFaultServer(t, f, call)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hc := s.Client()
	t.Cleanup(hc.CloseIdleConnections)
	timeout := faultAttemptTimeout
	if strings.Contains(f.name, "hang") {
		timeout = hangTimeout
	}
	opts := []Option{WithHTTPClient(hc), WithLogger(logger), WithAttemptTimeout(timeout),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3, MaxElapsed: 20 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second})}
	if auth == "token" {
		opts = append(opts, WithAPIToken(secretToken))
	} else {
		opts = append(opts, WithCredentials("user", secretPassword))
	}
	c, sl := newTestClient(t, s.URL+"/web", opts...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := call.run(ctx, c)

	wantOutcome, wantCount := f.create, f.posts
	if call.safe {
		wantOutcome, wantCount = outcomeFailed, 1
		if f.retried || f.create == outcomeOK && !f.redirect {
			wantOutcome, wantCount = outcomeOK, 2
		}
		if f.name[3:] == "ok" {
			wantCount = 1
		}
	}
	got := outcomeOf(err)
	if got != wantOutcome {
		t.Errorf("outcome %s, want %s (err: %v)", got, wantOutcome, err)
	}
	n := s.Count(call.method, call.path)
	if call.safe {
		// Below the wrapper, net/http may itself retry a safe request once more (HTTP/2 after a
		// reset or GOAWAY, HTTP/1 on a reused connection): only the bounds matter here.
		if n < wantCount || n > wantCount+1 {
			t.Errorf("%s requests = %d, want %d (or one more by net/http)", call.name, n, wantCount)
		}
	} else if n != wantCount {
		t.Errorf("POSTs = %d, want %d", n, wantCount)
	}
	if !call.safe && s.Acted(call.method, call.path) > 1 {
		t.Errorf("the server may have acted on %d POSTs", s.Acted(call.method, call.path))
	}
	if f.redirect {
		if n := len(target.Requests()); n != 0 {
			t.Errorf("the redirect target got %d requests, want 0", n)
		}
		for _, r := range s.Requests() {
			if strings.HasPrefix(r.Path, "/moved/") {
				t.Errorf("the redirect was followed to %s", r.Path)
			}
		}
		if err != nil && !strings.Contains(err.Error(), "redirect") {
			t.Errorf("the error does not name the redirect: %v", err)
		}
	}
	if err != nil {
		assertNoSecret(t, "the error", err.Error())
	}
	assertNoSecret(t, "the log", logs.String())
	// A resend of the create is a logged attempt of the wrapper's own.
	if !call.safe && wantCount == 2 && !strings.Contains(logs.String(), "attempt=2") {
		t.Errorf("the resend was not logged as attempt 2:\n%s", logs.String())
	}
	_ = sl
}
