package wrapper

import (
	"net/http"
	"strings"
)

// Response is what the client keeps of one answer of Phrase: what a support ticket to Phrase
// needs (the status, the request id, the headers) and the body exactly as Phrase sent it.
type Response struct {
	StatusCode int
	// RequestID is the id Phrase (or a proxy in front of it) gave the request, from the first
	// of the headers X-Request-Id, X-Correlation-Id, X-Amzn-Trace-Id and X-Amz-Cf-Id that the
	// answer carries; "" when none. Phrase documents no request-id header: these are the usual
	// ones of its stack, an inference of ours. Header has every header.
	RequestID string
	Header    http.Header
	// Body is the answer's body as sent, byte for byte (Phrase's +0000 date-times and fields
	// the spec does not list yet intact): for an audit log, or to print it unchanged.
	Body []byte
}

// requestIDHeaders are the headers RequestID is read from, in order.
var requestIDHeaders = []string{"X-Request-Id", "X-Correlation-Id", "X-Amzn-Trace-Id", "X-Amz-Cf-Id"}

// requestID returns the first request-id header h carries, or "".
func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			return v
		}
	}
	return ""
}

// newResponse keeps resp's status and headers and data, its body already read.
func newResponse(resp *http.Response, data []byte) Response {
	return Response{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header), Header: resp.Header, Body: data}
}
