package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// batchResult is one line of batch mode's stdout.
type batchResult struct {
	Line           int             `json:"line"`
	OK             bool            `json:"ok"`
	Skipped        bool            `json:"skipped,omitempty"`
	DryRun         bool            `json:"dryRun,omitempty"`
	ProjectUID     string          `json:"projectUid,omitempty"`
	DownloadTaskID string          `json:"downloadTaskId,omitempty"`
	Ref            json.RawMessage `json:"ref,omitempty"`
	LineHash       string          `json:"lineHash,omitempty"` // what the line said, to verify it on --resume
	Result         json.RawMessage `json:"result,omitempty"`   // the 201 body as Phrase sent it
	Request        *batchRequest   `json:"request,omitempty"`
	Error          *batchError     `json:"error,omitempty"`
	Reconciled     *reconciledLine `json:"reconciled,omitempty"` // how --reconcile resolved it (batch_reconcile.go)
}

// batchRequest is the request a line would send (--dry-run).
type batchRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// batchError is why a line was not created.
type batchError struct {
	Message          string          `json:"message"`
	Outcome          wrapper.Outcome `json:"outcome"` // failed: no job was created; unknown: jobs may exist
	Status           int             `json:"status,omitempty"`
	ErrorCode        string          `json:"errorCode,omitempty"`
	ErrorDescription string          `json:"errorDescription,omitempty"`
	Problems         []batchProblem  `json:"problems,omitempty"`
	Unknown          *unknownSend    `json:"unknown,omitempty"` // what --reconcile needs (batch_reconcile.go)
}

type batchProblem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func invalidError(ps []wrapper.Problem) *batchError {
	e := &batchError{Outcome: wrapper.OutcomeFailed}
	msgs := make([]string, 0, len(ps))
	for _, p := range ps {
		path := p.Path
		if path == "" {
			path = "/"
		}
		e.Problems = append(e.Problems, batchProblem{Path: path, Message: p.Message, Fix: p.Fix})
		msgs = append(msgs, p.String())
	}
	e.Message = "invalid line, nothing was sent: " + strings.Join(msgs, "; ")
	return e
}

func resultError(err error, outcome wrapper.Outcome) *batchError {
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		return invalidError(invalid.Problems)
	}
	e := &batchError{Message: strings.Join(strings.Fields(err.Error()), " "), Outcome: outcome}
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		e.Status, e.ErrorCode, e.ErrorDescription = apiErr.StatusCode, apiErr.ErrorCode, apiErr.ErrorDescription
	}
	e.Unknown = unknownSendOf(err)
	if outcome == wrapper.OutcomeUnknown && !strings.Contains(e.Message, "unknown") {
		e.Message = "outcome unknown: jobs may have been created (" + e.Message + "); list the project's jobs in Phrase before sending this line again"
	}
	return e
}

func skippedUnknownError(st byte, file string) *batchError {
	msg := "not sent: " + file + " gives this line an unknown outcome (jobs may have been created)"
	if st == stInferred {
		msg = "not sent: " + file + " has no result for this line though it was sent (a later line was sent, or the --journal records it): it was in flight when that run was killed, so jobs may have been created"
	}
	return &batchError{Outcome: wrapper.OutcomeUnknown,
		Message: msg + "; list the project's jobs in Phrase, then send it again with --retry-unknown only if it has none"}
}

// resultWriter writes result lines to stdout, one Write each, unbuffered: a result is on stdout
// before the next request is known to have finished, so a crash loses none that was written.
type resultWriter struct {
	mu     sync.Mutex
	w      io.Writer
	stderr io.Writer
	onFail func(error)
	err    error // the first failed write; the results after it go to stderr
	closed bool
}

func (w *resultWriter) write(res *batchResult) {
	b, err := marshal(res)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"line":%d,"ok":false,"error":{"message":%q,"outcome":"unknown"}}`, res.Line, "encoding the result: "+err.Error()))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeLocked(res.Line, append(b, '\n'))
}

func (w *resultWriter) writeLocked(line int, b []byte) {
	if w.closed {
		return
	}
	if w.err == nil {
		if _, err := w.w.Write(b); err != nil {
			w.err = err
			if w.onFail != nil {
				w.onFail(err)
			}
		}
	}
	if w.err != nil {
		// Nothing is lost: the result goes to stderr.
		fmt.Fprintf(w.stderr, "connectortask: result of line %d not written to stdout: %s", line, b)
	}
}

// record writes a bookkeeping record (a send record, a resume header): it must be on stdout
// before the run goes on, so an error (now or earlier) is returned and nothing more is sent.
func (w *resultWriter) record(v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.closed:
		return errors.New("the results are closed")
	case w.err != nil:
		return fmt.Errorf("stdout failed earlier (%w)", w.err)
	}
	if _, err := w.w.Write(append(b, '\n')); err != nil {
		w.err = err
		if w.onFail != nil {
			w.onFail(err)
		}
		return fmt.Errorf("writing to stdout: %w", err)
	}
	return nil
}

// sending writes the send record of a line; its request may leave only if this returns nil.
func (w *resultWriter) sending(rec sendRecord) error {
	if err := w.record(rec); err != nil {
		return fmt.Errorf("%w; stopped before sending line %d", err, rec.Line)
	}
	return nil
}

// close refuses any later write.
func (w *resultWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
}

func (w *resultWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
