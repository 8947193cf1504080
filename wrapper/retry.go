package wrapper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// RetryPolicy bounds how the client retries an answer that says "try again later" (429, 503)
// and, for reads, transient failures. Zero fields take the values of DefaultRetryPolicy.
//
// Whatever the policy, the job-creating POST leaves the wrapper again only after a 429 or a 503
// (which Phrase sends before acting), after a 401 once the token was renewed, after a
// connection error that provably happened before the request was written (a failed dial or DNS
// lookup, a header net/http refused to send), or after an HTTP/2 refusal that proves the server
// did not process it (RST_STREAM REFUSED_STREAM; GOAWAY with a last-stream-id below its stream).
// Each such resend is an attempt of the policy, counted and logged. Nothing below the wrapper
// can resend it: the copy handed to the http.Client cannot be rewound (no GetBody), and a
// second write of it in one attempt (by a retrying RoundTripper of WithHTTPClient) ends the
// attempt as an *UnknownOutcomeError. No redirect is followed (see RedirectError). After any
// other failure the POST may have created jobs, and it is not resent (see UnknownOutcomeError).
// Reads (GET) and login are also retried after other 5xx answers (but 501), 408, and network
// errors.
//
// Waits grow exponentially with full jitter (a random wait between 0 and
// min(MaxDelay, BaseDelay·2ⁿ)); a Retry-After header (seconds or an HTTP date) sets the wait
// instead. A wait after an answer (429, 503, a 5xx to a read) is never below BaseDelay (1s by
// default), whether Retry-After is missing, unreadable, 0 or a date in the past. A Retry-After
// longer than MaxDelay (one too large to count included), a wait that would end after
// MaxElapsed, or one that would end after the context's deadline, ends retrying and returns the
// last answer as an *APIError (or the last network error). The call's context cuts any wait
// short.
type RetryPolicy struct {
	MaxAttempts int           // total attempts incl. the first (default 5)
	MaxElapsed  time.Duration // give up retrying after this (default 2m)
	BaseDelay   time.Duration // first backoff (default 1s), doubled each time, full jitter
	MaxDelay    time.Duration // cap of one wait (default 60s); a longer Retry-After ends retrying with the APIError
}

// DefaultRetryPolicy returns the policy used unless WithRetryPolicy says otherwise: 5 attempts
// within 2 minutes, waits from 1s doubling up to 60s. 60s covers Phrase's advice to back off
// about a minute when over a concurrency limit.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, MaxElapsed: 2 * time.Minute, BaseDelay: time.Second, MaxDelay: 60 * time.Second}
}

// withDefaults fills the zero fields of p from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = d.MaxElapsed
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.BaseDelay > p.MaxDelay {
		p.BaseDelay = p.MaxDelay
	}
	return p
}

// transport is the HttpRequestDoer the generated client sends through. Per call it applies the
// retry policy; per attempt it paces, authenticates, sets the User-Agent, bounds the attempt,
// reads the body (bounded) and logs one record.
type transport struct{ c *Client }

// requestKind is what the retry policy needs to know about a request.
type requestKind struct {
	login bool // POST /api2/v1/auth/login: no Authorization; harmless to resend
	safe  bool // resending cannot duplicate an effect (GET, HEAD, OPTIONS, login)
}

func classify(req *http.Request) requestKind {
	k := requestKind{login: isLoginRequest(req)}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		k.safe = true
	}
	k.safe = k.safe || k.login
	return k
}

// maxSuccessBody bounds a 2xx body; a longer one is an error rather than a memory risk.
const maxSuccessBody = 32 << 20

// maxDrain bounds how much of an over-long error body is drained to reuse the connection.
const maxDrain = 256 << 10

// Do sends req under the retry policy. The body of the response it returns has been read
// (bounded) and closed; resp.Body reads from memory.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	c := t.c
	ctx := req.Context()
	kind := classify(req)
	p := c.retry
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	start := time.Now()
	reauthed := false
	// lastAnswer is the last error answer of a safe request that is being retried: when the
	// context ends during a later attempt, it says more than the context's error (an async
	// poll answered 500 until the wait's deadline is a 500, not "has not finished").
	var lastAnswer *http.Response
	for n, tries := 1, 1; ; n++ {
		if err := c.pace(ctx); err != nil {
			return lastOr(lastAnswer, err)
		}
		if n > 1 {
			if err := paceWith(ctx, retryPacer(ctx)); err != nil {
				return lastOr(lastAnswer, err)
			}
		}
		authz, token, err := c.auth.header(ctx, kind.login)
		if err != nil {
			return nil, err
		}
		resp, written, err := c.attempt(ctx, req, n, authz, kind)
		if err == nil && !kind.login {
			capture(ctx, req, resp)
		}
		if err != nil {
			var redirect *RedirectError
			if errors.As(err, &redirect) {
				if !kind.safe {
					// Nothing proves the server did not act before it redirected (a front end
					// may forward the POST and answer 301/307/308 afterwards).
					return nil, &UnknownOutcomeError{ProjectUID: projectOf(req.URL.Path), Err: err}
				}
				return nil, err
			}
			if invalidHeader(err) {
				return nil, err // refused by net/http before anything was written
			}
			if !kind.safe && errors.As(err, new(*answerReadError)) {
				// The answer's headers arrived, so the server processed the request: whatever
				// broke the body afterwards (even a REFUSED_STREAM reset or a GOAWAY below the
				// stream) proves nothing about the request. Never resent; CreateJobs turns a
				// 201 into a *CreatedUnreadableError.
				return nil, &UnknownOutcomeError{ProjectUID: projectOf(req.URL.Path), Err: err}
			}
			unprocessed := provablyUnprocessed(err)
			if !kind.safe && !unprocessed && !provablyUnsent(err, written) {
				return nil, &UnknownOutcomeError{ProjectUID: projectOf(req.URL.Path), Err: err}
			}
			if ctx.Err() != nil && kind.safe && lastAnswer != nil {
				return lastAnswer, nil
			}
			if ctx.Err() != nil || !replayable || tries >= p.MaxAttempts || !(retryableError(err) || unprocessed) {
				return nil, err
			}
			wait := backoff(p, tries)
			if time.Since(start)+wait > p.MaxElapsed || pastDeadline(ctx, wait) {
				return nil, err
			}
			c.retrying(ctx, req, n, nil, err, wait)
			if serr := c.sleep(ctx, wait); serr != nil {
				return nil, fmt.Errorf("%w (while waiting to retry after: %v)", serr, err)
			}
			tries++
			continue
		}
		if resp.StatusCode == http.StatusUnauthorized && c.auth.renews() && !kind.login && !reauthed && replayable {
			// The token expired or was invalidated: Phrase refused the call before acting, so
			// it is replayed once with a fresh token.
			reauthed = true
			c.auth.invalidate(token)
			c.retrying(ctx, req, n, resp, nil, 0)
			continue
		}
		if !retryableStatus(resp.StatusCode, kind.safe) || !replayable || tries >= p.MaxAttempts {
			if retryableStatus(resp.StatusCode, kind.safe) {
				c.givingUp(ctx, req, n, resp, "the retry policy's attempts are used up, or the body cannot be sent again")
			}
			return resp, nil
		}
		wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
		if ok && wait > p.MaxDelay {
			c.givingUp(ctx, req, n, resp, "Retry-After is longer than the retry policy's MaxDelay")
			return resp, nil
		}
		if !ok {
			wait = backoff(p, tries)
		}
		if wait < p.BaseDelay {
			// Retry-After: 0, a date already past, or none at all (full jitter can draw a
			// wait near 0): keep a floor, so that a server (or a clock skew) cannot make the
			// client resend in a tight loop.
			wait = p.BaseDelay
		}
		if time.Since(start)+wait > p.MaxElapsed || pastDeadline(ctx, wait) {
			// The last answer says more than the context's error would after the wait.
			c.givingUp(ctx, req, n, resp, "the wait would end after the retry policy's MaxElapsed or the context's deadline")
			return resp, nil
		}
		c.retrying(ctx, req, n, resp, nil, wait)
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%w (while waiting to retry after %s %s answered %s)", serr, req.Method, req.URL.Path, resp.Status)
		}
		if kind.safe {
			lastAnswer = resp
		}
		tries++
	}
}

// lastOr returns the last answer when there is one, else err.
func lastOr(last *http.Response, err error) (*http.Response, error) {
	if last != nil {
		return last, nil
	}
	return nil, err
}

// pastDeadline reports whether waiting d would run past ctx's deadline.
func pastDeadline(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Now().Add(d).After(dl)
}

// pace waits for the turn WithRateLimit gives this attempt.
func (c *Client) pace(ctx context.Context) error { return paceWith(ctx, c.limiter) }

// paceWith waits for limiter's next turn (a nil limiter gives every turn at once), or until ctx
// is done. It waits with a timer rather than Limiter.Wait, which fails at once (with an error
// that is not the context's) when the turn lies beyond ctx's deadline.
func paceWith(ctx context.Context, limiter *rate.Limiter) error {
	if limiter == nil {
		return nil
	}
	now := time.Now()
	r := limiter.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if rec, ok := ctx.Value(turnRecorderKey{}).(func(time.Time)); ok {
		rec(now.Add(d))
	}
	if err := sleepCtx(ctx, d); err != nil {
		r.Cancel()
		return err
	}
	return nil
}

// turnRecorderKey carries, in tests, a function that learns the time of every turn paceWith
// reserves: the limiter's own schedule, which no scheduling delay can distort.
type turnRecorderKey struct{}

// attempt sends one copy of req and reads its response. written reports whether any part of
// the request may have been written to a connection.
//
// For a request that is not safe to resend (the job-creating POST), the copy sent has no
// GetBody: no transport below the wrapper (HTTP/1 or HTTP/2, whose RoundTrip rewinds a body
// through GetBody and resends it after a stream reset or GOAWAY) can send it a second time.
// Every write of the request's headers is counted as well; should a RoundTripper below (a
// caller's, through WithHTTPClient) still write it twice, the attempt fails with an
// *UnknownOutcomeError naming that, and the answer is not believed.
func (c *Client) attempt(ctx context.Context, req *http.Request, n int, authz string, kind requestKind) (resp *http.Response, written bool, err error) {
	actx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	cancel := context.CancelFunc(func() {})
	if c.attemptTimeout > 0 {
		actx, cancel = context.WithTimeout(actx, c.attemptTimeout)
	}
	defer cancel()
	var wrote atomic.Bool
	var writes, conns atomic.Int32
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn:          func(httptrace.GotConnInfo) { conns.Add(1) },
		WroteHeaderField: func(string, []string) { wrote.Store(true) },
		WroteHeaders: func() {
			wrote.Store(true)
			if writes.Add(1) > 1 && !kind.safe {
				stop(errWrittenTwice) // no third copy
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	r := req.Clone(actx)
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		if r.Body, err = req.GetBody(); err != nil {
			return nil, false, err
		}
	}
	if !kind.safe {
		r.GetBody = nil
	}
	r.Header.Set("User-Agent", c.userAgent)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	if authz != "" {
		r.Header.Set("Authorization", authz)
	} else {
		r.Header.Del("Authorization")
	}

	began := time.Now()
	resp, err = c.hc.Do(r)
	if err == nil {
		err = bufferBody(resp)
		if err != nil {
			resp = nil
		}
	}
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		// Unwrapped from http.Client's *url.Error, which names the Location with the method
		// of a request never sent (a GET for a 301-303 to a POST).
		err, resp = redirect, nil
	}
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode <= 399 && resp.Header.Get("Location") != "" {
		// http.Client hands back a 307/308 it cannot follow (no GetBody) instead of asking
		// CheckRedirect: the same refusal.
		err, resp = redirectOf(resp), nil
	}
	if w := writes.Load(); w > 1 && !kind.safe {
		// Defence in depth: something below the wrapper resent the request. Whatever it
		// answered, Phrase may have acted more than once.
		err = &resentBelowError{Method: req.Method, Path: req.URL.Path, Writes: int(w), Conns: int(conns.Load()), Err: err}
		resp = nil
		c.logger.LogAttrs(ctx, slog.LevelWarn, "phrase request written more than once below the wrapper",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("writes", int(w)), slog.Int("connections", int(conns.Load())), slog.Int("attempt", n))
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if err != nil || status < 200 || status > 299 {
		// Only errors and error answers are shown: only they need the request's secrets.
		red := redactor{set: c.secrets, extra: requestSecrets(req, authz)}
		err = red.err(redactErr(err))
		if resp != nil {
			if mb, ok := resp.Body.(*memBody); ok {
				mb.secrets = red.extra
			}
		}
	}
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return resp, wrote.Load(), err
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(began)),
		slog.Int("attempt", n),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else if id := requestID(resp.Header); id != "" {
		attrs = append(attrs, slog.String("request_id", c.exchangeRedactor(req, authz, resp).str(id)))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "phrase http exchange", attrs...)
	return resp, wrote.Load(), err
}

// bufferBody reads the body of resp into memory (bounded), drains and closes the connection's
// body so that the connection can be reused, and replaces resp.Body with the bytes read.
//
// Memory: a 2xx answer whose Content-Length exceeds maxSuccessBody is refused before a byte is
// read; one with a Content-Length is read into one allocation of its size (+1 byte); one
// without is read in growing chunks and copied once, so it costs at most about twice its size,
// and an over-long one no more than maxSuccessBody plus one chunk before it is refused.
func bufferBody(resp *http.Response) error {
	limit := int64(maxErrorBody)
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if ok {
		limit = maxSuccessBody
	}
	var data []byte
	var err error
	if ok && resp.ContentLength > limit {
		err = fmt.Errorf("the answer is longer than %d bytes (Content-Length %d)", limit, resp.ContentLength)
	} else {
		var over bool
		data, over, err = readBounded(resp.Body, resp.ContentLength, limit, !ok)
		if err == nil && over {
			if ok {
				data, err = nil, fmt.Errorf("the answer is longer than %d bytes", limit)
			} else {
				_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
			}
		}
	}
	_ = resp.Body.Close()
	if err != nil {
		return &answerReadError{StatusCode: resp.StatusCode, Header: resp.Header, Partial: data,
			Err: fmt.Errorf("reading the answer of %s %s (%s): %w", resp.Request.Method, resp.Request.URL.Path, resp.Status, err)}
	}
	resp.Body = bytesBody(data)
	resp.ContentLength = int64(len(data))
	return nil
}

// maxChunk is the largest chunk readBounded reads into when the length is not known.
const maxChunk = 1 << 20

// readBounded reads r to its end, or to limit bytes and reports over when there was more. size
// is the expected length (-1 when unknown): the first chunk is exactly size+1 bytes (so a
// body of the announced length is one allocation, no copy); otherwise chunks start at 4 KiB and
// double up to maxChunk, and are copied into one slice at the end.
//
// An over-long body's first limit bytes are returned only when keepOver asks for them.
func readBounded(r io.Reader, size, limit int64, keepOver bool) (data []byte, over bool, err error) {
	first := int64(4 << 10)
	if size >= 0 {
		first = size + 1
	}
	first = min(first, limit+1)
	var chunks [][]byte
	var total int64
	next := first
	for {
		chunk := make([]byte, next)
		n, rerr := io.ReadFull(r, chunk)
		chunks = append(chunks, chunk[:n])
		total += int64(n)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			// What was read so far is returned with the error: for a 201 it is all of the
			// answer the caller will ever see.
			var partial []byte
			for _, c := range chunks {
				partial = append(partial, c...)
			}
			return partial, false, rerr
		}
		if total > limit {
			over = true
			break
		}
		next = min(max(next*2, 4<<10), maxChunk, limit+1-total)
	}
	if over && !keepOver {
		return nil, true, nil
	}
	if len(chunks) == 1 {
		data = chunks[0]
	} else {
		data = make([]byte, 0, min(total, limit))
		for _, c := range chunks {
			data = append(data, c[:min(int64(len(c)), limit-int64(len(data)))]...)
		}
	}
	if int64(len(data)) > limit {
		data = data[:limit]
	}
	return data, over, nil
}

// redactErr removes secrets from the URL a *url.Error names.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = redactURL(u)
		}
	}
	return err
}

// provablyUnsent reports whether a failed attempt certainly did not reach the server: nothing
// was written and the connection was never made (a failed dial or DNS lookup).
func provablyUnsent(err error, written bool) bool {
	if written {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// retryableError reports whether a network error is worth another attempt: not when the
// server's certificate is refused, nor for errors that are not about the network.
func retryableError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// retryableStatus reports whether an answer says "try again": 429 and 503 for every request
// (Phrase sends them before acting), and for safe requests also 408 and 5xx but 501.
func retryableStatus(code int, safe bool) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return safe
	}
	return false
}

// backoff returns the wait before retry number tries (1 for the first retry): full jitter over
// min(MaxDelay, BaseDelay·2^(tries-1)).
func backoff(p RetryPolicy, tries int) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < tries && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// sleepCtx waits d, or returns the context's error (its cause, when set) if it ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// projectOf returns the project uid of a path such as /web/api2/v1/projects/{uid}/jobs/... .
func projectOf(path string) string {
	const marker = "/projects/"
	i := strings.Index(path, marker)
	if i < 0 {
		return ""
	}
	rest := path[i+len(marker):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	if u, err := url.PathUnescape(rest); err == nil {
		return u
	}
	return rest
}
