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

// create --batch FILE --resume RESULTS --reconcile: before anything is sent, every line that
// RESULTS gives an unknown outcome is reconciled (wrapper.Client.Reconcile) against the
// project's jobs. Created: its result line is written now, with the jobs found, and the line is
// not sent. NotCreated: the line is sent like a failed one, and its result says it was
// reconciled first. Ambiguous: its result line is written now, still unknown, with the
// candidates; it is not sent. Every such result carries "reconciled" saying how.
//
// Reconciling needs what the run that sent the line recorded in its result ("error.unknown":
// when it was sent, the target languages, the remote file name). Lines without it (a line in
// flight when a run was killed; a result carried forward by an older version) stay unknown.

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

// batchReconciler is the state of --reconcile in a batch run.
type batchReconciler struct {
	mu      sync.Mutex
	written map[int]bool            // lines whose result reconciling wrote (created, ambiguous)
	sendAs  map[int]*reconciledLine // lines reconciled as not created, to be sent
}

// reconciledWritten reports whether reconciling wrote line's result: the reader skips it.
func (r *batchRun) reconciledWritten(line int) bool {
	if r.reconciler == nil {
		return false
	}
	r.reconciler.mu.Lock()
	defer r.reconciler.mu.Unlock()
	return r.reconciler.written[line]
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

// pastLine is what RESULTS says of one line, for reconciling.
type pastLine struct {
	projectUID, downloadTaskID string
	unknown                    *unknownSend
}

// readPast reads RESULTS again: the latest unknown-outcome record of every line, and the uids
// of the jobs of every line shown created (the jobs reconciling must not give another line).
func readPast(name string) (map[int]*pastLine, map[string]bool, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, usagef("--resume: %v", err)
	}
	defer fh.Close()
	past, claimed := map[int]*pastLine{}, map[string]bool{}
	lr := newLineReader(fh, maxResultLineBytes)
	for {
		raw, tooLong, _, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, usagef("--resume %s: %v", name, err)
		}
		if tooLong || len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var res struct {
			Line           int             `json:"line"`
			OK             bool            `json:"ok"`
			ProjectUID     string          `json:"projectUid"`
			DownloadTaskID string          `json:"downloadTaskId"`
			Result         json.RawMessage `json:"result"`
			Error          *struct {
				Unknown *unknownSend `json:"unknown"`
			} `json:"error"`
		}
		if json.Unmarshal(raw, &res) != nil {
			continue // loadResume has judged the file already; a cut-off last line is unknown
		}
		if res.OK {
			var created struct {
				Jobs []struct {
					UID string `json:"uid"`
				} `json:"jobs"`
			}
			_ = json.Unmarshal(res.Result, &created)
			for _, j := range created.Jobs {
				claimed[j.UID] = true
			}
			continue
		}
		if res.Error != nil && res.Error.Unknown != nil {
			past[res.Line] = &pastLine{projectUID: res.ProjectUID, downloadTaskID: res.DownloadTaskID, unknown: res.Error.Unknown}
		}
	}
	return past, claimed, nil
}

// reconcileResume resolves the lines RESULTS gives an unknown outcome, before anything is sent.
//
// input is the --batch file ("-" for stdin): lines RESULTS gives an unknown outcome without a
// record of the send (in flight when a run was killed) are read from it, as calls that may own
// jobs; from stdin nothing is known of them, and they may own any.
func (r *batchRun) reconcileResume(ctx context.Context, grace time.Duration, input string) error {
	r.reconciler = &batchReconciler{written: map[int]bool{}, sendAs: map[int]*reconciledLine{}}
	past, claimed, err := readPast(r.resumeFile)
	if err != nil {
		return err
	}
	var lines []int
	calls := map[int]*wrapper.UnknownOutcomeError{}
	for line, p := range past {
		if st, _ := r.resume.lookup(line); st != stUnknown {
			continue // created or failed since, by a later result
		}
		calls[line] = &wrapper.UnknownOutcomeError{ProjectUID: p.projectUID, SentAt: p.unknown.SentAt, GaveUpAt: p.unknown.GaveUpAt,
			TargetLangs: p.unknown.TargetLangs, DownloadTaskID: p.downloadTaskID,
			RemoteFileName: p.unknown.RemoteFileName, RemoteFileNameRegex: p.unknown.RemoteFileNameRegex}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil
	}
	unrecorded := r.unrecordedCalls(input, calls)
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
	calls0 := map[int]int{} // list calls per line, over all rounds
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
					return fmt.Errorf("reconciling line %d: %w; nothing was sent", line, err)
				}
				calls := 0
				if found != nil {
					calls = found.ListCalls
				}
				found = &wrapper.Reconciliation{Result: wrapper.ReconcileAmbiguous, Reason: "listing the jobs failed: " + err.Error(), ListCalls: calls}
			}
			listCalls += found.ListCalls
			calls0[line] += found.ListCalls
			rec := &reconciledLine{Result: found.Result, Reason: found.Reason, ListCalls: calls0[line]}
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
				r.skippedCreated.Add(1)
				r.writeReconciled(&batchResult{Line: line, OK: true, Skipped: true, ProjectUID: u.ProjectUID, DownloadTaskID: u.DownloadTaskID,
					Result: body, Reconciled: rec})
			case wrapper.ReconcileNotCreated:
				notCreated++
				r.resume.setState(line, stFailed)
				r.reconciler.mu.Lock()
				r.reconciler.sendAs[line] = rec // sent by the run, which writes its result
				r.reconciler.mu.Unlock()
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
		rec := &reconciledLine{Result: found.Result, Reason: found.Reason, ListCalls: calls0[line]}
		for _, j := range found.Candidates {
			if j.Uid != nil {
				rec.Candidates = append(rec.Candidates, *j.Uid)
			}
		}
		r.skippedUnknown.Add(1)
		r.writeReconciled(&batchResult{Line: line, Skipped: true, ProjectUID: u.ProjectUID, DownloadTaskID: u.DownloadTaskID, Reconciled: rec,
			Error: &batchError{Outcome: wrapper.OutcomeUnknown, Unknown: past[line].unknown,
				Message: "not sent: the outcome is still unknown after reconciling (" + found.Reason + "); look at the candidate jobs in Phrase"}})
	}
	fmt.Fprintf(r.a.stderr, "connectortask: reconciled %d line%s with %d list call%s (%.1f a line): %d created, %d not created (to be sent again), %d still unknown\n",
		len(lines), plural(len(lines)), listCalls, plural(listCalls), float64(listCalls)/float64(len(lines)), created, notCreated, len(pending))
	return nil
}

// writeReconciled writes the result of a line reconciling settled (or gave up on).
func (r *batchRun) writeReconciled(res *batchResult) {
	r.reconciler.mu.Lock()
	r.reconciler.written[res.Line] = true
	r.reconciler.mu.Unlock()
	r.out.write(res)
}

// unrecordedCalls describes the lines RESULTS gives an unknown outcome that have no record of
// their send (not in recorded): what the input says of them, or nothing (a call that may own
// any job) when the input cannot be read again.
func (r *batchRun) unrecordedCalls(input string, recorded map[int]*wrapper.UnknownOutcomeError) []*wrapper.UnknownOutcomeError {
	want := map[int]bool{}
	maxLine := 0
	for _, line := range r.resume.unknownLines() {
		if recorded[line] == nil {
			want[line] = true
			maxLine = max(maxLine, line)
		}
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
