package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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
// them), and counts them as skipped. When stdout is RESULTS itself (appended to with >>) they
// are there already: nothing is written.
func (r *batchRun) carry(appending bool) error {
	lines := r.resume.carried(r.retryUnknown)
	var results *os.File
	if !appending && len(lines) > 0 {
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
	for _, c := range lines {
		if c.st == stCreated {
			r.skippedCreated.Add(1)
		} else {
			r.skippedUnknown.Add(1)
		}
		if c.st == stInferred {
			r.inferred.Add(1)
		}
		if appending {
			continue
		}
		res := batchResult{Line: c.line}
		if c.off > 0 {
			b, err := readRecordAt(results, c.off-1)
			if err == nil {
				err = json.Unmarshal(b, &res)
			}
			if err != nil {
				return fmt.Errorf("--resume %s: reading the result of line %d again: %w", r.resumeFile, c.line, err)
			}
		}
		carried := &batchResult{Line: c.line, Skipped: true, DryRun: r.dryRun, ProjectUID: res.ProjectUID,
			DownloadTaskID: res.DownloadTaskID, Ref: res.Ref, LineHash: res.LineHash}
		if carried.LineHash == "" && c.hash != 0 {
			carried.LineHash = fmt.Sprintf("%016x", c.hash)
		}
		if c.st == stCreated {
			carried.OK, carried.Result = true, res.Result
		} else {
			carried.Error = skippedUnknownError(c.st, r.resumeFile)
		}
		r.out.write(carried)
	}
	if err := r.out.failed(); err != nil {
		return fmt.Errorf("writing the carried-over results to stdout failed (%w); nothing was sent", err)
	}
	return nil
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
