package phrasetest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// WithRequestRateLimit makes the Server refuse requests beyond perMinute per minute, as Phrase
// does beyond 6,000 requests per minute per user: a request that would make more than
// perMinute requests within the last minute answers 429 with {"errorCode":"ApiLimitReached"}
// and a Retry-After header, and does nothing.
//
// The window slides: the Server keeps the times of the requests it admitted within the window
// (a sliding log, no fixed buckets), so a burst is refused as soon as it goes over, whenever in
// a minute it comes. Every request counts (login, job creation, async polls, requests answered
// with an error), as Phrase counts every call of a user; the fake does not tell users apart.
// A request it refuses does not count. Retry-After is the time until the oldest admitted
// request leaves the window, in whole seconds rounded up, at least 1. The times come from
// [WithClock]. [Server.RateLimitedRequests] counts the refusals.
//
// With a minute-long window, 1,000 requests in one second pass under 6,000 per minute; to tell
// even pacing from bursts, shorten the window with [WithRequestRateWindow]. perMinute <= 0
// turns the limit off.
func WithRequestRateLimit(perMinute int) Option {
	return func(c *config) {
		if c.requestRate == nil {
			c.requestRate = &requestRate{window: time.Minute}
		}
		c.requestRate.perMinute = perMinute
	}
}

// WithRequestRateWindow makes the sliding window of [WithRequestRateLimit] d long instead of a
// minute, with the limit scaled to ceil(perMinute × d / 1 minute) requests: at 6,000 per minute
// and a one-second window, at most 100 requests in any second. It does nothing without
// WithRequestRateLimit, or for d <= 0.
func WithRequestRateWindow(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			return
		}
		if c.requestRate == nil {
			c.requestRate = &requestRate{window: time.Minute}
		}
		c.requestRate.window = d
	}
}

// RateLimitedRequests returns how many requests [WithRequestRateLimit] refused with a 429.
func (s *Server) RateLimitedRequests() int {
	rr := s.f.cfg.requestRate
	if rr == nil {
		return 0
	}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.refused
}

// requestRate is the state of WithRequestRateLimit: a ring of the admission times of the
// requests within the window, at most limit() of them.
type requestRate struct {
	perMinute int
	window    time.Duration

	mu       sync.Mutex
	admitted []time.Time // ring buffer; len is the limit
	head, n  int
	refused  int
}

// limit is how many requests the window admits: ceil(perMinute × window / minute), at least 1.
func (rr *requestRate) limit() int {
	n := (int64(rr.perMinute)*int64(rr.window) + int64(time.Minute) - 1) / int64(time.Minute)
	return int(max(n, 1))
}

// admit records a request at now and reports whether it is within the limit; when it is not,
// wait is how long until a request would be admitted.
func (rr *requestRate) admit(now time.Time) (ok bool, wait time.Duration) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if rr.admitted == nil {
		rr.admitted = make([]time.Time, rr.limit())
	}
	size := len(rr.admitted)
	// A request at t is inside the window (now-window, now] until now reaches t+window.
	for rr.n > 0 && !now.Before(rr.admitted[rr.head].Add(rr.window)) {
		rr.head = (rr.head + 1) % size
		rr.n--
	}
	if rr.n < size {
		rr.admitted[(rr.head+rr.n)%size] = now
		rr.n++
		return true, 0
	}
	rr.refused++
	return false, rr.admitted[rr.head].Add(rr.window).Sub(now)
}

// rateLimit answers 429 to a request beyond WithRequestRateLimit and reports whether it did.
func (f *fake) rateLimit(w http.ResponseWriter) bool {
	rr := f.cfg.requestRate
	if rr == nil || rr.perMinute <= 0 {
		return false
	}
	ok, wait := rr.admit(f.cfg.clock())
	if ok {
		return false
	}
	secs := int64((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	f.writeError(w, http.StatusTooManyRequests, CodeAPILimitReached,
		"Too many requests: more than "+strconv.Itoa(rr.perMinute)+" per minute. Try again later.")
	return true
}
