package wrapper

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// asyncServer answers GET /async/{id} pending for `pending` polls, then finished with the
// given asyncResponse.
func asyncServer(t *testing.T, pending int, finished map[string]any) *wire {
	return newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		body := map[string]any{"id": "900", "action": "PRE_ANALYSE", "asyncResponse": nil}
		if n > pending && finished != nil {
			body["asyncResponse"] = finished
		}
		writeJSON(w, 200, body)
	})
}

func TestWaitPollsUntilFinished(t *testing.T) {
	srv := asyncServer(t, 3, map[string]any{"dateCreated": "2026-11-28T17:03:20+0000", "acceptedSegmentsCount": 0})
	c, sl := newTestClient(t, srv.base(), WithAPIToken("t"))
	var seen []WaitProgress
	dto, err := c.WaitAsyncRequest(context.Background(), "900",
		WithPollInterval(100*time.Millisecond, 200*time.Millisecond),
		WithProgress(func(p WaitProgress) { seen = append(seen, p) }))
	if err != nil {
		t.Fatal(err)
	}
	if dto.AsyncResponse == nil {
		t.Fatal("returned before the request finished")
	}
	if n := srv.count("GET", "/async/900"); n != 4 {
		t.Errorf("polls = %d, want 4", n)
	}
	if len(seen) != 4 || seen[0].Polls != 1 || seen[3].Polls != 4 || seen[3].Last.AsyncResponse == nil || seen[0].Last.AsyncResponse != nil {
		t.Errorf("progress = %+v", seen)
	}
	// Pauses: 100ms, 150ms, 200ms (capped), each ±20%.
	waits := sl.all()
	want := []time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond}
	if len(waits) != len(want) {
		t.Fatalf("pauses = %v", waits)
	}
	for i, w := range waits {
		if lo, hi := want[i]*8/10, want[i]*12/10; w < lo || w > hi {
			t.Errorf("pause %d = %v, want %v ±20%%", i, w, want[i])
		}
	}
}

func TestWaitFinishedWithError(t *testing.T) {
	srv := asyncServer(t, 0, map[string]any{"errorCode": "ImportFailed", "errorDesc": "The file could not be imported.",
		"errorDetails": []map[string]any{{"code": "X", "message": "bad file"}}})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	dto, err := c.WaitAsyncRequest(context.Background(), "900")
	var ae *AsyncRequestError
	if !errors.As(err, &ae) || dto == nil || ae.Request != dto || *dto.AsyncResponse.ErrorCode != "ImportFailed" {
		t.Fatalf("dto = %+v, err = %v", dto, err)
	}
	if want := "async request 900 (PRE_ANALYSE) failed: ImportFailed: The file could not be imported.; bad file"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// TestWaitTimeout: the context's deadline bounds the wait; the error says which request did not
// finish, carries the last state, and is a context.DeadlineExceeded.
func TestWaitTimeout(t *testing.T) {
	srv := asyncServer(t, 0, nil) // never finishes
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	c.sleep = sleepCtx
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	dto, err := c.WaitAsyncRequest(ctx, "900", WithPollInterval(10*time.Millisecond, 20*time.Millisecond))
	var wt *WaitTimeoutError
	if !errors.As(err, &wt) || dto != nil {
		t.Fatalf("dto = %v, err = %v", dto, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(%v, context.DeadlineExceeded) = false", err)
	}
	if wt.ID != "900" || wt.Last == nil || *wt.Last.Id != "900" || wt.Waited < 80*time.Millisecond {
		t.Errorf("WaitTimeoutError = %+v", wt)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if n := srv.count("GET", "/async/900"); n < 2 {
		t.Errorf("polls = %d", n)
	}
}

// TestWaitTimeoutCause: with context.WithTimeoutCause the error is still a
// context.DeadlineExceeded, and the cause is found too.
func TestWaitTimeoutCause(t *testing.T) {
	srv := asyncServer(t, 0, nil)
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	c.sleep = sleepCtx
	errImportSLA := errors.New("import SLA of 50ms passed")
	ctx, cancel := context.WithTimeoutCause(context.Background(), 50*time.Millisecond, errImportSLA)
	defer cancel()
	_, err := c.WaitAsyncRequest(ctx, "900", WithPollInterval(10*time.Millisecond, 10*time.Millisecond))
	var wt *WaitTimeoutError
	if !errors.As(err, &wt) || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, errImportSLA) {
		t.Fatalf("err = %v (%T), want a *WaitTimeoutError that is DeadlineExceeded and the cause", err, err)
	}
}

// TestWaitCancelled: a cancelled context is not a timeout; the error is context.Canceled (and
// the cancel cause, when one was given).
func TestWaitCancelled(t *testing.T) {
	srv := asyncServer(t, 0, nil)
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	stop := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	polls := 0
	_, err := c.WaitAsyncRequest(ctx, "900", WithPollInterval(10*time.Millisecond, 10*time.Millisecond), WithProgress(func(WaitProgress) {
		if polls++; polls == 2 {
			cancel(stop)
		}
	}))
	var wt *WaitTimeoutError
	if errors.As(err, &wt) || !errors.Is(err, context.Canceled) || !errors.Is(err, stop) {
		t.Fatalf("err = %v, want context.Canceled with its cause, not a timeout", err)
	}
}

func TestWaitStopsOnPollError(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, 404, "NotFound", "no such async request")
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.WaitAsyncRequest(context.Background(), "900")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d", n)
	}
}

func TestPollIntervalJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		d := jitter(time.Second)
		if d < 800*time.Millisecond || d > 1200*time.Millisecond {
			t.Fatalf("jitter(1s) = %v, want within ±20%%", d)
		}
		seen[d] = true
	}
	if len(seen) < 50 {
		t.Errorf("jitter took only %d distinct values", len(seen))
	}
}
