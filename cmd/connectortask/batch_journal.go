package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/seed-a960d6a4/connectortask/internal/redact"
)

// The write-ahead journal of batch mode (--journal FILE). Results reach stdout when a request
// has finished; a run killed hard (SIGKILL, a crash, a power cut) leaves no result for the
// lines it had in flight, and from the results alone they look like lines never sent. With a
// journal, each line is recorded (and synced to disk) just before its request is sent, so a
// --resume given the same journal counts every recorded line without a result as of unknown
// outcome instead of sending it again. The journal only grows: it covers every run that used
// it, which keeps a crash during a resumed run safe too.

// journalRecord is one line of the journal.
type journalRecord struct {
	Line           int    `json:"line"`
	ProjectUID     string `json:"projectUid"`
	DownloadTaskID string `json:"downloadTaskId,omitempty"`
	LineHash       string `json:"lineHash,omitempty"`
	// What --reconcile needs of a line without a result (see sendRecord).
	SentAt              *time.Time `json:"sentAt,omitempty"`
	TargetLangs         []string   `json:"targetLangs,omitempty"`
	RemoteFileName      string     `json:"remoteFileName,omitempty"`
	RemoteFileNameRegex bool       `json:"remoteFileNameRegex,omitempty"`
}

// journal appends records to the journal file.
type journal struct {
	f       *os.File
	secrets *redact.Set // every byte written is redacted
}

// openJournal opens name for appending. Without --resume the journal must be new or empty:
// records of an earlier run belong to the resume of that run.
func openJournal(name string, resuming bool, secrets *redact.Set) (*journal, error) {
	if !resuming {
		if fi, err := os.Stat(name); err == nil && fi.Size() > 0 {
			return nil, usagef("--journal %s already holds the sends of an earlier run: resume that run with --resume RESULTS --journal %s, or start afresh with a new journal file", name, name)
		}
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return nil, usagef("--journal: %v", err)
	}
	// A crash may have cut the last record short; end it, so the next record starts a line.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte("\n")); err != nil {
				f.Close()
				return nil, usagef("--journal: %v", err)
			}
		}
	}
	return &journal{f: f, secrets: secrets}, nil
}

// record writes the task's line and syncs it to disk before the request goes out; an error
// stops the batch with the task unsent (see wrapper.BatchOptions.BeforeSend).
func (j *journal) record(send sendRecord) error {
	rec := journalRecord{Line: send.Line, ProjectUID: send.ProjectUID, DownloadTaskID: send.DownloadTaskID, LineHash: send.LineHash,
		SentAt: send.SentAt, TargetLangs: send.TargetLangs, RemoteFileName: send.RemoteFileName, RemoteFileNameRegex: send.RemoteFileNameRegex}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(j.secrets.Bytes(append(b, '\n'))); err != nil {
		return fmt.Errorf("--journal: %w; stopped before sending line %d", err, send.Line)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("--journal: %w; stopped before sending line %d", err, send.Line)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }

// loadJournal marks in s every line the journal name records that the results gave no
// result: it may have reached Phrase, so it counts as of unknown outcome. A missing journal
// records nothing.
func (a *app) loadJournal(s *resumeState, name string) error {
	fh, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return usagef("--journal: %v", err)
	}
	defer fh.Close()
	lr := newLineReader(fh, maxBatchLineBytes)
	for {
		raw, _, complete, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return usagef("--journal %s: %v", name, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var rec journalRecord
		if err := json.Unmarshal(raw, &rec); err != nil || rec.Line < 1 || rec.Line > maxResumeLine {
			// A record cut short by a crash (the last one, or one a later run ended with a
			// newline) was written before its line was sent: it records nothing.
			if !complete || !bytes.HasSuffix(bytes.TrimSpace(raw), []byte("}")) {
				continue
			}
			return usagef("--journal %s:%d: not a journal of create --batch", name, lr.n)
		}
		s.grow(rec.Line)
		if s.states[rec.Line]&stMask == stNone {
			s.set(rec.Line, stInferred, rec.ProjectUID, rec.DownloadTaskID, rec.LineHash, -1)
			s.journaled++
			if s.journalSends == nil {
				s.journalSends = map[int]*sendRecord{}
			}
			s.journalSends[rec.Line] = &sendRecord{Line: rec.Line, Sending: true, ProjectUID: rec.ProjectUID, DownloadTaskID: rec.DownloadTaskID,
				LineHash: rec.LineHash, SentAt: rec.SentAt, TargetLangs: rec.TargetLangs, RemoteFileName: rec.RemoteFileName, RemoteFileNameRegex: rec.RemoteFileNameRegex}
		}
	}
	return nil
}
