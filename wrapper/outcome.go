package wrapper

import (
	"context"
	"errors"
	"net"
	"slices"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// OutcomeOf says what an error of CreateJobs (or RunBatch) means for the jobs:
//
//   - Created for a nil error or a *CreatedUnreadableError: Phrase answered 201.
//   - Failed when no job was created, for certain: the request was invalid (*ValidationError,
//     nothing was sent), Phrase refused it before acting (*APIError: a 4xx, or 429/503 beyond the
//     retry policy), or it never reached Phrase (a failed dial or DNS lookup, a context that ended
//     before sending). Sending it again after fixing the cause creates each job once.
//   - Unknown for an *UnknownOutcomeError, and for any error it cannot prove harmless: jobs
//     may exist. Do not send the request again before
//     finding out, e.g. with Client.Reconcile.
//
// Check it before anything else: an *UnknownOutcomeError does not unwrap to its cause, so
// errors.As(err, &apiErr) is false for it, but an unknown outcome must never be retried as a
// 5xx or a timeout would be.
func OutcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeCreated
	}
	var (
		unknown *UnknownOutcomeError
		invalid *ValidationError
		apiErr  *APIError
		dnsErr  *net.DNSError
		opErr   *net.OpError
	)
	var unreadable *CreatedUnreadableError
	switch {
	case errors.As(err, &unreadable):
		// Phrase answered 201: the jobs exist, whatever became of the answer.
		return OutcomeCreated
	case errors.As(err, &unknown):
		return OutcomeUnknown
	case errors.As(err, &invalid), errors.As(err, &apiErr):
		// CreateJobs returns an *APIError only for answers given before Phrase
		// acts (4xx, 429, 503) or for a failed login; other 5xx are UnknownOutcomeErrors.
		return OutcomeFailed
	case errors.As(err, new(*RedirectError)), invalidHeader(err):
		// A redirect to the create is an UnknownOutcomeError, matched above; a bare one is
		// the answer to a call that creates nothing. A refused header was never sent.
		return OutcomeFailed
	case errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial":
		// The transport turns every network error after which the POST may have been written
		// into an UnknownOutcomeError, so one that arrives bare never reached Phrase.
		return OutcomeFailed
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Cancelled while waiting (for a login, the pace, or a retry after 429/503); a POST
		// cancelled after sending is an UnknownOutcomeError.
		return OutcomeFailed
	}
	return OutcomeUnknown
}

// describeUnknown completes an *UnknownOutcomeError that err is (or wraps) with what
// reconciling needs; other errors are returned as they are.
func (c *Client) describeUnknown(err error, projectUID string, params *api.CreateJobFromAsyncDownloadTaskParams, body *api.JobCreateRequestDto, sent time.Time) error {
	var u *UnknownOutcomeError
	if !errors.As(err, &u) {
		return err
	}
	u.ProjectUID = projectUID
	u.SentAt, u.GaveUpAt = sent, c.now()
	u.TargetLangs = slices.Clone(body.TargetLangs)
	if params != nil && params.DownloadTaskId != nil {
		u.DownloadTaskID = *params.DownloadTaskId
	}
	if rf := body.RemoteFile; rf != nil {
		u.RemoteFileName = rf.RemoteFileName
		u.RemoteFileNameRegex = rf.RemoteFileNameRegex != nil && *rf.RemoteFileNameRegex
	}
	return err
}
