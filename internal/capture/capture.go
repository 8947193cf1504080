// Package capture carries, in a context, a function that package wrapper hands the body of
// every successful (2xx) answer to, byte for byte as Phrase sent it. The CLI prints Phrase's
// answers unchanged with it; it is internal because a Go service reads the typed results (and,
// for the job-creating call, CreateJobsResult.Response.Body).
package capture

import "context"

// Func receives the method and path of a request and the body of its 2xx answer. It is called
// on the goroutine of the call, before the call returns.
type Func func(method, path string, body []byte)

type key struct{}

// With returns a copy of ctx under which the client hands fn the body of every successful
// answer to a call made with that context. Login answers are never handed over: they hold the
// token.
func With(ctx context.Context, fn Func) context.Context {
	return context.WithValue(ctx, key{}, fn)
}

// From returns the function With put in ctx, or nil.
func From(ctx context.Context) Func {
	fn, _ := ctx.Value(key{}).(Func)
	return fn
}
