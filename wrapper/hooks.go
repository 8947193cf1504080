package wrapper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// RetryEvent describes one decision of the client to send a request again: after a 429 or a
// 503 (Phrase's "try again later"), after a 401 answered by a fresh login, or, for reads and
// provably unsent requests, after a network error or another 5xx. WithRetryHook receives one
// per retry; the client also logs it (see WithLogger).
type RetryEvent struct {
	Method string
	Path   string // the request's path, e.g. /web/api2/v1/projects/PRJ/jobs/connectorTask
	// Attempt is the number of the attempt that failed (1 for the first).
	Attempt int
	// StatusCode is the status of the answer that asks for the retry; 0 after a network error.
	StatusCode int
	// RequestID is the request id of that answer (see Response.RequestID), "" if none.
	RequestID string
	// Err is the network error, when there was no answer.
	Err error
	// Wait is how long the client waits before the next attempt (0 after a 401: it logs in and
	// resends at once).
	Wait time.Duration
	// Reason says why, for a log line: "429 Too Many Requests", "401 Unauthorized: logged in
	// again", "network error".
	Reason string
}

// WithRetryHook calls fn each time the client is about to send a request again, from the
// goroutine of the call and with its context (to add an event to the call's trace span, say,
// or to count retries). Keep it quick: the retry waits for it.
func WithRetryHook(fn func(ctx context.Context, e RetryEvent)) Option {
	return func(s *settings) error {
		if fn == nil {
			return errors.New("wrapper: WithRetryHook(nil)")
		}
		s.retryHook = fn
		return nil
	}
}

// WithTransport wraps the transport every attempt goes through with middleware, e.g.
// otelhttp.NewTransport for a client span per attempt, or a transport that records metrics.
// wrap receives the transport the client would use otherwise (the default client's tuned one,
// with its timeouts on connecting, the TLS handshake and the response headers, or the transport
// of WithHTTPClient's client) and returns the one to use. Several WithTransport options nest in
// the order given: the first is innermost.
//
// The wrapper's authentication, retries and logging stay above the middleware, so it sees
// each attempt, with the Authorization header set: do not log that header.
func WithTransport(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(s *settings) error {
		if wrap == nil {
			return errors.New("wrapper: WithTransport(nil)")
		}
		s.transportWraps = append(s.transportWraps, wrap)
		return nil
	}
}

// wrapTransport returns hc with its transport wrapped by wraps (in order), or hc itself when
// there are none. hc is copied, never changed: it may be the caller's.
func wrapTransport(hc *http.Client, wraps []func(http.RoundTripper) http.RoundTripper) (*http.Client, error) {
	if len(wraps) == 0 {
		return hc, nil
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	for _, w := range wraps {
		if rt = w(rt); rt == nil {
			return nil, errors.New("wrapper: WithTransport: the wrap function returned a nil http.RoundTripper")
		}
	}
	c := *hc
	c.Transport = rt
	return &c, nil
}

// retrying logs a retry (Info for Phrase's "try again later" and a renewed login, Warn for a
// network error or another 5xx) and calls the retry hook.
func (c *Client) retrying(ctx context.Context, req *http.Request, attempt int, resp *http.Response, err error, wait time.Duration) {
	e := RetryEvent{Method: req.Method, Path: req.URL.Path, Attempt: attempt, Err: err, Wait: wait}
	level := slog.LevelInfo
	switch {
	case resp != nil:
		e.StatusCode, e.RequestID, e.Reason = resp.StatusCode, c.hookRedactor(req).str(requestID(resp.Header)), resp.Status
		if resp.StatusCode == http.StatusUnauthorized {
			e.Reason = resp.Status + ": logged in again"
		} else if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
			level = slog.LevelWarn
		}
	default:
		e.Reason, level = "network error", slog.LevelWarn
	}
	if c.logger.Enabled(ctx, level) {
		attrs := []slog.Attr{
			slog.String("method", e.Method), slog.String("path", e.Path), slog.Int("attempt", e.Attempt),
			slog.String("reason", e.Reason), slog.Duration("wait", e.Wait),
		}
		if e.RequestID != "" {
			attrs = append(attrs, slog.String("request_id", e.RequestID))
		}
		if e.Err != nil {
			attrs = append(attrs, slog.String("error", e.Err.Error()))
		}
		c.logger.LogAttrs(ctx, level, "phrase: retrying", attrs...)
	}
	if c.retryHook != nil {
		c.retryHook(ctx, e)
	}
}

// givingUp logs (Warn) that the retry policy ends retrying an answer that asked for a retry;
// the answer is returned to the caller (an *APIError).
func (c *Client) givingUp(ctx context.Context, req *http.Request, attempt int, resp *http.Response, why string) {
	if !c.logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.Int("attempt", attempt),
		slog.Int("status", resp.StatusCode), slog.String("why", why),
	}
	if id := requestID(resp.Header); id != "" {
		attrs = append(attrs, slog.String("request_id", c.hookRedactor(req).str(id)))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "phrase: giving up retrying", attrs...)
}

// noteCreateOutcome logs (Warn) a job-creating call whose jobs may exist or do exist although
// the call failed: an *UnknownOutcomeError or a *CreatedUnreadableError. Both are returned to
// the caller too; the record is for whoever reads the logs when no caller handles them.
func (c *Client) noteCreateOutcome(ctx context.Context, projectUID string, err error) {
	if err == nil || !c.logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	var unknown *UnknownOutcomeError
	var unreadable *CreatedUnreadableError
	switch {
	case errors.As(err, &unknown):
		c.logger.LogAttrs(ctx, slog.LevelWarn, "phrase: outcome unknown: jobs may have been created; not resent",
			slog.String("project_uid", projectUID), slog.String("error", fmt.Sprint(unknown.Err)))
	case errors.As(err, &unreadable):
		attrs := []slog.Attr{slog.String("project_uid", projectUID), slog.String("error", fmt.Sprint(unreadable.Err))}
		if unreadable.Response.RequestID != "" {
			attrs = append(attrs, slog.String("request_id", unreadable.Response.RequestID))
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "phrase: jobs created, but the answer could not be read", attrs...)
	}
}
