package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// CreatedUnreadableError is returned by CreateJobs when Phrase answered 201 Created, so the jobs
// exist, but its answer could not be read (not the JSON of a job list). Do not send the request
// again: that would create every job twice. The jobs are in the project (list them in Phrase to
// get their uids); Body holds the start of the answer for a support ticket, Response the status,
// headers and request id.
//
// Its outcome is OutcomeCreated (see BatchResult.Outcome).
type CreatedUnreadableError struct {
	ProjectUID string
	Response   Response // the 201: status, headers, request id, and the body as sent
	Err        error    // why the body could not be read (a *json.SyntaxError, say)
}

// Error says that the jobs were created and the answer could not be read.
func (e *CreatedUnreadableError) Error() string {
	return fmt.Sprintf("create jobs in project %s: Phrase answered 201 Created, so the jobs exist, but its answer could not be read (%v); do not send the request again: list the project's jobs in Phrase instead", e.ProjectUID, e.Err)
}

// Unwrap returns why the answer could not be read.
func (e *CreatedUnreadableError) Unwrap() error { return e.Err }

// createdUnreadable returns the *CreatedUnreadableError of a create whose 201 arrived but whose
// body broke off (err, from the transport, is an *UnknownOutcomeError naming why), or nil.
func createdUnreadable(projectUID string, err error) *CreatedUnreadableError {
	var u *UnknownOutcomeError
	var ar *answerReadError
	if !errors.As(err, &u) || !errors.As(u.Err, &ar) || ar.StatusCode != http.StatusCreated {
		return nil
	}
	resp := &http.Response{StatusCode: ar.StatusCode, Header: ar.Header}
	return &CreatedUnreadableError{ProjectUID: projectUID, Response: newResponse(resp, ar.Partial), Err: u.Err}
}

// unexpectedStatusError is the cause of the *UnknownOutcomeError of a create answered with a
// 2xx other than 201.
type unexpectedStatusError struct{ Response Response }

func (e *unexpectedStatusError) Error() string {
	status := strings.TrimSpace(fmt.Sprintf("%d %s", e.Response.StatusCode, http.StatusText(e.Response.StatusCode)))
	return fmt.Sprintf("Phrase answered %s, not 201 Created: the answer of a create that succeeded is 201", status)
}
