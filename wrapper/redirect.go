package wrapper

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RedirectError is returned when Phrase (or whatever answers at the base URL) answers a call
// with a redirect (3xx with a Location). Phrase's API does not redirect API calls, so the
// wrapper follows no redirect, on any call: nothing is sent to the Location (neither the body,
// nor the Authorization header, nor a login's password), nothing is resent. A redirect usually
// means a wrong base URL: http:// for https://, a missing or extra /web, an old host name.
//
// For the job-creating POST, every redirect is returned inside an *UnknownOutcomeError (Err is
// the *RedirectError): nothing proves that the server did not act before it answered. A 302 or
// 303 is the post/redirect/get answer sent after acting, and a 301, 307 or 308 may come from a
// front end that forwarded the POST first (RFC 9110 does not say a redirect means "not acted
// on"). For every other call it is returned as is.
type RedirectError struct {
	Method, URL string // the call redirected; URL redacted
	StatusCode  int
	Location    string // where the server pointed, resolved against URL and redacted
	SuggestBase string // the base URL the Location suggests, "" when it suggests none
}

// Error names the redirect, its Location and the fix.
func (e *RedirectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: the server answered %d %s redirecting to %q; Phrase's API does not redirect, so the redirect was not followed and nothing was resent", e.Method, pathOf(e.URL), e.StatusCode, http.StatusText(e.StatusCode), e.Location)
	if e.SuggestBase != "" {
		fmt.Fprintf(&b, ": check the base URL (WithBaseURL, --base-url); the redirect suggests %s", e.SuggestBase)
	} else {
		b.WriteString(": check the base URL (WithBaseURL, --base-url)")
	}
	return b.String()
}

// refuseRedirect is every client's CheckRedirect: it refuses before anything is sent to the
// Location.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{}
	if len(via) > 0 {
		prev := via[len(via)-1]
		e.Method = prev.Method
		e.URL = redactURL(prev.URL)
	}
	if req.Response != nil {
		e.StatusCode = req.Response.StatusCode
	}
	e.Location = redactURL(req.URL)
	if len(via) > 0 {
		e.SuggestBase = suggestBase(via[len(via)-1].URL, req.URL)
	}
	return e
}

// suggestBase returns the API root that target implies, given that from was the redirected
// URL: target with the part of from's path from /api2/ on cut off, when target ends with it.
func suggestBase(from, target *url.URL) string {
	i := strings.Index(from.Path, "/api2/")
	if i < 0 || target == nil {
		return ""
	}
	tail := from.Path[i:]
	if !strings.HasSuffix(target.Path, tail) {
		return ""
	}
	u := url.URL{Scheme: target.Scheme, Host: target.Host, Path: strings.TrimSuffix(target.Path, tail)}
	return strings.TrimRight(u.String(), "/")
}

// noRedirects returns a copy of hc that follows no redirect; hc itself is not changed.
func noRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = refuseRedirect
	return &cp
}

// redirectOf is the *RedirectError of a 3xx answer that the http.Client returned unfollowed.
func redirectOf(resp *http.Response) *RedirectError {
	e := &RedirectError{StatusCode: resp.StatusCode}
	from := resp.Request.URL
	e.Method, e.URL = resp.Request.Method, redactURL(from)
	target, err := from.Parse(resp.Header.Get("Location"))
	if err != nil {
		e.Location = "(unreadable)"
		return e
	}
	e.Location = redactURL(target)
	e.SuggestBase = suggestBase(from, target)
	return e
}
