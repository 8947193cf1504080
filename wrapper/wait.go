package wrapper

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// WaitOption configures WaitAsyncRequest.
type WaitOption func(*waitSettings)

type waitSettings struct {
	first, most time.Duration
	progress    func(WaitProgress)
}

// WithPollInterval sets the pause before the second poll and the longest pause it grows to
// (default 2s growing to 15s). Each pause grows by half and is jittered by ±20%, so that many
// waiting clients do not poll in step.
func WithPollInterval(first, max time.Duration) WaitOption {
	return func(w *waitSettings) { w.first, w.most = first, max }
}

// WithProgress calls fn after every poll, from the waiting goroutine; keep it quick.
func WithProgress(fn func(WaitProgress)) WaitOption {
	return func(w *waitSettings) { w.progress = fn }
}

// WaitProgress is what the WithProgress callback learns after each poll.
type WaitProgress struct {
	Polls   int                  // polls so far, this one included
	Elapsed time.Duration        // since the wait began
	Last    *api.AsyncRequestDto // the state this poll read
}

// WaitAsyncRequest polls GET /api2/v1/async/{id} until the asynchronous request has finished
// (its AsyncResponse is not nil), pausing between polls with a growing, jittered interval.
// Each poll is retried like AsyncRequest (429, 5xx, network errors) under the retry policy.
//
// The context is the one bound of the wait: give it a deadline (context.WithTimeout, or
// context.WithTimeoutCause) to give up after a while. A job import usually finishes within
// minutes; 10 minutes is a reasonable bound for one file.
//
// It returns the finished request. When that finished with an errorCode, it returns the request
// AND an *AsyncRequestError carrying it. When ctx's deadline passes first it returns a
// *WaitTimeoutError with the last state seen, which satisfies errors.Is(err,
// context.DeadlineExceeded) (and errors.Is with the context's cause); the request goes on in
// Phrase. When ctx is cancelled it returns an error that satisfies errors.Is(err,
// context.Canceled). A poll that fails beyond the retry policy (a 404 for an unknown id, say)
// ends the wait with that error.
func (c *Client) WaitAsyncRequest(ctx context.Context, id string, opts ...WaitOption) (*api.AsyncRequestDto, error) {
	w := waitSettings{first: 2 * time.Second, most: 15 * time.Second}
	for _, o := range opts {
		if o != nil {
			o(&w)
		}
	}
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("wait for async request: empty id: pass the id of CreateJobs' asyncRequest")
	}
	if p := pathIDProblem("asyncRequestId", id, "pass the id of CreateJobs' asyncRequest"); p != nil {
		return nil, &ValidationError{Problems: []Problem{*p}}
	}
	if w.first <= 0 {
		w.first = 2 * time.Second
	}
	w.most = max(w.most, w.first)

	start := time.Now()
	var last *api.AsyncRequestDto
	// ended returns the error for a wait that ctx ended, or nil when ctx is not done.
	ended := func() error {
		switch ctx.Err() {
		case nil:
			return nil
		case context.DeadlineExceeded:
			return &WaitTimeoutError{ID: id, Waited: time.Since(start), Last: last, Cause: context.Cause(ctx)}
		}
		if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
			return fmt.Errorf("wait for async request %s: %w (%w)", id, ctx.Err(), cause)
		}
		return fmt.Errorf("wait for async request %s: %w", id, ctx.Err())
	}
	interval := w.first
	for polls := 1; ; polls++ {
		dto, err := c.AsyncRequest(ctx, id)
		if err != nil {
			if e := ended(); e != nil {
				return nil, e
			}
			return nil, fmt.Errorf("wait for async request %s: %w", id, err)
		}
		last = dto
		if w.progress != nil {
			w.progress(WaitProgress{Polls: polls, Elapsed: time.Since(start), Last: dto})
		}
		if dto.AsyncResponse != nil {
			if dto.AsyncResponse.ErrorCode != nil && *dto.AsyncResponse.ErrorCode != "" {
				return dto, &AsyncRequestError{Request: dto, red: redactor{set: c.secrets}}
			}
			return dto, nil
		}
		if err := c.sleep(ctx, jitter(interval)); err != nil {
			if e := ended(); e != nil {
				return nil, e
			}
			return nil, fmt.Errorf("wait for async request %s: %w", id, err)
		}
		interval = min(interval+interval/2, w.most)
	}
}

// jitter returns d ±20%.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := d / 5
	return d - spread + rand.N(2*spread+1)
}
