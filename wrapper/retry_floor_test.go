package wrapper

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestRetryAfterZeroOrPastKeepsAFloor: Retry-After: 0 or a date in the past made five POSTs in
// 0.2 s; every wait is now at least BaseDelay.
func TestRetryAfterZeroOrPastKeepsAFloor(t *testing.T) {
	for _, ra := range []string{"0", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", ra)
			writeError(w, http.StatusTooManyRequests, "ApiLimitReached", "slow down")
		})
		policy := DefaultRetryPolicy()
		c, s := newTestClient(t, srv.base(), WithAPIToken("tok"), WithRetryPolicy(policy))
		_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, validBody())
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
			t.Fatalf("Retry-After %q: err = %v", ra, err)
		}
		waits := s.all()
		if len(waits) != policy.MaxAttempts-1 {
			t.Fatalf("Retry-After %q: %d waits, want %d", ra, len(waits), policy.MaxAttempts-1)
		}
		for _, d := range waits {
			if d < policy.BaseDelay {
				t.Errorf("Retry-After %q: waited %s, want at least %s", ra, d, policy.BaseDelay)
			}
		}
	}
}

// TestRetryStopsAtTheDeadlineWithTheLastAnswer: a wait that would outlast the context returns
// the last answer rather than the context's error after waiting.
func TestRetryStopsAtTheDeadlineWithTheLastAnswer(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "Busy", "come back later")
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.AsyncRequest(ctx, "1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n := srv.count("GET", "/async/1"); n != 1 {
		t.Errorf("GETs = %d, want 1: a wait past the deadline is not begun", n)
	}
}
