package wrapper

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestJobPOSTRetriedOn429WithRetryAfterSeconds(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			writeError(w, 429, "ApiLimitReached", "Too many requests")
			return
		}
		writeCreated(w)
	})
	c, sl := newTestClient(t, srv.base(), WithAPIToken("t"))
	if _, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody()); err != nil {
		t.Fatal(err)
	}
	if n := srv.count("POST", "/connectorTask"); n != 2 {
		t.Errorf("POSTs = %d, want 2", n)
	}
	reqs := srv.requests()
	if string(reqs[0].Body) != string(reqs[1].Body) || len(reqs[1].Body) == 0 {
		t.Errorf("the retry carried another body: %q vs %q", reqs[0].Body, reqs[1].Body)
	}
	if got := sl.all(); len(got) != 1 || got[0] != 7*time.Second {
		t.Errorf("waits = %v, want [7s]", got)
	}
}

func TestJobPOSTRetriedOn503WithRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clock, _ := fixedClock(now)
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", now.Add(3*time.Second).Format(http.TimeFormat))
			writeError(w, 503, "ServiceUnavailable", "maintenance")
			return
		}
		writeCreated(w)
	})
	c, sl := newTestClient(t, srv.base(), WithAPIToken("t"), WithClock(clock))
	if _, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody()); err != nil {
		t.Fatal(err)
	}
	if n := srv.count("POST", "/connectorTask"); n != 2 {
		t.Errorf("POSTs = %d, want 2", n)
	}
	if got := sl.all(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("waits = %v, want [3s]", got)
	}
}

func TestRetryBoundedByMaxAttempts(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeError(w, 429, "ApiLimitReached", "no") })
	c, sl := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
		t.Fatalf("err = %v", err)
	}
	var unknown *UnknownOutcomeError
	if errors.As(err, &unknown) {
		t.Error("a 429 is a known outcome (nothing created)")
	}
	if n := len(srv.requests()); n != fastPolicy.MaxAttempts {
		t.Errorf("attempts = %d, want %d", n, fastPolicy.MaxAttempts)
	}
	for i, d := range sl.all() { // backoff without Retry-After: full jitter under BaseDelay·2^i
		if ceiling := fastPolicy.BaseDelay << i; d < 0 || d > ceiling {
			t.Errorf("wait %d = %v, want within [0, %v]", i, d, ceiling)
		}
	}
}

func TestRetryBoundedByMaxElapsed(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "2")
		writeError(w, 503, "ServiceUnavailable", "no")
	})
	p := fastPolicy
	p.MaxElapsed = time.Second // a 2s wait would end after it
	c, sl := newTestClient(t, srv.base(), WithAPIToken("t"), WithRetryPolicy(p))
	_, err := c.AsyncRequest(context.Background(), "1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.RetryAfter != 2*time.Second {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 || len(sl.all()) != 0 {
		t.Errorf("attempts = %d, waits = %v; want 1 and none", n, sl.all())
	}
}

func TestRetryAfterLongerThanMaxDelayStops(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		writeError(w, 429, "ApiLimitReached", "come back in an hour")
	})
	p := fastPolicy
	p.MaxElapsed = 3 * time.Hour // only MaxDelay stops it
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithRetryPolicy(p))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Hour {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "10")
		writeError(w, 429, "ApiLimitReached", "no")
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	c.sleep = sleepCtx // really wait, so that the cancel lands mid-backoff
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.CreateJobs(ctx, "P", "DL-1", validBody())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v; the cancel did not cut the wait short", d)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestJobPOSTNotResentAfter5xx(t *testing.T) {
	for _, status := range []int{500, 502, 504} {
		srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeError(w, status, "Internal", "boom") })
		c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
		_, err := c.CreateJobs(context.Background(), "Pr9", "DL-1", validBody())
		var unknown *UnknownOutcomeError
		var apiErr *APIError
		// The cause is in Err, and errors.As must not find it: a caller retrying 5xx would resend.
		if !errors.As(err, &unknown) || errors.As(err, &apiErr) || !errors.As(unknown.Err, &apiErr) || apiErr.StatusCode != status || unknown.ProjectUID != "Pr9" {
			t.Fatalf("%d: err = %v", status, err)
		}
		if !strings.Contains(err.Error(), "outcome unknown") || !strings.Contains(err.Error(), "list the jobs of project Pr9") {
			t.Errorf("message = %q", err.Error())
		}
		if n := srv.count("POST", "/connectorTask"); n != 1 {
			t.Errorf("%d: POSTs = %d, want 1", status, n)
		}
	}
}

func TestLostResponseHTML502(t *testing.T) {
	var acted atomic.Int32
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		acted.Add(1) // the server created the jobs, then the proxy lost the answer
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>"))
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var unknown *UnknownOutcomeError
	var apiErr *APIError
	if !errors.As(err, &unknown) || !errors.As(unknown.Err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.StatusCode != 502 || !strings.Contains(apiErr.Body, "Bad Gateway") || apiErr.ErrorCode != "" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if acted.Load() != 1 {
		t.Errorf("server acted %d times, want 1", acted.Load())
	}
}

func TestConnectionResetAfterBodyWrittenIsNotResent(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		// The body has been read in full (newWire reads it): the server may act. Then the
		// connection dies without an answer.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST rather than FIN
		}
		_ = conn.Close()
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "outcome unknown") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.count("POST", "/connectorTask"); n != 1 {
		t.Errorf("POSTs = %d, want 1", n)
	}
}

func TestJobPOSTTimeoutAfterSendIsUnknown(t *testing.T) {
	release := make(chan struct{})
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithAttemptTimeout(50*time.Millisecond))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var unknown *UnknownOutcomeError
	// errors.Is(err, context.DeadlineExceeded) is false on purpose: "timed out, try again"
	// would resend a POST that may have created the jobs. The cause is in Err.
	if !errors.As(err, &unknown) || errors.Is(err, context.DeadlineExceeded) || !errors.Is(unknown.Err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if n := srv.count("POST", "/connectorTask"); n != 1 {
		t.Errorf("POSTs = %d, want 1", n)
	}
}

func TestJobPOSTCancelledAfterSendIsUnknown(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.CreateJobs(ctx, "P", "DL-1", validBody())
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) || errors.Is(err, context.DeadlineExceeded) || !errors.Is(unknown.Err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if OutcomeOf(err) != OutcomeUnknown {
		t.Errorf("OutcomeOf = %s, want unknown", OutcomeOf(err))
	}
}

func TestJobPOSTRetriedAfterDialError(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	var dials atomic.Int32
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithHTTPClient(&http.Client{Transport: tr}))
	if _, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody()); err != nil {
		t.Fatal(err)
	}
	if dials.Load() != 2 || srv.count("POST", "/connectorTask") != 1 {
		t.Errorf("dials = %d, POSTs = %d; want 2 and 1", dials.Load(), srv.count("POST", "/connectorTask"))
	}
}

// failingTransport fails every request with err, without any trace events.
type failingTransport struct {
	err   error
	calls atomic.Int32
}

func (f *failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	f.calls.Add(1)
	return nil, f.err
}

func TestJobPOSTNotResentAfterUnprovenNetworkError(t *testing.T) {
	// A transport that reports no write events and fails with a reset: the wrapper cannot prove
	// the request was not sent, so it must not resend it.
	ft := &failingTransport{err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	c, _ := newTestClient(t, "https://phrase.example/web", WithAPIToken("t"), WithHTTPClient(&http.Client{Transport: ft}))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) {
		t.Fatalf("err = %v", err)
	}
	if ft.calls.Load() != 1 {
		t.Errorf("attempts = %d, want 1", ft.calls.Load())
	}
	// The same error on a GET is retried.
	ft.calls.Store(0)
	if _, err := c.AsyncRequest(context.Background(), "1"); err == nil {
		t.Fatal("no error")
	}
	if ft.calls.Load() != int32(fastPolicy.MaxAttempts) {
		t.Errorf("GET attempts = %d, want %d", ft.calls.Load(), fastPolicy.MaxAttempts)
	}
}

func TestGETRetriedOn5xxAndNetworkErrors(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			writeError(w, 500, "Internal", "boom")
		case 2:
			// A fresh connection for request 3: http.Transport itself silently retries a GET
			// whose reused connection died, which would hide the failure from the wrapper.
			w.Header().Set("Connection", "close")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html>bad gateway</html>"))
		case 3:
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
		default:
			writeJSON(w, 200, map[string]any{"id": "1"})
		}
	})
	c, sl := newTestClient(t, srv.base(), WithAPIToken("t"))
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 4 {
		t.Errorf("GETs = %d, want 4", n)
	}
	if n := len(sl.all()); n != 3 {
		t.Errorf("backoff waits = %d, want 3 (one before each retry)", n)
	}
}

func TestGETNotRetriedOn4xx(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, 404, "AsyncRequestNotFound", "no such request")
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.AsyncRequest(context.Background(), "1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("GETs = %d, want 1", n)
	}
}

func TestJobPOST503BeyondPolicyIsAPIErrorNotUnknown(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		_, _ = w.Write([]byte("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"))
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var apiErr *APIError
	var unknown *UnknownOutcomeError
	if !errors.As(err, &apiErr) || errors.As(err, &unknown) || !strings.Contains(apiErr.Body, "503 Service Temporarily Unavailable") {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != fastPolicy.MaxAttempts {
		t.Errorf("attempts = %d, want %d", n, fastPolicy.MaxAttempts)
	}
}

func TestAttemptTimeoutBoundsEachGETAttempt(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			<-r.Context().Done()
			return
		}
		writeJSON(w, 200, map[string]any{"id": "1"})
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithAttemptTimeout(40*time.Millisecond))
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("GETs = %d, want 2", n)
	}
}

func TestErrorBodiesDrainedAndConnectionReused(t *testing.T) {
	big := strings.Repeat("x", 150<<10) // beyond the 64 KiB read, within the drain bound
	var conns atomic.Int32
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(503)
			_, _ = w.Write([]byte(big))
			return
		}
		writeJSON(w, 200, map[string]any{"id": "1"})
	}, func(hs *http.Server) {
		hs.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1 (bodies drained, connection reused)", n)
	}
}

func TestErrorBodyReadWithABound(t *testing.T) {
	huge := strings.Repeat("<p>proxy error</p>", 1<<20) // 18 MiB
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(400)
		_, _ = w.Write([]byte(huge))
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.AsyncRequest(context.Background(), "1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if len(apiErr.Body) == 0 || len(apiErr.Body) > maxBodyField || len(err.Error()) > 1000 {
		t.Errorf("Body is %d bytes, message %d bytes", len(apiErr.Body), len(err.Error()))
	}
}

func TestBackoffFullJitter(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for tries := 1; tries <= 8; tries++ {
		ceiling := min(p.BaseDelay<<(tries-1), p.MaxDelay)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := backoff(p, tries)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", tries, d, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("backoff(%d) took only %d distinct values: no jitter", tries, len(seen))
		}
	}
}

func TestDefaultRetryPolicy(t *testing.T) {
	p := DefaultRetryPolicy()
	if p.MaxAttempts != 5 || p.MaxElapsed != 2*time.Minute || p.BaseDelay != time.Second || p.MaxDelay != time.Minute {
		t.Errorf("DefaultRetryPolicy() = %+v", p)
	}
	if got := (RetryPolicy{MaxAttempts: 1}).withDefaults(); got.MaxAttempts != 1 || got.MaxDelay != time.Minute {
		t.Errorf("withDefaults = %+v", got)
	}
}

func TestRateLimitPacesRequests(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, map[string]any{"id": "1"}) })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithRateLimit(3000)) // one per 20ms
	start := time.Now()
	for range 4 {
		if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 55*time.Millisecond {
		t.Errorf("4 requests took %v, want at least 60ms at 3000/min", d)
	}
}

// countingReader serves n bytes of 'x' and counts how many were read.
type countingReader struct {
	left, read int
	closed     bool
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.left)
	for i := range n {
		p[i] = 'x'
	}
	r.left -= n
	r.read += n
	return n, nil
}

func (r *countingReader) Close() error { r.closed = true; return nil }

func TestBodiesReadWithABound(t *testing.T) {
	req, _ := http.NewRequest("GET", "https://h/web/api2/v1/async/1", nil)
	errBody := &countingReader{left: 10 << 20}
	resp := &http.Response{StatusCode: 502, Status: "502 Bad Gateway", Body: errBody, Request: req}
	if err := bufferBody(resp); err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	if len(data) != maxErrorBody || errBody.read > maxErrorBody+1+maxDrain || !errBody.closed {
		t.Errorf("error body: kept %d, read %d of 10 MiB, closed %v", len(data), errBody.read, errBody.closed)
	}
	okBody := &countingReader{left: maxSuccessBody + 10}
	resp = &http.Response{StatusCode: 200, Status: "200 OK", Body: okBody, Request: req}
	if err := bufferBody(resp); err == nil || okBody.read > maxSuccessBody+1 || !okBody.closed {
		t.Errorf("over-long 2xx body: err %v, read %d, closed %v", err, okBody.read, okBody.closed)
	}
}

func TestProvablyUnsent(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "https://h", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	dns := &url.Error{Op: "Post", URL: "https://h", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "h"}}}
	reset := &url.Error{Op: "Post", URL: "https://h", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	cases := []struct {
		err     error
		written bool
		want    bool
	}{
		{dial, false, true},
		{dns, false, true},
		{dial, true, false}, // whatever the error says, something was written
		{reset, false, false},
		{io.ErrUnexpectedEOF, false, false},
		{context.DeadlineExceeded, false, false},
	}
	for _, tc := range cases {
		if got := provablyUnsent(tc.err, tc.written); got != tc.want {
			t.Errorf("provablyUnsent(%v, written=%v) = %v, want %v", tc.err, tc.written, got, tc.want)
		}
	}
}

func TestRateLimitWaitEndsWithTheContext(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, map[string]any{"id": "1"}) })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithRateLimit(1)) // one per minute
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := c.AsyncRequest(ctx, "1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}
