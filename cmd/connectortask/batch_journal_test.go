package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// journalLines reads a journal file: the line numbers it records, in order.
func journalLines(t *testing.T, name string) []int {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec journalRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			if !strings.HasSuffix(sc.Text(), "}") {
				continue // a record cut short by a crash
			}
			t.Fatalf("journal line %q: %v", sc.Text(), err)
		}
		lines = append(lines, rec.Line)
	}
	return lines
}

// TestBatchJournalRecordsEverySend: one record per POST, and none for a line that was not
// sent (invalid).
func TestBatchJournalRecordsEverySend(t *testing.T) {
	srv := fake(t)
	lines := numbered(5)
	lines[2] = `{"downloadTaskId": "d3", "targetLangs": ["xx-not-a-language", "xx-not-a-language"]}`
	file := tasksFile(t, lines...)
	jn := filepath.Join(t.TempDir(), "sends.journal")
	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--journal", jn)
	wantCode(t, r, exitAPI) // line 3 is invalid
	got := journalLines(t, jn)
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2, 4, 5}) {
		t.Errorf("journal records lines %v, want 1 2 4 5 (3 was invalid, never sent)", got)
	}
	if n := len(postedTasks(t, srv)); n != len(got) {
		t.Errorf("%d POSTs but %d journal records", n, len(got))
	}
}

// TestBatchJournalMakesAHardKillSafe: a run killed hard wrote results for lines 1 and 2 only,
// but its journal shows lines 3 and 4 were sent too (in flight). A resume with the journal
// sends neither of them again, and sends only the lines never sent (5, 6).
func TestBatchJournalMakesAHardKillSafe(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(6)...)
	dir := t.TempDir()
	prev := filepath.Join(dir, "killed.jsonl")
	var written, journal strings.Builder
	for i := 1; i <= 4; i++ {
		if i <= 2 {
			fmt.Fprintf(&written, "{\"line\":%d,\"ok\":true,\"projectUid\":%q,\"downloadTaskId\":\"d%d\"}\n", i, srv.ProjectUID, i)
		}
		fmt.Fprintf(&journal, "{\"line\":%d,\"projectUid\":%q,\"downloadTaskId\":\"d%d\"}\n", i, srv.ProjectUID, i)
	}
	journal.WriteString(`{"line":5,"projec`) // the crash cut this record short: line 5 was not sent
	jn := filepath.Join(dir, "sends.journal")
	if err := os.WriteFile(prev, []byte(written.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jn, []byte(journal.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", prev, "--journal", jn)
	wantCode(t, r, exitUnknown) // lines 3 and 4 are of unknown outcome
	if got := postedTasks(t, srv); !slices.Equal(got, []string{"d5", "d6"}) {
		t.Errorf("POSTed %v, want only d5 and d6", got)
	}
	res := results(t, r)
	for _, n := range []int{3, 4} {
		if l := res[n]; !l.Skipped || l.Error == nil || l.Error.Outcome != "unknown" || !strings.Contains(l.Error.Message, "--journal") {
			t.Errorf("line %d: %+v, want skipped as unknown, naming the journal", n, l)
		}
	}
	// Without the journal the same resume would have sent 3 and 4 again: the control.
	srv2 := fake(t)
	r2 := batch(newCLI(t, tokenEnv(srv2)), srv2, file, "--resume", prev)
	if got := postedTasks(t, srv2); !slices.Equal(got, []string{"d3", "d4", "d5", "d6"}) {
		t.Errorf("control without journal POSTed %v", got)
	}
	_ = r2
	// The journal now also records this run's sends, for a resume of this run.
	if got := journalLines(t, jn); !slices.Contains(got, 6) {
		t.Errorf("journal after the resume: %v, want line 6 appended", got)
	}
}

func TestBatchJournalUsageErrors(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(2)...)
	used := filepath.Join(t.TempDir(), "used.journal")
	if err := os.WriteFile(used, []byte("{\"line\":1,\"projectUid\":\"P\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"journal of an earlier run without --resume": {"--journal", used},
		"journal with --dry-run":                     {"--journal", filepath.Join(t.TempDir(), "j"), "--dry-run"},
		"journal is the input":                       {"--journal", file},
	} {
		r := batch(newCLI(t, tokenEnv(srv)), srv, file, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--journal") {
			t.Errorf("%s: exit %d, want %d naming --journal\n%s", name, r.code, exitUsage, r)
		}
	}
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--journal", used)
	if r.code != exitUsage {
		t.Errorf("--journal without --batch: exit %d, want %d", r.code, exitUsage)
	}
	if n := len(postedTasks(t, srv)); n != 0 {
		t.Errorf("usage errors sent %d POSTs", n)
	}
}

// TestBatchJournalSurvivesSIGKILL kills the real binary with requests in flight: every POST
// the fake received is in the journal (written before sending), and a resume with the journal
// sends no line twice.
func TestBatchJournalSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "connectortask")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := fake(t, phrasetest.WithLatency(150*time.Millisecond))
	file := tasksFile(t, numbered(60)...)
	dir := t.TempDir()
	jn, resultsFile := filepath.Join(dir, "sends.journal"), filepath.Join(dir, "results.jsonl")
	out, err := os.Create(resultsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de",
		"--rate", "60000/min", "--concurrency", "4", "--journal", jn)
	cmd.Env = append(os.Environ(), envURL+"="+srv.URL, envToken+"="+srv.Token)
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for srv.CountRequests("POST", "/jobs/connectorTask") < 10 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	time.Sleep(200 * time.Millisecond) // let the fake finish the requests it was serving

	journaled := map[int]bool{}
	for _, l := range journalLines(t, jn) {
		journaled[l] = true
	}
	sentBeforeKill := postedTasks(t, srv)
	for _, id := range sentBeforeKill {
		var line int
		fmt.Sscanf(id, "d%d", &line)
		if !journaled[line] {
			t.Errorf("line %d reached the fake but is not in the journal", line)
		}
	}
	if len(sentBeforeKill) >= 60 {
		t.Fatalf("the run finished before the kill (%d POSTs): the test proves nothing", len(sentBeforeKill))
	}

	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", resultsFile, "--journal", jn)
	if r.code != exitOK && r.code != exitAPI && r.code != exitUnknown {
		t.Fatalf("resume: exit %d\n%s", r.code, r)
	}
	all := postedTasks(t, srv)
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Errorf("%s was POSTed twice", all[i])
		}
	}
	if n := len(all); n < 60-4 {
		t.Errorf("after the resume %d of 60 lines were sent; at most the 4 in flight may be held back as unknown", n)
	}
}
