package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/redact"
)

// APIError is a non-2xx answer of Phrase TMS, or of a proxy in front of it. It is returned for
// every status the wrapper does not retry (or no longer retries), whatever the body: Phrase's
// JSON error body fills ErrorCode, ErrorDescription and Details; any other body (an HTML page
// of a proxy, plain text) is kept, trimmed, in Body; an empty body leaves them all empty.
//
// Use errors.As to get at it:
//
//	var apiErr *wrapper.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
type APIError struct {
	Method, URL      string // URL redacted of any secret (user info, token query parameters)
	StatusCode       int
	ErrorCode        string
	ErrorDescription string
	Details          []api.ErrorDetailDto
	RetryAfter       time.Duration // from the Retry-After header (seconds or HTTP date); 0 when absent
	Body             string        // first bytes of a non-JSON body (e.g. an HTML proxy page), trimmed
	// RequestID is the request id of the answer, for a support ticket to Phrase (see
	// Response.RequestID for the headers it is read from); "" when none.
	RequestID string
	// Header holds every header of the answer.
	Header http.Header

	// red redacts what Error prints once more: oneLine joins a secret that an echo split with
	// line breaks or tabs back into one, after the fields were redacted.
	red redactor
}

// maxErrorBody bounds how much of an error answer is read; the rest is drained and dropped.
const maxErrorBody = 64 << 10

// maxBodyField bounds APIError.Body.
const maxBodyField = 2 << 10

// Error returns one line, e.g. `POST /api2/v1/projects/X/jobs/connectorTask: 400 Bad Request:
// NOT_UNIQUE_TARGET_LANG: Target languages must be unique.`.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(pathOf(e.URL))
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.ErrorCode != "" {
		b.WriteString(": ")
		b.WriteString(e.ErrorCode)
	}
	if e.ErrorDescription != "" {
		b.WriteString(": ")
		b.WriteString(e.red.line(e.ErrorDescription, 300))
	}
	said := []string{e.ErrorCode, e.ErrorDescription}
	for _, d := range e.Details {
		if d.Message != nil && addsDetail(*d.Message, said...) {
			b.WriteString("; ")
			b.WriteString(e.red.line(*d.Message, 200))
			said = append(said, *d.Message)
		}
	}
	if e.ErrorCode == "" && e.ErrorDescription == "" && e.Body != "" {
		b.WriteString(": ")
		b.WriteString(e.red.line(e.Body, 200))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return e.red.str(b.String())
}

// CheckResponse returns nil for a 2xx response and an *APIError otherwise. body is the
// response body already read (for example the Body field of a response of the generated
// client, when calling through Client.API()); resp.Body is not touched.
//
// Without a Client, it redacts what the response itself tells of the request: the
// Authorization header of resp.Request (the whole value and the credential after its scheme),
// the password and connectorToken of a request body it can read again (GetBody), and, for a
// response of Client.API(), every secret that Client knows of the request.
func CheckResponse(resp *http.Response, body []byte) error {
	if resp == nil {
		return nil
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := newAPIError(resp, body, time.Now())
	responseRedactor(resp).apiError(e)
	return e
}

// responseRedactor collects the secrets a response carries of its request.
func responseRedactor(resp *http.Response) redactor {
	r := redactor{set: &redact.Set{}}
	if mb, ok := resp.Body.(*memBody); ok {
		r.extra = append(r.extra, mb.secrets...)
	}
	req := resp.Request
	if req == nil {
		return r
	}
	r.extra = append(r.extra, requestSecrets(req, req.Header.Get("Authorization"))...)
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			var login struct {
				Password string `json:"password"`
			}
			if json.NewDecoder(io.LimitReader(rc, maxErrorBody)).Decode(&login) == nil && login.Password != "" {
				r.extra = append(r.extra, login.Password)
			}
			_ = rc.Close()
		}
	}
	return r
}

// newAPIError builds an *APIError from a response whose body has been read.
func newAPIError(resp *http.Response, body []byte, now time.Time) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header), Header: resp.Header}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.URL = redactURL(resp.Request.URL)
		}
	}
	e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	parseErrorBody(e, body)
	return e
}

// parseErrorBody fills the body-derived fields of e from an error answer's body, of any
// content: Phrase's JSON error body, another JSON document, HTML, text or nothing.
func parseErrorBody(e *APIError, body []byte) {
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return
	}
	if trimmed[0] == '{' {
		// A tolerant reader: fields of unexpected types are skipped, not fatal.
		var raw map[string]json.RawMessage
		if json.Unmarshal([]byte(trimmed), &raw) == nil {
			var code, desc string
			_ = json.Unmarshal(raw["errorCode"], &code)
			_ = json.Unmarshal(raw["errorDescription"], &desc)
			if desc == "" {
				_ = json.Unmarshal(raw["errorDesc"], &desc)
			}
			var details []api.ErrorDetailDto
			if json.Unmarshal(raw["errorDetails"], &details) != nil {
				details = nil
			}
			if code != "" || desc != "" || len(details) > 0 {
				e.ErrorCode, e.ErrorDescription, e.Details = code, desc, details
				return
			}
		}
	}
	e.Body = truncateUTF8(trimmed, maxBodyField)
}

// parseRetryAfter reads a Retry-After value: a number of seconds or an HTTP date. ok is false
// when the header is absent or unreadable; a date in the past is 0 with ok true.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if errors.Is(err, strconv.ErrRange) && secs > 0 {
		// More seconds than int64 holds: "very long", not "missing" (capped as below).
		return 24 * time.Hour, true
	}
	if err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d.Round(time.Second), true
	}
	return 0, false
}

// UnknownOutcomeError is returned by CreateJobs when the request may have
// reached Phrase but no usable answer came back: a 5xx other than 503 (a 502 from a proxy, a
// 500, a 504), a connection that broke after the request was written, a timeout or a cancelled
// context after sending. Phrase may or may not have created the jobs. The wrapper never resends
// such a request, because Phrase has no idempotency key and a resend can create every job twice.
//
// It carries what finding out needs: Client.Reconcile lists the project's jobs and answers
// whether this call created jobs (and which), created none, or cannot be told apart from other
// jobs. OutcomeOf(err) returns Unknown for it.
//
// It deliberately does not unwrap to its cause. A caller that checks errors.As(err, &apiErr)
// and retries 5xx answers, or treats errors.Is(err, context.DeadlineExceeded) as "nothing
// happened, try again", would otherwise resend a request that may have created the jobs. So
// errors.As(err, &apiErr) and errors.Is(err, context.DeadlineExceeded) (or context.Canceled, or
// a net.Error) are false for an UnknownOutcomeError even when that was its cause; the cause is
// in Err for logging and diagnosis. Check for UnknownOutcomeError (or OutcomeOf) first.
type UnknownOutcomeError struct {
	ProjectUID string
	// SentAt is when the call began sending, by the client's clock (WithClock): no job it
	// created can be older. GaveUpAt is when it stopped waiting for an answer; Phrase may still
	// have been processing the request then.
	SentAt, GaveUpAt time.Time
	// TargetLangs, DownloadTaskID and RemoteFileName are those of the request (RemoteFileName
	// only when the body had remoteFile; RemoteFileNameRegex when it is a regular expression).
	TargetLangs         []string
	DownloadTaskID      string
	RemoteFileName      string
	RemoteFileNameRegex bool
	// Err is the cause (*APIError for a 5xx, or the network or context error). It is not
	// returned by an Unwrap method, on purpose: see above.
	Err error
}

// Error says that the outcome is unknown and how to check it.
func (e *UnknownOutcomeError) Error() string {
	cause := "no answer"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	project := "the project"
	if e.ProjectUID != "" {
		project = "project " + e.ProjectUID
	}
	return fmt.Sprintf("create jobs: outcome unknown: jobs may have been created (%s); the request was not resent: list the jobs of %s in Phrase (or reconcile) before trying again", cause, project)
}

// AsyncRequestError is returned by WaitAsyncRequest when the asynchronous request finished with
// an errorCode. Request is the finished request (also returned beside the error), with the code,
// description and details in Request.AsyncResponse.
type AsyncRequestError struct {
	Request *api.AsyncRequestDto

	red redactor // the Client's secrets, for what Error prints of Phrase's text
}

// Error names the request, its action and Phrase's errorCode and errorDesc.
func (e *AsyncRequestError) Error() string {
	var b strings.Builder
	b.WriteString("async request")
	if e.Request != nil {
		if e.Request.Id != nil {
			b.WriteString(" " + *e.Request.Id)
		}
		if e.Request.Action != nil {
			b.WriteString(" (" + string(*e.Request.Action) + ")")
		}
	}
	b.WriteString(" failed")
	if e.Request != nil && e.Request.AsyncResponse != nil {
		r := e.Request.AsyncResponse
		if r.ErrorCode != nil {
			b.WriteString(": " + *r.ErrorCode)
		}
		if r.ErrorDesc != nil && *r.ErrorDesc != "" {
			b.WriteString(": " + e.red.line(*r.ErrorDesc, 300))
		}
		said := []string{deref(r.ErrorCode), deref(r.ErrorDesc)}
		for _, d := range r.ErrorDetails {
			if d.Message != nil && addsDetail(*d.Message, said...) {
				b.WriteString("; " + e.red.line(*d.Message, 200))
				said = append(said, *d.Message)
			}
		}
	}
	return e.red.str(b.String())
}

// WaitTimeoutError is returned by WaitAsyncRequest when the deadline of its context passed
// before the request finished. The request goes on in Phrase; wait again or look at it later.
//
// It satisfies errors.Is(err, context.DeadlineExceeded), whatever cause the deadline was given
// (context.WithTimeoutCause), and errors.Is with that cause too.
type WaitTimeoutError struct {
	ID     string
	Waited time.Duration
	Last   *api.AsyncRequestDto // last state seen, may be nil
	Cause  error                // context.Cause of the wait's context: context.DeadlineExceeded or the cause given
}

// Error says which request did not finish and for how long it was waited for.
func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("async request %s has not finished after %s; it goes on in Phrase: wait again or check it later", e.ID, e.Waited.Round(time.Millisecond))
}

// Is reports whether target is context.DeadlineExceeded: a wait timeout is a deadline.
func (e *WaitTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Unwrap returns the context's cause, so errors.Is finds a cause given with
// context.WithTimeoutCause.
func (e *WaitTimeoutError) Unwrap() error { return e.Cause }

// redactURL returns u as a string without user information and with the values of query
// parameters that carry secrets replaced.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			if isSecretName(k) {
				q[k] = []string{"REDACTED"}
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// isSecretName reports whether a query parameter or field name names a credential.
func isSecretName(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"token", "password", "secret", "key", "auth"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// pathOf returns the path of a URL string from Phrase's /api2/ on (the API root's /web
// prefix is left out), or the whole path, or the string itself when it does not parse.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return raw
	}
	if i := strings.Index(u.Path, "/api2/"); i > 0 {
		return u.Path[i:]
	}
	return u.Path
}

// oneLine collapses white space and cuts s to at most n bytes (on a rune boundary).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return truncateUTF8(s, n) + "…"
	}
	return s
}

// truncateUTF8 replaces invalid UTF-8 and cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) { // only a rune cut in half at the end can be invalid
		s = s[:len(s)-1]
	}
	return s
}
