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
	timeout     time.Duration
	first, most time.Duration
	progress    func(WaitProgress)
}

// WithWaitTimeout bounds the whole wait (default 10m; 0 or less leaves only the context as a
// bound). When it passes, WaitAsyncRequest returns a *WaitTimeoutError with the last state
// seen; the request goes on in Phrase.
func WithWaitTimeout(d time.Duration) WaitOption {
	return func(w *waitSettings) { w.timeout = d }
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
// It returns the finished request. When that finished with an errorCode, it returns the request
// AND an *AsyncRequestError carrying it. When the wait timeout passes first it returns a
// *WaitTimeoutError (with the last state seen); when ctx ends first, ctx's error. A poll that
// fails beyond the retry policy (a 404 for an unknown id, say) ends the wait with that error.
func (c *Client) WaitAsyncRequest(ctx context.Context, id string, opts ...WaitOption) (*api.AsyncRequestDto, error) {
	w := waitSettings{timeout: 10 * time.Minute, first: 2 * time.Second, most: 15 * time.Second}
	for _, o := range opts {
		if o != nil {
			o(&w)
		}
	}
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("wait for async request: empty id")
	}
	if w.first <= 0 {
		w.first = 2 * time.Second
	}
	w.most = max(w.most, w.first)

	start := time.Now()
	waitCtx := ctx
	cancel := context.CancelFunc(func() {})
	if w.timeout > 0 {
		waitCtx, cancel = context.WithTimeoutCause(ctx, w.timeout, errWaitTimeout)
	}
	defer cancel()

	var last *api.AsyncRequestDto
	timedOut := func() error {
		return &WaitTimeoutError{ID: id, Waited: time.Since(start), Last: last}
	}
	interval := w.first
	for polls := 1; ; polls++ {
		dto, err := c.AsyncRequest(waitCtx, id)
		if err != nil {
			if ctx.Err() == nil && errors.Is(context.Cause(waitCtx), errWaitTimeout) {
				return nil, timedOut()
			}
			return nil, fmt.Errorf("wait for async request %s: %w", id, err)
		}
		last = dto
		if w.progress != nil {
			w.progress(WaitProgress{Polls: polls, Elapsed: time.Since(start), Last: dto})
		}
		if dto.AsyncResponse != nil {
			if dto.AsyncResponse.ErrorCode != nil && *dto.AsyncResponse.ErrorCode != "" {
				return dto, &AsyncRequestError{Request: dto}
			}
			return dto, nil
		}
		pause := jitter(interval)
		if err := c.sleep(waitCtx, pause); err != nil {
			if ctx.Err() == nil && errors.Is(err, errWaitTimeout) {
				return nil, timedOut()
			}
			return nil, fmt.Errorf("wait for async request %s: %w", id, err)
		}
		interval = min(interval+interval/2, w.most)
	}
}

// errWaitTimeout is the cause of the wait's own deadline, to tell it from the caller's.
var errWaitTimeout = errors.New("wait timeout")

// jitter returns d ±20%.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := d / 5
	return d - spread + rand.N(2*spread+1)
}
