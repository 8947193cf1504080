package main

import (
	"errors"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// unknownOutcomeError marks an error after which jobs may exist though no answer said so (a
// batch with lines of unknown outcome, a reconcile that could not decide): exit 4.
type unknownOutcomeError struct{ err error }

func (e *unknownOutcomeError) Error() string { return e.err.Error() }
func (e *unknownOutcomeError) Unwrap() error { return e.err }

// outcomeUnknown reports whether err leaves the outcome of a job-creating request unknown:
// exit 4 rather than 1, so that scripts never treat it as a failure to retry.
func outcomeUnknown(err error) bool {
	var (
		unknown *wrapper.UnknownOutcomeError
		marked  *unknownOutcomeError
	)
	return errors.As(err, &unknown) || errors.As(err, &marked)
}
