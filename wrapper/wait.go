package wrapper

import (
	"context"
	"errors"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// WaitOption configures WaitAsyncRequest.
type WaitOption func(*waitSettings)

type waitSettings struct {
	timeout    time.Duration
	first, max time.Duration
	progress   func(WaitProgress)
}

// WithWaitTimeout bounds the whole wait (default 10m).
func WithWaitTimeout(d time.Duration) WaitOption {
	return func(w *waitSettings) { w.timeout = d }
}

// WithPollInterval sets the first interval between polls and the largest it grows to
// (default 2s growing to 15s, with jitter).
func WithPollInterval(first, max time.Duration) WaitOption {
	return func(w *waitSettings) { w.first, w.max = first, max }
}

// WithProgress calls fn after every poll.
func WithProgress(fn func(WaitProgress)) WaitOption {
	return func(w *waitSettings) { w.progress = fn }
}

// WaitProgress is what WithProgress's callback learns after each poll.
type WaitProgress struct {
	Polls   int
	Elapsed time.Duration
	Last    *api.AsyncRequestDto
}

// WaitAsyncRequest polls an asynchronous request until it has finished.
func (c *Client) WaitAsyncRequest(ctx context.Context, id string, opts ...WaitOption) (*api.AsyncRequestDto, error) {
	return nil, errors.New("not implemented yet")
}
