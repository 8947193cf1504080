package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Before a --resume run sends anything it checks RESULTS against the whole input (verify), and
// writes the results it carries over (carry): so a refused run writes nothing, and a run killed
// at any later moment has already written everything the earlier runs knew.

// verify reads the whole input and refuses (a usage error, nothing written or sent) when
// RESULTS describes lines the input does not have, or lines whose text changed since they were
// sent (a line that failed may change: it is sent again).
func (r *batchRun) verify(in io.Reader) error {
	s := r.resume
	if s == nil {
		return nil
	}
	lr := newLineReader(in, maxBatchLineBytes)
	for {
		raw, tooLong, _, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return usagef("reading --batch input after line %d: %v", lr.n, err)
		}
		n := lr.n
		if n >= len(s.states) {
			continue
		}
		st := s.states[n] & stMask
		hash, print := s.hashes[n], s.prints[n]
		if st == stNone || st == stFailed || (hash == 0 && print == 0) {
			continue
		}
		mismatch := func(reason string) error {
			return &usageError{err: &resumeMismatchError{line: n, file: r.resumeFile, reason: reason}}
		}
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
		}
		if !tooLong && len(bytes.TrimSpace(raw)) == 0 {
			return mismatch("is blank in the input, but the results describe it")
		}
		if hash != 0 {
			if tooLong || parseLineHash(lineHash(raw)) != hash {
				return mismatch("is not the line the results describe (it was edited, or the results are of another file)")
			}
			continue
		}
		t := r.parseLine(n, raw, tooLong)
		if t.projectUID != "" && fingerprint(t.projectUID, t.downloadTaskID) != print {
			return mismatch("was for another projectUid or downloadTaskId")
		}
	}
	if last := s.lastLine(); last > lr.n {
		return &usageError{err: &resumeMismatchError{line: last, file: r.resumeFile,
			reason: fmt.Sprintf("is described by the results, but the input has only %d lines", lr.n)}}
	}
	return nil
}

// carry writes, before anything is sent, a resume header and the results of every line RESULTS
// shows as created or of unknown outcome (with their job ids, ref and line hash as RESULTS has
// them; an unknown one with what reconciling it needs), and counts them as skipped. A line that
// --reconcile settled is written with its final state (created, or still unknown with the
// candidates); one it found not created is not carried: the run sends it. When stdout is
// RESULTS itself (appended to with >>) the carried results are there already: only what
// reconciling found is written.
func (r *batchRun) carry(appending bool) error {
	lines := r.resume.carried(r.retryUnknown)
	var results *os.File
	if len(lines) > 0 {
		f, err := os.Open(r.resumeFile)
		if err != nil {
			return fmt.Errorf("--resume: reading the results to carry over: %w", err)
		}
		defer f.Close()
		results = f
	}
	if !appending && !r.dryRun {
		var h resumeHeader
		h.Resumed.From, h.Resumed.Carried = r.resumeFile, len(lines)
		if err := r.out.record(h); err != nil {
			return err
		}
	}
	now := time.Now()
	for _, c := range lines {
		if c.st == stCreated {
			r.skippedCreated.Add(1)
		} else {
			r.skippedUnknown.Add(1)
		}
		if c.st == stInferred {
			r.inferred.Add(1)
		}
		decided := r.reconciledCarry(c.line)
		if appending && decided == nil {
			continue
		}
		res := batchResult{Line: c.line}
		var unknown *unknownSend
		if c.off > 0 {
			b, err := readRecordAt(results, c.off-1)
			if err == nil {
				err = json.Unmarshal(b, &res)
			}
			if err != nil {
				return fmt.Errorf("--resume %s: reading the result of line %d again: %w", r.resumeFile, c.line, err)
			}
			unknown = pastUnknown(b, now)
		} else if _, js := r.resume.deciding(c.line); js != nil {
			res.ProjectUID, res.DownloadTaskID, res.LineHash = js.ProjectUID, js.DownloadTaskID, js.LineHash
			unknown = js.unknownSend(now)
		}
		carried := &batchResult{Line: c.line, Skipped: true, DryRun: r.dryRun, ProjectUID: res.ProjectUID,
			DownloadTaskID: res.DownloadTaskID, Ref: res.Ref, LineHash: res.LineHash}
		if carried.LineHash == "" && c.hash != 0 {
			carried.LineHash = fmt.Sprintf("%016x", c.hash)
		}
		switch {
		case decided != nil:
			carried.OK, carried.Result, carried.Error, carried.Reconciled = decided.OK, decided.Result, decided.Error, decided.Reconciled
		case c.st == stCreated:
			carried.OK, carried.Result = true, res.Result
		default:
			carried.Error = skippedUnknownError(c.st, r.resumeFile)
			carried.Error.Unknown = unknown // so that a resume of this run can still reconcile it
		}
		r.out.write(carried)
	}
	if err := r.out.failed(); err != nil {
		return fmt.Errorf("writing the carried-over results to stdout failed (%w); nothing was sent", err)
	}
	return nil
}

// pastUnknown is what a record of RESULTS says for reconciling its line: the "error.unknown"
// of a result (or of a carried one), or what a send record says (a line killed in flight,
// which gave up by gaveUpAt at the latest); nil when it says nothing (an older version).
func pastUnknown(b []byte, gaveUpAt time.Time) *unknownSend {
	var rec struct {
		sendRecord
		Error *struct {
			Unknown *unknownSend `json:"unknown"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &rec) != nil {
		return nil
	}
	if rec.Error != nil {
		if u := rec.Error.Unknown; u != nil && !u.SentAt.IsZero() {
			return u
		}
		return nil
	}
	if !rec.Sending {
		return nil
	}
	return rec.unknownSend(gaveUpAt)
}

// readRecordAt reads the record that starts at off in f, without its line end.
func readRecordAt(f *os.File, off int64) ([]byte, error) {
	br := bufio.NewReader(io.NewSectionReader(f, off, maxResultLineBytes+2))
	b, err := br.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return bytes.TrimRight(b, "\r\n"), nil
}
