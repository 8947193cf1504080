package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"regexp"
	"strconv"
	"sync"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// States of a line in the results given to --resume.
const (
	stNone     byte = iota
	stFailed        // not created, for certain: send it again
	stUnknown       // outcome unknown: skip unless --retry-unknown
	stInferred      // no result, but a later line was sent: it was in flight when that run stopped
	stCreated       // created: skip

	stMask byte = 0x0f
)

// resumeState is what --resume RESULTS (and --journal) say of each line, indexed by line
// number: a byte of state, a fingerprint of projectUid and downloadTaskId, the line's hash, and
// where in RESULTS the record that decided the state starts (25 bytes a line; no result is
// kept in memory: a carried result is read again from RESULTS).
type resumeState struct {
	mu      sync.Mutex
	states  []byte
	prints  []uint64
	hashes  []uint64
	offs    []int64 // offset+1 in RESULTS of the deciding record; 0: none
	maxSent int     // results without send records: the last line certainly sent; lines before it without a result were in flight

	file           string // RESULTS
	records        int    // records read from RESULTS
	journaled      int    // lines the --journal records
	noFinalNewline bool   // RESULTS does not end with a line end (a record was cut short)

	journalSends map[int]*sendRecord // the --journal's record of lines RESULTS has nothing of
}

// deciding returns where in RESULTS the record that decided line's state starts (offset+1, 0:
// none) and the journal's record of it (nil: none).
func (s *resumeState) deciding(line int) (int64, *sendRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if line >= len(s.offs) {
		return 0, nil
	}
	return s.offs[line], s.journalSends[line]
}

// stateLocked is the state of line, stInferred for a line without a result before maxSent.
func (s *resumeState) stateLocked(line int) byte {
	if line >= len(s.states) {
		return stNone
	}
	st := s.states[line] & stMask
	if st == stNone && line < s.maxSent {
		st = stInferred
	}
	return st
}

// lookup returns the state of line and its line hash (0 when unknown). A nil state knows
// nothing.
func (s *resumeState) lookup(line int) (byte, uint64) {
	if s == nil {
		return stNone, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if line >= len(s.states) {
		return stNone, 0
	}
	return s.stateLocked(line), s.hashes[line]
}

// skips says whether a line in state st is skipped (carried over) rather than sent.
func skips(st byte, retryUnknown bool) bool {
	return st == stCreated || ((st == stUnknown || st == stInferred) && !retryUnknown)
}

// carriedLine is a line carried over from RESULTS.
type carriedLine struct {
	line int
	st   byte
	off  int64  // offset+1 of its record in RESULTS, 0: none
	hash uint64 // its line hash, 0: unknown
}

// carried returns, in line order, the lines this run skips and carries over.
func (s *resumeState) carried(retryUnknown bool) []carriedLine {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []carriedLine
	for l := 1; l < len(s.states); l++ {
		if st := s.stateLocked(l); skips(st, retryUnknown) {
			out = append(out, carriedLine{line: l, st: st, off: s.offs[l], hash: s.hashes[l]})
		}
	}
	return out
}

// lastLine is the last line RESULTS (or the journal) says anything of.
func (s *resumeState) lastLine() int {
	for l := len(s.states) - 1; l > 0; l-- {
		if s.states[l]&stMask != stNone {
			return l
		}
	}
	return 0
}

func (s *resumeState) grow(line int) {
	if line < len(s.states) {
		return
	}
	n := max(line+1, 2*len(s.states), 1024)
	s.states = append(s.states, make([]byte, n-len(s.states))...)
	s.prints = append(s.prints, make([]uint64, n-len(s.prints))...)
	s.hashes = append(s.hashes, make([]uint64, n-len(s.hashes))...)
	s.offs = append(s.offs, make([]int64, n-len(s.offs))...)
}

// set records line's state and what identifies it; off is the offset of its record in
// RESULTS, -1 for none.
func (s *resumeState) set(line int, st byte, projectUID, downloadTaskID, hash string, off int64) {
	s.grow(line)
	s.states[line] = st
	s.prints[line] = 0
	if projectUID != "" {
		s.prints[line] = fingerprint(projectUID, downloadTaskID)
	}
	s.hashes[line] = parseLineHash(hash)
	s.offs[line] = off + 1
}

func fingerprint(projectUID, downloadTaskID string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, projectUID)
	_, _ = h.Write([]byte{0})
	_, _ = io.WriteString(h, downloadTaskID)
	return h.Sum64() | 1 // never 0, which means "no fingerprint"
}

// resumeMismatchError: RESULTS describes a line of another input, or of this input before an
// edit.
type resumeMismatchError struct {
	line   int
	file   string
	reason string
}

func (e *resumeMismatchError) Error() string {
	return fmt.Sprintf("--resume %s does not match the input: line %d %s; resume with the same input file and flags as the run that wrote it (a line that failed may be edited, a created one may not)", e.file, e.line, e.reason)
}

// truncatedResult finds the line number at the start of a record cut short by a crash; the
// number must be followed by what ends it, or it may be the start of a longer one.
var truncatedResult = regexp.MustCompile(`^\s*\{\s*"line"\s*:\s*(\d+)\s*[,}]`)

// cutRecord matches the start of a record of batch mode.
var cutRecord = regexp.MustCompile(`^\s*\{\s*"(line|resumed)"\s*:`)

// resumeRecord is what --resume reads of each record of RESULTS: a result, a send record or a
// resume header (batch_records.go).
type resumeRecord struct {
	Line           *int   `json:"line"`
	OK             *bool  `json:"ok"`
	Sending        bool   `json:"sending"`
	Skipped        bool   `json:"skipped"`
	DryRun         bool   `json:"dryRun"`
	ProjectUID     string `json:"projectUid"`
	DownloadTaskID string `json:"downloadTaskId"`
	LineHash       string `json:"lineHash"`
	Error          *struct {
		Outcome string `json:"outcome"`
		Status  int    `json:"status"`
	} `json:"error"`
	Resumed *struct {
		From    string `json:"from"`
		Carried int    `json:"carried"`
	} `json:"resumed"`
}

// loadResume reads the results of an earlier run.
func (a *app) loadResume(name, input string) (*resumeState, error) {
	fh, fi, err := openResume(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if in, err := os.Stat(input); err == nil && os.SameFile(in, fi) {
		return nil, usagef("--resume %s is the --batch input itself; give the results (stdout) of the earlier run", name)
	}
	if out, ok := a.rawStdout.(*os.File); ok {
		if ofi, err := out.Stat(); err == nil && os.SameFile(ofi, fi) && fi.Size() == 0 && !appends(out) {
			return nil, usagef("--resume %s is empty and is also this run's stdout: '> %s' emptied it before the run began; restore it, and write the new results to another file (or append with >>)", name, name)
		}
	}
	s := &resumeState{file: name}
	lr := newLineReader(fh, maxResultLineBytes)
	maxSent, sawSending := 0, false
	var cuts []int       // the line numbers of records cut short (the readable ones)
	cutRecords := 0      // records cut short
	carryLeft := 0       // results still to come of the carry section begun by a resume header
	var carryFrom string // the RESULTS that header names
	var carryWant int    // how many it announced
	for {
		raw, tooLong, complete, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usagef("--resume %s: %v", name, err)
		}
		s.noFinalNewline = !complete
		if tooLong {
			return nil, usagef("--resume %s:%d: a line longer than %d MiB is not a result of create --batch", name, lr.n, maxResultLineBytes>>20)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var rec resumeRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			// A record cut short while it was written: the run died right then. It is the last
			// line, or one a later run appending to the file ended with a line end.
			if complete && !cutRecord.Match(raw) {
				return nil, usagef("--resume %s:%d: not a result of create --batch: %v", name, lr.n, err)
			}
			cutRecords++
			if m := truncatedResult.FindSubmatch(raw); m != nil {
				cut, _ := strconv.Atoi(string(m[1]))
				if cut < 1 || cut > maxResumeLine {
					return nil, usagef("--resume %s:%d: line number %d out of range", name, lr.n, cut)
				}
				cuts = append(cuts, cut)
			}
			continue
		}
		s.records++
		if rec.Resumed != nil {
			if carryLeft > 0 {
				return nil, carryCutError(name, carryFrom, carryWant, carryLeft)
			}
			carryLeft, carryFrom, carryWant = rec.Resumed.Carried, rec.Resumed.From, rec.Resumed.Carried
			continue
		}
		switch {
		case rec.Line == nil || (rec.OK == nil && !rec.Sending):
			return nil, usagef("--resume %s:%d: not a result of create --batch (no \"line\" or \"ok\")", name, lr.n)
		case *rec.Line < 1 || *rec.Line > maxResumeLine:
			return nil, usagef("--resume %s:%d: line number %d out of range", name, lr.n, *rec.Line)
		case rec.DryRun:
			return nil, usagef("--resume %s is the output of a --dry-run, which created nothing; resume from the results of a run that sent requests", name)
		}
		n := *rec.Line
		s.grow(n)
		if carryLeft > 0 {
			if rec.Sending || !rec.Skipped {
				return nil, carryCutError(name, carryFrom, carryWant, carryLeft)
			}
			carryLeft--
		}
		if rec.Sending {
			// Sent, and no result yet: of unknown outcome unless a result follows.
			sawSending = true
			if s.states[n] != stCreated {
				s.set(n, stInferred, rec.ProjectUID, rec.DownloadTaskID, rec.LineHash, lr.off)
			}
			continue
		}
		st := stCreated
		if !*rec.OK {
			if rec.Error == nil {
				return nil, usagef("--resume %s:%d: a failed result without \"error\"", name, lr.n)
			}
			switch wrapper.Outcome(rec.Error.Outcome) {
			case wrapper.OutcomeFailed:
				st = stFailed
			case wrapper.OutcomeUnknown:
				st = stUnknown
			default:
				return nil, usagef("--resume %s:%d: error.outcome %q: want failed or unknown", name, lr.n, rec.Error.Outcome)
			}
		}
		// Created stays created; otherwise a later record of the same line (a send record and
		// its result, or files appended to each other) wins.
		if s.states[n] != stCreated {
			s.set(n, st, rec.ProjectUID, rec.DownloadTaskID, rec.LineHash, lr.off)
		}
		// Results of an earlier version, without send records: the lines that certainly went
		// to Phrase in that run. The reader sends lines in order, so every valid line before
		// them was sent too.
		if !rec.Skipped && (*rec.OK || st == stUnknown || (rec.Error.Status > 0)) {
			maxSent = max(maxSent, n)
		}
	}
	if carryLeft > 0 {
		return nil, carryCutError(name, carryFrom, carryWant, carryLeft)
	}
	switch {
	case len(cuts) > 0 && !sawSending:
		// Results without send records: the line of a cut result was sent; its outcome is lost.
		for _, cut := range cuts {
			fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s holds the result of line %d cut short; that line counts as of unknown outcome\n", name, cut)
			if s.grow(cut); s.states[cut] != stCreated {
				s.set(cut, stUnknown, "", "", "", -1)
			}
		}
	case cutRecords > 0:
		// With send records, every line sent has its send record before its result: a cut
		// record adds nothing (a cut send record is of a line not sent yet).
		fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s holds %d record%s cut short (a run was killed while writing it); the send records say which lines may have reached Phrase\n", name, cutRecords, plural(cutRecords))
	}
	if !sawSending {
		s.maxSent = maxSent
	}
	return s, nil
}

// carryCutError: a resume's results stop inside the results it carried over.
func carryCutError(name, from string, want, left int) error {
	return usagef("--resume %s stops after %d of the %d results it carried over from %s: the run that wrote it was killed while copying them, before it sent anything; resume from %s instead", name, want-left, want, from, from)
}

// checkEmptyResume refuses a RESULTS without any record, unless a journal says what was sent:
// every send is recorded on stdout before it leaves, so the run that wrote an empty RESULTS
// sent nothing, but if it was a --resume itself, what the earlier runs created is not in it.
func (a *app) checkEmptyResume(s *resumeState, journal string) error {
	if s == nil || s.records > 0 {
		return nil
	}
	if s.journaled == 0 {
		return usagef("--resume %s holds no result: the run that wrote it sent nothing (each line is recorded on stdout before it is sent). If that run was itself a --resume, resume from the results it was given; if not, run again without --resume", s.file)
	}
	fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s holds no result: the %d line%s --journal %s records as sent count as of unknown outcome and are skipped; every other line will be sent\n",
		s.file, s.journaled, plural(s.journaled), journal)
	return nil
}
