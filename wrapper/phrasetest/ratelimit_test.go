package phrasetest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// asyncGet is a request of any kind for the rate limit: an authenticated GET of an async
// request that does not exist (404).
func asyncGet(t *testing.T, srv *phrasetest.Server) rawResponse {
	t.Helper()
	return do(t, srv, "GET", "/api2/v1/async/nope", "", "Authorization", "ApiToken "+srv.Token)
}

func TestRequestRateLimitSlidingMinute(t *testing.T) {
	clock := newClock()
	srv := newServer(t, phrasetest.WithClock(clock.Now), phrasetest.WithRequestRateLimit(3))

	// Every kind of request counts, errors included: a login, a POST, a 404.
	login := do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"demo","password":"demo-password"}`, "Content-Type", "application/json")
	if login.status != http.StatusOK {
		t.Fatalf("login: %d %s", login.status, login.body)
	}
	clock.Advance(10 * time.Second)
	if r := createJobs(t, srv, createBody("de")); r.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	clock.Advance(10 * time.Second)
	if r := asyncGet(t, srv); r.status != http.StatusNotFound {
		t.Fatalf("GET: %d %s", r.status, r.body)
	}

	// The fourth within the minute is refused, creates nothing, and says when to come back:
	// the login at t0 leaves the window at t0+60s, 40s from now.
	r := createJobs(t, srv, createBody("fr"))
	wantError(t, r, http.StatusTooManyRequests, phrasetest.CodeAPILimitReached)
	if got := r.header.Get("Retry-After"); got != "40" {
		t.Errorf("Retry-After = %q, want 40", got)
	}
	if n := len(srv.Jobs()); n != 1 {
		t.Errorf("%d jobs after a refused POST, want 1", n)
	}
	// Refusals do not fill the window: still 3 admitted, the oldest at t0.
	clock.Advance(39 * time.Second)
	if r := asyncGet(t, srv); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("at t0+59s: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	clock.Advance(time.Second) // t0+60s: the login has left the window, one place is free
	if r := asyncGet(t, srv); r.status != http.StatusNotFound {
		t.Fatalf("at t0+60s: %d %s", r.status, r.body)
	}
	if r := asyncGet(t, srv); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "10" {
		t.Fatalf("second at t0+60s: %d Retry-After %q, want 429 after 10", r.status, r.header.Get("Retry-After"))
	}
	if got := srv.RateLimitedRequests(); got != 3 {
		t.Errorf("RateLimitedRequests = %d, want 3", got)
	}
	// The refusals are in the record with their status.
	n429 := 0
	for _, req := range srv.Requests() {
		if req.Status == http.StatusTooManyRequests {
			n429++
		}
	}
	if n429 != 3 {
		t.Errorf("%d requests recorded with 429, want 3", n429)
	}
}

func TestRequestRateWindowScalesTheLimit(t *testing.T) {
	clock := newClock()
	// 6,000 per minute in windows of one second: at most 100 in any second.
	srv := newServer(t, phrasetest.WithClock(clock.Now), phrasetest.WithRequestRateLimit(6000),
		phrasetest.WithRequestRateWindow(time.Second))
	for i := range 100 {
		if r := asyncGet(t, srv); r.status != http.StatusNotFound {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
	}
	r := asyncGet(t, srv)
	wantError(t, r, http.StatusTooManyRequests, phrasetest.CodeAPILimitReached)
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	clock.Advance(time.Second)
	if r := asyncGet(t, srv); r.status != http.StatusNotFound {
		t.Fatalf("after the window: %d", r.status)
	}
}

func TestRequestRateLimitRetryAfterRoundsUp(t *testing.T) {
	clock := newClock()
	// 60 per minute over 1.5 s: ceil(1.5) = 2 requests per window.
	srv := newServer(t, phrasetest.WithClock(clock.Now), phrasetest.WithRequestRateLimit(60),
		phrasetest.WithRequestRateWindow(1500*time.Millisecond))
	asyncGet(t, srv)
	asyncGet(t, srv)
	clock.Advance(200 * time.Millisecond)
	r := asyncGet(t, srv)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
		t.Fatalf("%d Retry-After %q, want 429 after 2 (1.3s rounded up)", r.status, r.header.Get("Retry-After"))
	}
}

func TestRequestRateLimitOffAndWindowAlone(t *testing.T) {
	for name, opts := range map[string][]phrasetest.Option{
		"zero":        {phrasetest.WithRequestRateLimit(0)},
		"window only": {phrasetest.WithRequestRateWindow(time.Millisecond)},
		"none":        nil,
	} {
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, opts...)
			for range 20 {
				if r := asyncGet(t, srv); r.status != http.StatusNotFound {
					t.Fatalf("%d", r.status)
				}
			}
			if srv.RateLimitedRequests() != 0 {
				t.Errorf("RateLimitedRequests = %d", srv.RateLimitedRequests())
			}
		})
	}
}

// TestRequestRateLimitConcurrentBurst sends a burst from many goroutines in real time: exactly
// the limit is admitted, the rest refused, whatever the interleaving.
func TestRequestRateLimitConcurrentBurst(t *testing.T) {
	srv := newServer(t, phrasetest.WithRequestRateLimit(30))
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for range 50 {
		wg.Go(func() {
			r := asyncGet(t, srv)
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if counts[http.StatusNotFound] != 30 || counts[http.StatusTooManyRequests] != 20 {
		t.Errorf("statuses %v, want 30 admitted (404) and 20 refused (429)", counts)
	}
	if srv.RateLimitedRequests() != 20 {
		t.Errorf("RateLimitedRequests = %d, want 20", srv.RateLimitedRequests())
	}
}

// Options are applied per Server: one option value shared by two Servers gives each its own
// window.
func TestRequestRateLimitOptionSharedByServers(t *testing.T) {
	opt := phrasetest.WithRequestRateLimit(1)
	a, b := newServer(t, opt), newServer(t, opt)
	if r := asyncGet(t, a); r.status != http.StatusNotFound {
		t.Fatalf("a: %d", r.status)
	}
	if r := asyncGet(t, b); r.status != http.StatusNotFound {
		t.Fatalf("b shares a's window: %d", r.status)
	}
}
