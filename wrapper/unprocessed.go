package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sync"
)

// The HTTP/2 protocol proves that a server did not process a request in two cases (RFC 9113
// §8.7): it reset the stream with REFUSED_STREAM, or it sent a GOAWAY whose last-stream-id lies
// below the request's stream. Go's HTTP/2 transport would resend the request itself then (and,
// through GetBody, also after a PROTOCOL_ERROR reset, which proves nothing); the wrapper takes
// GetBody away from the job-creating POST, so the transport gives up and returns one of the
// errors matched here, and the wrapper resends under its own retry policy, counted and logged
// like any retry.
//
// The errors of net/http's bundled HTTP/2 transport are not exported, and once GetBody is gone
// the stream error reaches us only as text ("cannot retry err [...]"). So the whole message of
// the innermost error is matched exactly, anchored at both ends, against the forms the
// transport writes. A server cannot forge a match with text of its own (GOAWAY debug data is
// part of a different message, http2GoAwayError, which does not match), and if a future Go
// words these errors differently, nothing matches and the POST is reported as outcome unknown:
// the check can only fail closed, never into a duplicate.
var (
	// A reset by the server with REFUSED_STREAM, wrapped because the body could not be rewound,
	// or bare (a request without a body).
	refusedStream = `stream error: stream ID [0-9]+; REFUSED_STREAM; received from peer`
	// The stream lay above a graceful GOAWAY's last-stream-id.
	goAwayAbove = `http2: Transport received Server's graceful shutdown GOAWAY`
	// The first stream of a connection lay above the last-stream-id of a GOAWAY with an error
	// code; the transport does not retry it, but the server did not process it either.
	goAwayFirst = `http2: Transport received GOAWAY from server ErrCode:[A-Z_0-9]+`

	// Compiled on first use: a package initialiser would cost every program that imports
	// wrapper, whether or not it ever meets a refused stream (internal/initcost).
	unprocessedRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:` + refusedStream + `|` + goAwayAbove + `|` + goAwayFirst +
			`|http2: Transport: cannot retry err \[(?:` + refusedStream + `|` + goAwayAbove + `)\] after Request\.Body was written; define Request\.GetBody to avoid this error)$`)
	})
)

// h2StreamError mirrors net/http's unexported http2StreamError, which converts itself to any
// struct of the same shape with errors.As.
type h2StreamError struct {
	StreamID uint32
	Code     uint32
	Cause    error
}

func (e h2StreamError) Error() string {
	return fmt.Sprintf("stream error: stream ID %d; code %d", e.StreamID, e.Code)
}

// h2RefusedStream is the HTTP/2 error code REFUSED_STREAM.
const h2RefusedStream = 0x7

// provablyUnprocessed reports whether err proves, by the HTTP/2 protocol, that the server did
// not process the request: a REFUSED_STREAM reset, or a GOAWAY below the request's stream.
func provablyUnprocessed(err error) bool {
	if err == nil {
		return false
	}
	var se h2StreamError
	if errors.As(err, &se) && se.Code == h2RefusedStream && se.Cause != nil && se.Cause.Error() == "received from peer" {
		return true
	}
	leaf := err
	for {
		next := errors.Unwrap(leaf)
		if next == nil {
			break
		}
		leaf = next
	}
	return unprocessedRE().MatchString(leaf.Error())
}

// errWrittenTwice ends an attempt whose request a RoundTripper below the wrapper wrote twice.
var errWrittenTwice = errors.New("written more than once below the wrapper")

// resentBelowError says that a RoundTripper below the wrapper wrote a request that must not be
// resent more than once in one attempt. It reaches callers inside an *UnknownOutcomeError.
type resentBelowError struct {
	Method, Path  string
	Writes, Conns int
	Err           error // the attempt's own error, if any
}

func (e *resentBelowError) Error() string {
	msg := fmt.Sprintf("%s %s was written %d times (over %d connections) by the HTTP client below the wrapper, which must not resend it; use a client that does not retry requests", e.Method, e.Path, e.Writes, e.Conns)
	if e.Err != nil {
		msg += " (last: " + e.Err.Error() + ")"
	}
	return msg
}

func (e *resentBelowError) Unwrap() error { return e.Err }

// invalidHeaderRE matches net/http's refusal of a header it will not send (Transport.roundTrip
// checks every header before it takes a connection): nothing was written.
var invalidHeaderRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^net/http: invalid (?:header|trailer) field (?:name|value for) "[^"]*"$`)
})

// invalidHeader reports whether err is net/http's refusal of a header value, for instance a
// login token with a control character: nothing was sent, and a resend would fail alike.
func invalidHeader(err error) bool {
	leaf := err
	for {
		next := errors.Unwrap(leaf)
		if next == nil {
			break
		}
		leaf = next
	}
	return invalidHeaderRE().MatchString(leaf.Error())
}

// answerReadError says that an answer's status and headers arrived but its body could not be
// read. The request was processed, whatever error then broke the body: it is never "provably
// unprocessed" for a request that is not safe to resend.
type answerReadError struct {
	StatusCode int
	Header     http.Header
	Partial    []byte // what was read of the body before the error
	Err        error
}

func (e *answerReadError) Error() string { return e.Err.Error() }
func (e *answerReadError) Unwrap() error { return e.Err }
