package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// create --batch FILE --resume RESULTS --reconcile: after RESULTS was verified against the
// input and before anything is written or sent, every line of unknown outcome — a result that
// says so, or a send record without a result (a line in flight when a run was killed) — is
// reconciled (wrapper.Client.Reconcile) against the project's jobs. Then the carried section
// (batch_carry.go) writes one record per skipped line, in its final state:
//
//   - Created: "ok": true, "skipped": true, with the jobs as Phrase lists them; not sent.
//   - Ambiguous: still of unknown outcome, with the candidates and what reconciling needs, so a
//     later resume can try again; not sent.
//   - NotCreated: not carried; the run sends the line, and its result says it was reconciled.
//
// Each carries "reconciled" saying how. Nothing is written while reconciling: a run killed then
// leaves its stdout empty (a resume from it is refused; resume from RESULTS again), or RESULTS
// unchanged when it appends to it.
//
// Reconciling a line needs when it was sent, its target languages and remote file name: the
// "error.unknown" of its result, or its send record (or --journal record). Lines without them
// (written by an older version) stay unknown; what the input says of them keeps reconciling
// from giving their possible jobs to another line.

// unknownSend is what a result of unknown outcome records for reconciling later.
type unknownSend struct {
	SentAt              time.Time `json:"sentAt"`
	GaveUpAt            time.Time `json:"gaveUpAt"`
	TargetLangs         []string  `json:"targetLangs"`
	RemoteFileName      string    `json:"remoteFileName,omitempty"`
	RemoteFileNameRegex bool      `json:"remoteFileNameRegex,omitempty"`
}

// unknownSendOf returns what err (an *wrapper.UnknownOutcomeError) records, or nil.
func unknownSendOf(err error) *unknownSend {
	var u *wrapper.UnknownOutcomeError
	if !errors.As(err, &u) || u.SentAt.IsZero() {
		return nil
	}
	return &unknownSend{SentAt: u.SentAt.UTC(), GaveUpAt: u.GaveUpAt.UTC(), TargetLangs: u.TargetLangs,
		RemoteFileName: u.RemoteFileName, RemoteFileNameRegex: u.RemoteFileNameRegex}
}

// reconciledLine is how --reconcile resolved a line of unknown outcome.
type reconciledLine struct {
	Result     wrapper.ReconcileResult `json:"result"` // created, not-created (then sent), ambiguous
	Reason     string                  `json:"reason"`
	ListCalls  int                     `json:"listCalls"`
	Candidates []string                `json:"candidates,omitempty"` // uids of the candidate jobs (ambiguous)
}

// batchReconciler is what --reconcile decided, before the run writes or sends anything.
type batchReconciler struct {
	mu      sync.Mutex
	carried map[int]*batchResult    // created or still unknown: the state carry writes
	sendAs  map[int]*reconciledLine // reconciled as not created: sent by this run
}

// reconciledCarry is what reconciling decided for a carried line, or nil.
func (r *batchRun) reconciledCarry(line int) *batchResult {
	if r.reconciler == nil {
		return nil
	}
	r.reconciler.mu.Lock()
	defer r.reconciler.mu.Unlock()
	return r.reconciler.carried[line]
}

// reconciledRecord is how reconciling resolved a line that is now being sent, or nil.
func (r *batchRun) reconciledRecord(line int) *reconciledLine {
	if r.reconciler == nil {
		return nil
	}
	r.reconciler.mu.Lock()
	defer r.reconciler.mu.Unlock()
	return r.reconciler.sendAs[line]
}

// readClaimed reads the uids of the jobs of every line RESULTS shows created: jobs reconciling
// must not give another line.
func readClaimed(name string) (map[string]bool, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, usagef("--resume: %v", err)
	}
	defer fh.Close()
	claimed := map[string]bool{}
	lr := newLineReader(fh, maxResultLineBytes)
	for {
		raw, tooLong, _, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usagef("--resume %s: %v", name, err)
		}
		if tooLong || len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var res struct {
			OK     bool `json:"ok"`
			Result *struct {
				Jobs []struct {
					UID string `json:"uid"`
				} `json:"jobs"`
			} `json:"result"`
		}
		if json.Unmarshal(raw, &res) != nil || !res.OK || res.Result == nil {
			continue // loadResume has judged the file already; a cut-off record is no result
		}
		for _, j := range res.Result.Jobs {
			claimed[j.UID] = true
		}
	}
	return claimed, nil
}

// pastCall is the call of unknown outcome RESULTS (or the journal) records of line, nil when it
// records nothing to reconcile with. now bounds when a killed run gave up.
func (r *batchRun) pastCall(results *os.File, line int, now time.Time) (*wrapper.UnknownOutcomeError, error) {
	off, js := r.resume.deciding(line)
	var project, download string
	var u *unknownSend
	switch {
	case off > 0:
		b, err := readRecordAt(results, off-1)
		if err != nil {
			return nil, fmt.Errorf("--resume %s: reading the record of line %d again: %w", r.resumeFile, line, err)
		}
		var ids struct {
			ProjectUID     string `json:"projectUid"`
			DownloadTaskID string `json:"downloadTaskId"`
		}
		_ = json.Unmarshal(b, &ids)
		project, download, u = ids.ProjectUID, ids.DownloadTaskID, pastUnknown(b, now)
	case js != nil:
		project, download, u = js.ProjectUID, js.DownloadTaskID, js.unknownSend(now)
	}
	if u == nil || project == "" {
		return nil, nil
	}
	return &wrapper.UnknownOutcomeError{ProjectUID: project, SentAt: u.SentAt, GaveUpAt: u.GaveUpAt,
		TargetLangs: u.TargetLangs, DownloadTaskID: download,
		RemoteFileName: u.RemoteFileName, RemoteFileNameRegex: u.RemoteFileNameRegex}, nil
}

// reconcileResume decides the lines of unknown outcome before anything is written or sent:
// created ones become created (carried with their jobs), not created ones are sent, the others
// stay unknown (carried with the candidates).
//
// input is the --batch file ("-" for stdin): lines of unknown outcome without a record of the
// send are read from it, as calls that may own jobs; from stdin nothing is known of them, and
// they may own any.
func (r *batchRun) reconcileResume(ctx context.Context, grace time.Duration, input string) error {
	r.reconciler = &batchReconciler{carried: map[int]*batchResult{}, sendAs: map[int]*reconciledLine{}}
	unknownLines := r.resume.unknownLines()
	if len(unknownLines) == 0 {
		return nil
	}
	claimed, err := readClaimed(r.resumeFile)
	if err != nil {
		return err
	}
	results, err := os.Open(r.resumeFile)
	if err != nil {
		return usagef("--resume: %v", err)
	}
	defer results.Close()
	now := time.Now()
	var lines []int
	calls := map[int]*wrapper.UnknownOutcomeError{}
	unrecordedLines := map[int]bool{}
	for _, line := range unknownLines {
		u, err := r.pastCall(results, line, now)
		if err != nil {
			return err
		}
		if u == nil {
			unrecordedLines[line] = true
			continue
		}
		calls[line] = u
		lines = append(lines, line)
	}
	if len(unrecordedLines) > 0 {
		fmt.Fprintf(r.a.stderr, "connectortask: warning: --reconcile: %d line%s of unknown outcome in %s: no record of when sent (written by an older version); left unknown\n",
			len(unrecordedLines), plural(len(unrecordedLines)), r.resumeFile)
	}
	if len(lines) == 0 {
		return nil
	}
	unrecorded := r.unrecordedCalls(input, unrecordedLines)
	// Lines with a remote file name first: they settle with one list call each, and the jobs
	// they claim then narrow the candidates of the others.
	sort.Slice(lines, func(i, j int) bool {
		a, b := calls[lines[i]], calls[lines[j]]
		if (a.RemoteFileName != "") != (b.RemoteFileName != "") {
			return a.RemoteFileName != ""
		}
		return a.SentAt.Before(b.SentAt)
	})
	fmt.Fprintf(r.a.stderr, "connectortask: reconciling %d line%s of unknown outcome in %s against the projects' jobs before sending anything\n",
		len(lines), plural(len(lines)), r.resumeFile)

	// Rounds until nothing changes: a line resolved as created claims its jobs, one resolved as
	// not created owns none, and either may settle a line that was ambiguous because of it.
	listed := &listedJobs{}
	lctx := listed.capture(ctx)
	pending := lines
	last := map[int]*wrapper.Reconciliation{}
	callsOf := map[int]int{} // list calls per line, over all rounds
	var created, notCreated, listCalls int
	for round := 0; len(pending) > 0 && round <= len(lines); round++ {
		others := slices.Clone(unrecorded)
		for _, line := range pending {
			others = append(others, calls[line])
		}
		var still []int
		for _, line := range pending {
			u := calls[line]
			found, err := r.client.Reconcile(lctx, u, wrapper.ReconcileOptions{Grace: grace, Claimed: claimed, Others: others})
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("reconciling line %d: %w; nothing was written or sent", line, err)
				}
				n := 0
				if found != nil {
					n = found.ListCalls
				}
				found = &wrapper.Reconciliation{Result: wrapper.ReconcileAmbiguous, Reason: "listing the jobs failed: " + err.Error(), ListCalls: n}
			}
			listCalls += found.ListCalls
			callsOf[line] += found.ListCalls
			rec := &reconciledLine{Result: found.Result, Reason: found.Reason, ListCalls: callsOf[line]}
			switch found.Result {
			case wrapper.ReconcileCreated:
				created++
				for _, j := range found.Jobs {
					claimed[*j.Uid] = true
				}
				body, err := marshal(struct {
					Jobs []json.RawMessage `json:"jobs"` // as Phrase listed them
				}{listed.raw(found.Jobs)})
				if err != nil {
					return fmt.Errorf("reconciling line %d: %w", line, err)
				}
				r.resume.setState(line, stCreated)
				r.reconciler.carried[line] = &batchResult{OK: true, Result: body, Reconciled: rec}
			case wrapper.ReconcileNotCreated:
				notCreated++
				r.resume.setState(line, stFailed) // sent by the run, which writes its result
				r.reconciler.sendAs[line] = rec
			default:
				last[line] = found
				still = append(still, line)
			}
		}
		if len(still) == len(pending) {
			break // no progress
		}
		pending = still
	}
	for _, line := range pending {
		u, found := calls[line], last[line]
		rec := &reconciledLine{Result: found.Result, Reason: found.Reason, ListCalls: callsOf[line]}
		for _, j := range found.Candidates {
			if j.Uid != nil {
				rec.Candidates = append(rec.Candidates, *j.Uid)
			}
		}
		r.reconciler.carried[line] = &batchResult{Reconciled: rec, Error: &batchError{Outcome: wrapper.OutcomeUnknown,
			Unknown: &unknownSend{SentAt: u.SentAt, GaveUpAt: u.GaveUpAt, TargetLangs: u.TargetLangs, RemoteFileName: u.RemoteFileName, RemoteFileNameRegex: u.RemoteFileNameRegex},
			Message: "not sent: the outcome is still unknown after reconciling (" + found.Reason + "); look at the candidate jobs in Phrase"}}
	}
	fmt.Fprintf(r.a.stderr, "connectortask: reconciled %d line%s with %d list call%s (%.1f a line): %d created, %d not created (to be sent again), %d still unknown\n",
		len(lines), plural(len(lines)), listCalls, plural(listCalls), float64(listCalls)/float64(len(lines)), created, notCreated, len(pending))
	return nil
}

// unrecordedCalls describes the lines of unknown outcome that have no record of their send
// (want): what the input says of them, or nothing (a call that may own any job) when the input
// cannot be read again.
func (r *batchRun) unrecordedCalls(input string, want map[int]bool) []*wrapper.UnknownOutcomeError {
	maxLine := 0
	for line := range want {
		maxLine = max(maxLine, line)
	}
	if len(want) == 0 {
		return nil
	}
	var out []*wrapper.UnknownOutcomeError
	if input != "-" {
		if fh, err := os.Open(input); err == nil {
			defer fh.Close()
			lr := newLineReader(fh, maxBatchLineBytes)
			for lr.n < maxLine {
				raw, tooLong, _, err := lr.next()
				if err != nil {
					break
				}
				if !want[lr.n] {
					continue
				}
				if lr.n == 1 {
					raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
				}
				t := r.parseLine(lr.n, raw, tooLong)
				if !tooLong && len(bytes.TrimSpace(raw)) == 0 || len(t.problems) > 0 {
					delete(want, lr.n) // blank or invalid: never sent
					continue
				}
				u := &wrapper.UnknownOutcomeError{ProjectUID: t.projectUID, TargetLangs: t.body.TargetLangs, DownloadTaskID: t.downloadTaskID}
				if rf := t.body.RemoteFile; rf != nil {
					u.RemoteFileName, u.RemoteFileNameRegex = rf.RemoteFileName, rf.RemoteFileNameRegex != nil && *rf.RemoteFileNameRegex
				}
				out = append(out, u)
				delete(want, lr.n)
			}
		}
	}
	for range want {
		out = append(out, &wrapper.UnknownOutcomeError{}) // nothing known: may own any job
	}
	return out
}

// unknownLines are the lines of unknown outcome, those inferred in flight included.
func (s *resumeState) unknownLines() []int {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for l := 1; l < len(s.states); l++ {
		if st := s.stateLocked(l); st == stUnknown || st == stInferred {
			out = append(out, l)
		}
	}
	return out
}

// setState sets the state of line (reconciling has resolved it).
func (s *resumeState) setState(line int, st byte) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if line < len(s.states) {
		s.states[line] = s.states[line]&^stMask | st
	}
}
