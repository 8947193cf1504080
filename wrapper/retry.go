package wrapper

import (
	"time"
)

// RetryPolicy bounds how the client retries an answer that says "try again later" (429, 503)
// and, for reads, transient failures. Zero fields take the values of DefaultRetryPolicy.
//
// Whatever the policy, the job-creating POST is resent only after a 429 or a 503 (which Phrase
// sends before acting), after a 401 once the token was renewed, or after a connection error
// that provably happened before the request was written (a failed dial or DNS lookup). After
// any other failure it may have created jobs, and it is not resent (see UnknownOutcomeError).
// Reads (GET) are also retried after other 5xx answers (but 501), 408, and network errors.
//
// Waits grow exponentially with full jitter (a random wait between 0 and
// min(MaxDelay, BaseDelay·2ⁿ)); a Retry-After header (seconds or an HTTP date) sets the wait
// instead. A Retry-After longer than MaxDelay, or a wait that would end after MaxElapsed, ends
// retrying and returns the last answer as an *APIError. The call's context cuts any wait short.
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
