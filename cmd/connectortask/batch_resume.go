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

	stMask    byte = 0x0f
	stEmitted byte = 0x80 // this run wrote a result for the line
	stBlank   byte = 0x40 // the line is blank in this run's input
)

// resumeState is what --resume RESULTS says of each line: a byte of state and a fingerprint of
// projectUid and downloadTaskId, indexed by line number (9 bytes a line; no result is kept).
type resumeState struct {
	mu      sync.Mutex
	states  []byte
	prints  []uint64
	maxSent int // the last line the earlier run certainly sent; lines before it without a result were in flight
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

// lookup returns the state of line and its fingerprint (0 when unknown). A nil state knows
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
	return s.stateLocked(line), s.prints[line]
}

func (s *resumeState) mark(line int, bit byte) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if line < len(s.states) {
		s.states[line] |= bit
	}
}

func (s *resumeState) markEmitted(line int) { s.mark(line, stEmitted) }
func (s *resumeState) markBlank(line int)   { s.mark(line, stBlank) }

// each calls fn for every line with a state that this run wrote no result for.
func (s *resumeState) each(fn func(line int, st byte)) {
	if s == nil {
		return
	}
	s.mu.Lock()
	var lines []int
	var sts []byte
	for l := 1; l < len(s.states); l++ {
		st := s.stateLocked(l)
		if s.states[l]&(stEmitted|stBlank) == 0 && st != stNone && st != stFailed {
			lines, sts = append(lines, l), append(sts, st)
		}
	}
	s.mu.Unlock()
	for i, l := range lines {
		fn(l, sts[i])
	}
}

func (s *resumeState) grow(line int) {
	if line < len(s.states) {
		return
	}
	n := max(line+1, 2*len(s.states), 1024)
	s.states = append(s.states, make([]byte, n-len(s.states))...)
	s.prints = append(s.prints, make([]uint64, n-len(s.prints))...)
}

func fingerprint(projectUID, downloadTaskID string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, projectUID)
	_, _ = h.Write([]byte{0})
	_, _ = io.WriteString(h, downloadTaskID)
	return h.Sum64() | 1 // never 0, which means "no fingerprint"
}

// resumeMismatchError: RESULTS describes a line of another input.
type resumeMismatchError struct {
	line int
	file string
}

func (e *resumeMismatchError) Error() string {
	return fmt.Sprintf("--resume %s does not match the input: its line %d was for another projectUid or downloadTaskId; resume with the same input file and flags as the run that wrote it", e.file, e.line)
}

// truncatedResult finds the line number at the start of a result line cut short by a crash.
var truncatedResult = regexp.MustCompile(`^\s*\{\s*"line"\s*:\s*(\d+)`)

// loadResume reads the results of an earlier run.
func (a *app) loadResume(name, input string) (*resumeState, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, usagef("--resume: %v", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil || fi.IsDir() {
		return nil, usagef("--resume %s: not a readable file", name)
	}
	if in, err := os.Stat(input); err == nil && os.SameFile(in, fi) {
		return nil, usagef("--resume %s is the --batch input itself; give the results (stdout) of the earlier run", name)
	}
	if out, ok := a.stdout.(*os.File); ok {
		if ofi, err := out.Stat(); err == nil && os.SameFile(ofi, fi) && fi.Size() == 0 {
			return nil, usagef("--resume %s is empty and is also this run's stdout: '> %s' emptied it before the run began; restore it, and write the new results to another file (or append with >>)", name, name)
		}
	}
	s := &resumeState{}
	lr := newLineReader(fh, maxResultLineBytes)
	maxSent, results := 0, 0
	for {
		raw, tooLong, complete, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usagef("--resume %s: %v", name, err)
		}
		if tooLong {
			return nil, usagef("--resume %s:%d: a line longer than %d MiB is not a result of create --batch", name, lr.n, maxResultLineBytes>>20)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var res struct {
			Line           *int   `json:"line"`
			OK             *bool  `json:"ok"`
			Skipped        bool   `json:"skipped"`
			DryRun         bool   `json:"dryRun"`
			ProjectUID     string `json:"projectUid"`
			DownloadTaskID string `json:"downloadTaskId"`
			Error          *struct {
				Outcome string `json:"outcome"`
				Status  int    `json:"status"`
			} `json:"error"`
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			m := truncatedResult.FindSubmatch(raw)
			if complete || m == nil {
				return nil, usagef("--resume %s:%d: not a result of create --batch: %v", name, lr.n, err)
			}
			// The last line was cut short while it was written: the run died right then. Its
			// outcome is lost, so it counts as unknown.
			n, _ := strconv.Atoi(string(m[1]))
			if n < 1 || n > maxResumeLine {
				return nil, usagef("--resume %s:%d: line number %d out of range", name, lr.n, n)
			}
			fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s ends with the result of line %d cut short; that line counts as of unknown outcome\n", name, n)
			s.grow(n)
			if s.states[n] != stCreated {
				s.states[n], s.prints[n] = stUnknown, 0
			}
			continue
		}
		switch {
		case res.Line == nil || res.OK == nil:
			return nil, usagef("--resume %s:%d: not a result of create --batch (no \"line\" or \"ok\")", name, lr.n)
		case *res.Line < 1 || *res.Line > maxResumeLine:
			return nil, usagef("--resume %s:%d: line number %d out of range", name, lr.n, *res.Line)
		case res.DryRun:
			return nil, usagef("--resume %s is the output of a --dry-run, which created nothing; resume from the results of a run that sent requests", name)
		}
		results++
		n := *res.Line
		s.grow(n)
		st := stCreated
		if !*res.OK {
			if res.Error == nil {
				return nil, usagef("--resume %s:%d: a failed result without \"error\"", name, lr.n)
			}
			switch wrapper.Outcome(res.Error.Outcome) {
			case wrapper.OutcomeFailed:
				st = stFailed
			case wrapper.OutcomeUnknown:
				st = stUnknown
			default:
				return nil, usagef("--resume %s:%d: error.outcome %q: want failed or unknown", name, lr.n, res.Error.Outcome)
			}
		}
		// Created stays created; otherwise a later result of the same line (files appended
		// to each other) wins.
		if s.states[n] != stCreated {
			s.states[n] = st
			s.prints[n] = 0
			if res.ProjectUID != "" {
				s.prints[n] = fingerprint(res.ProjectUID, res.DownloadTaskID)
			}
		}
		// The lines that certainly went to Phrase in that run: the reader sends lines in
		// order, so every valid line before them was sent too.
		if !res.Skipped && (*res.OK || st == stUnknown || (res.Error != nil && res.Error.Status > 0)) {
			maxSent = max(maxSent, n)
		}
	}
	s.maxSent = maxSent
	if results == 0 {
		fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s holds no result: every line will be sent\n", name)
	}
	return s, nil
}
