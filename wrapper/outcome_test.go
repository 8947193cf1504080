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
		{nil, wrapper.OutcomeCreated},
		{&wrapper.ValidationError{}, wrapper.OutcomeFailed},
		{&wrapper.APIError{StatusCode: 400}, wrapper.OutcomeFailed},
		{fmt.Errorf("line 3: %w", &wrapper.APIError{StatusCode: 429}), wrapper.OutcomeFailed},
		{&net.DNSError{Err: "no such host", Name: "x"}, wrapper.OutcomeFailed},
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, wrapper.OutcomeFailed},
		{context.Canceled, wrapper.OutcomeFailed},
		{unknown, wrapper.OutcomeUnknown},
		{fmt.Errorf("line 3: %w", unknown), wrapper.OutcomeUnknown},
		{&wrapper.UnknownOutcomeError{Err: context.DeadlineExceeded}, wrapper.OutcomeUnknown},
		{&net.OpError{Op: "read", Err: errors.New("reset")}, wrapper.OutcomeUnknown},
		{errors.New("the 201 could not be read"), wrapper.OutcomeUnknown},
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
