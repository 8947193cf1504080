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
		_, err := c.CreateJobs(context.Background(), "P", "DL1", validBody())
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

// TestWaitAfterAnAnswerWithoutRetryAfterKeepsAFloor: a 429 or 503 without Retry-After (or with
// one that cannot be read) was resent after full jitter, which can be near 0 (120 ms apart on
// the wire); every wait after an answer is now at least BaseDelay.
func TestWaitAfterAnAnswerWithoutRetryAfterKeepsAFloor(t *testing.T) {
	for _, ra := range []string{"", "soon", "-5"} {
		for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
			srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if ra != "" {
					w.Header().Set("Retry-After", ra)
				}
				writeError(w, code, "Busy", "slow down")
			})
			policy := RetryPolicy{MaxAttempts: 8, MaxElapsed: time.Hour, BaseDelay: time.Second, MaxDelay: time.Minute}
			c, s := newTestClient(t, srv.base(), WithAPIToken("tok"), WithRetryPolicy(policy))
			_, err := c.CreateJobs(context.Background(), "P", "DL1", validBody())
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != code {
				t.Fatalf("%d, Retry-After %q: err = %v", code, ra, err)
			}
			waits := s.all()
			if len(waits) != policy.MaxAttempts-1 {
				t.Fatalf("%d, Retry-After %q: %d waits, want %d", code, ra, len(waits), policy.MaxAttempts-1)
			}
			for _, d := range waits {
				if d < policy.BaseDelay {
					t.Errorf("%d, Retry-After %q: waited %s, want at least %s", code, ra, d, policy.BaseDelay)
				}
			}
		}
	}
}

// TestRetryAfterTooLargeToCountEndsRetrying: a Retry-After of more seconds than int64 holds is
// "very long" (as 86401 is), not "missing": the APIError comes back after one POST, no wait.
func TestRetryAfterTooLargeToCountEndsRetrying(t *testing.T) {
	for _, ra := range []string{"999999999999999999999", "86401", "9223372036854775807"} {
		srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", ra)
			writeError(w, http.StatusTooManyRequests, "ApiLimitReached", "slow down")
		})
		c, s := newTestClient(t, srv.base(), WithAPIToken("tok"), WithRetryPolicy(DefaultRetryPolicy()))
		_, err := c.CreateJobs(context.Background(), "P", "DL1", validBody())
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
			t.Fatalf("Retry-After %q: err = %v, want the 429", ra, err)
		}
		if n := srv.count("POST", "/connectorTask"); n != 1 || len(s.all()) != 0 {
			t.Errorf("Retry-After %q: POSTs = %d, waits %v; want 1 POST and no wait", ra, n, s.all())
		}
	}
}
