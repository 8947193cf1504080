package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// phraseDate is Phrase's own date-time form, with a colon-less offset.
var phraseDate = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000"`)

// TestCreatePrintsPhrasesAnswerAsSent: stdout is the 201 body as Phrase sent it (its date form,
// the fields the spec does not list yet), and after --wait the polled AsyncRequestDto as sent.
func TestCreatePrintsPhrasesAnswerAsSent(t *testing.T) {
	srv := fake(t, phrasetest.WithUnknownEnumsAndFields())
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait")
	wantCode(t, r, exitOK)
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("stdout: %v\n%s", err, r)
	}
	if _, ok := out[phrasetest.UnknownObjectFieldName]; !ok {
		t.Errorf("the 201's field %s was dropped\n%s", phrasetest.UnknownObjectFieldName, r.stdout)
	}
	if !phraseDate.Match(out["jobs"]) {
		t.Errorf("jobs lost Phrase's date form\n%s", out["jobs"])
	}
	async := string(out["asyncRequest"])
	if !strings.Contains(async, `"asyncResponse"`) || !strings.Contains(async, phrasetest.UnknownFieldName) || !phraseDate.MatchString(async) {
		t.Errorf("asyncRequest is not the polled AsyncRequestDto as sent\n%s", async)
	}
	if !strings.Contains(string(out["jobs"]), phrasetest.UnknownJobStatus) {
		t.Errorf("an unknown job status was not passed through\n%s", out["jobs"])
	}

	// async get prints the AsyncRequestDto as sent too.
	var id struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(out["asyncRequest"], &id)
	r = newCLI(t, tokenEnv(srv)).run("async", "get", id.ID)
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, phrasetest.UnknownFieldName) || !phraseDate.MatchString(r.stdout) {
		t.Errorf("async get did not print the answer as sent\n%s", r.stdout)
	}
}

// TestBatchResultIsPhrasesAnswerAsSent: a batch result line carries the 201 as Phrase sent it,
// on one line.
func TestBatchResultIsPhrasesAnswerAsSent(t *testing.T) {
	srv := fake(t, phrasetest.WithUnknownEnumsAndFields())
	file := tasksFile(t, numbered(2)...)
	r := batch(newCLI(t, tokenEnv(srv)), srv, file)
	wantCode(t, r, exitOK)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !isBookkeeping(l) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("want 2 result lines\n%s", r)
	}
	for _, l := range lines {
		if !phraseDate.MatchString(l) || !strings.Contains(l, phrasetest.UnknownObjectFieldName) {
			t.Errorf("result is not the 201 as sent: %s", l)
		}
	}
}
