package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// Batch mode's stdout holds, besides one result per input line, two kinds of bookkeeping
// records, told apart from results by having no "ok":
//
//   - a send record, {"line":N,"sending":true,...}, written (unbuffered) just before line N's
//     request leaves the process. The result of line N follows it once the request finished. A
//     run killed hard leaves the send records of the lines it had in flight without a result,
//     and a --resume counts exactly those as of unknown outcome: no journal needed, and no
//     guessing from gaps. It also says when the request was sent and what reconciling needs
//     to find the line's jobs (target languages, remote file name), so that --reconcile can
//     settle a line killed in flight (batch_reconcile.go).
//   - a resume header, {"resumed":{"from":RESULTS,"carried":N}}, the first record of a --resume
//     run, followed at once by the N results it carries over from RESULTS (lines created, or of
//     unknown outcome, in earlier runs), all written before anything is sent. A resume from a
//     file whose carried results stop short of N (the run was killed while copying them, before
//     it sent anything) is refused: it would not know what the earlier runs created.
//
// Every result, send record and journal record carries the line's hash (lineHash), so that a
// --resume verifies that the input still says what it said when the line was sent.

// sendRecord is the write-ahead record of one line, on stdout (and in --journal).
type sendRecord struct {
	Line           int    `json:"line"`
	Sending        bool   `json:"sending"`
	ProjectUID     string `json:"projectUid,omitempty"`
	DownloadTaskID string `json:"downloadTaskId,omitempty"`
	LineHash       string `json:"lineHash,omitempty"`
	// What --reconcile needs of a line killed in flight: written just before the request
	// leaves, so SentAt is never later than the send.
	SentAt              *time.Time `json:"sentAt,omitempty"`
	TargetLangs         []string   `json:"targetLangs,omitempty"`
	RemoteFileName      string     `json:"remoteFileName,omitempty"`
	RemoteFileNameRegex bool       `json:"remoteFileNameRegex,omitempty"`
}

// unknownSend is what a send record says for reconciling, nil without a sentAt (a record of
// an older version). gaveUpAt is when the sender was gone at the latest (the resume's start).
func (rec *sendRecord) unknownSend(gaveUpAt time.Time) *unknownSend {
	if rec.SentAt == nil || rec.SentAt.IsZero() {
		return nil
	}
	return &unknownSend{SentAt: rec.SentAt.UTC(), GaveUpAt: gaveUpAt.UTC(), TargetLangs: rec.TargetLangs,
		RemoteFileName: rec.RemoteFileName, RemoteFileNameRegex: rec.RemoteFileNameRegex}
}

// resumeHeader is the first record of a --resume run's stdout.
type resumeHeader struct {
	Resumed struct {
		From    string `json:"from"`
		Carried int    `json:"carried"`
	} `json:"resumed"`
}

// lineHash is a short hash of an input line: of its compact JSON when it is JSON (so that
// reformatting a line is not an edit), else of its bytes. 16 hex digits.
func lineHash(raw []byte) string {
	var buf bytes.Buffer
	b := bytes.TrimSpace(raw)
	if json.Valid(b) && json.Compact(&buf, b) == nil {
		b = buf.Bytes()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// parseLineHash reads a lineHash back; 0 when absent or malformed (then nothing is verified).
func parseLineHash(s string) uint64 {
	if len(s) != 16 {
		return 0
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0
	}
	return v
}
