package main

import (
	"bytes"
	"fmt"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// createdUnreadable reports a create that Phrase answered 201, so the jobs exist, but whose
// answer could not be read. It exits 0, as batch marks the line ok: exit 1 would tell a script
// "not created, fix and resend", and a resend creates every job twice. Whatever was read of the
// answer goes to stdout as it came; the warning on stderr says how to find the jobs.
func (a *app) createdUnreadable(e *wrapper.CreatedUnreadableError, projectUID string) error {
	if body := e.Response.Body; len(body) > 0 {
		if !bytes.HasSuffix(body, []byte("\n")) {
			body = append(body[:len(body):len(body)], '\n')
		}
		if _, err := a.stdout.Write(body); err != nil {
			return fmt.Errorf("writing to stdout: %w", err)
		}
	}
	read := "nothing of it is on stdout"
	if len(e.Response.Body) > 0 {
		read = "what was read of it is on stdout"
	}
	fmt.Fprintf(a.stderr, "connectortask: warning: Phrase answered 201 Created, so the jobs exist, but its answer could not be read (%v); %s. Do not send the request again; list the jobs with: connectortask jobs list --project-uid %s\n",
		e.Err, read, projectUID)
	return nil
}
