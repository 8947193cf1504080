package wrapper

import (
	"context"
	"net/http"
)

// captureKey carries the function CaptureResponses installs in a context.
type captureKey struct{}

// CaptureResponses returns a copy of ctx under which the client hands fn the body of every
// successful (2xx) answer to a call made with that context, byte for byte as Phrase sent it,
// with the request's method and path. Login answers are never handed over: they hold the token.
//
// The typed results read Phrase's answers tolerantly but normalise them: date-times come back
// as UTC with a Z, fields the spec does not know are dropped. Capture the bodies where the
// answer itself is wanted, e.g. to print it unchanged (the CLI does). fn is called on the
// goroutine of the call, before the call returns.
func CaptureResponses(ctx context.Context, fn func(method, path string, body []byte)) context.Context {
	return context.WithValue(ctx, captureKey{}, fn)
}

// capture hands a buffered 2xx answer to the function CaptureResponses put in ctx, if any.
func capture(ctx context.Context, req *http.Request, resp *http.Response) {
	fn, _ := ctx.Value(captureKey{}).(func(method, path string, body []byte))
	if fn == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return
	}
	if mb, ok := resp.Body.(*memBody); ok {
		fn(req.Method, req.URL.Path, mb.data)
	}
}
