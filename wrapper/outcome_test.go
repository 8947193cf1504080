package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

func TestOutcomeOf(t *testing.T) {
	gateway := &wrapper.APIError{Method: "POST", StatusCode: 502}
	unknown := &wrapper.UnknownOutcomeError{ProjectUID: "P", Err: gateway}
	for _, tc := range []struct {
		err  error
		want wrapper.Outcome
	}{
		{nil, wrapper.Created},
		{&wrapper.ValidationError{}, wrapper.Failed},
		{&wrapper.APIError{StatusCode: 400}, wrapper.Failed},
		{fmt.Errorf("line 3: %w", &wrapper.APIError{StatusCode: 429}), wrapper.Failed},
		{&net.DNSError{Err: "no such host", Name: "x"}, wrapper.Failed},
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, wrapper.Failed},
		{context.Canceled, wrapper.Failed},
		{unknown, wrapper.Unknown},
		{fmt.Errorf("line 3: %w", unknown), wrapper.Unknown},
		{&wrapper.UnknownOutcomeError{Err: context.DeadlineExceeded}, wrapper.Unknown},
		{&net.OpError{Op: "read", Err: errors.New("reset")}, wrapper.Unknown},
		{errors.New("the 201 could not be read"), wrapper.Unknown},
	} {
		if got := wrapper.OutcomeOf(tc.err); got != tc.want {
			t.Errorf("OutcomeOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
	// The bug this guards against: a caller that retries 5xx found the 502 behind an unknown
	// outcome and sent the request again.
	var apiErr *wrapper.APIError
	if errors.As(fmt.Errorf("x: %w", unknown), &apiErr) {
		t.Error("errors.As finds the *APIError behind an UnknownOutcomeError")
	}
}
