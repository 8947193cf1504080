package wrapper

import "fmt"

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
	return fmt.Sprintf("create jobs in project %s: Phrase answered %d Created, so the jobs exist, but its answer could not be read (%v); do not send the request again: list the project's jobs in Phrase instead", e.ProjectUID, e.Response.StatusCode, e.Err)
}

// Unwrap returns why the answer could not be read.
func (e *CreatedUnreadableError) Unwrap() error { return e.Err }
