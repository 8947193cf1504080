package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBatchResumeRefusedWritesNothing: RESULTS that do not match the input (a created line
// edited, results of a longer file, a created line now blank) make the run refuse with exit 2
// before it writes a single record or sends anything (issue 10.4).
func TestBatchResumeRefusedWritesNothing(t *testing.T) {
	srv := fake(t)
	lines := numbered(4)
	first := batch(newCLI(t, tokenEnv(srv)), srv, tasksFile(t, lines...))
	wantCode(t, first, exitOK)
	prev := saveStdout(t, first)

	edited := slices.Clone(lines)
	edited[2] = `{"downloadTaskId": "d3", "path": "moved/elsewhere.html"}` // same task, other request
	blank := slices.Clone(lines)
	blank[1] = ""
	for name, input := range map[string][]string{
		"a created line edited":         edited,
		"results of a longer file":      lines[:2],
		"a created line now blank":      blank,
		"another file, same line count": {`{"downloadTaskId": "x1"}`, `{"downloadTaskId": "x2"}`, `{"downloadTaskId": "x3"}`, `{"downloadTaskId": "x4"}`},
		"another file, more lines":      append(numbered(4)[1:], numbered(9)...),
	} {
		before := posts(srv)
		r := batch(newCLI(t, tokenEnv(srv)), srv, tasksFile(t, input...), "--resume", prev)
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "does not match the input") {
			t.Errorf("%s: want exit 2, empty stdout and a mismatch message\n%s", name, r)
		}
		if n := posts(srv) - before; n != 0 {
			t.Errorf("%s: %d POSTs after a refused resume", name, n)
		}
	}
	// A line that failed may be fixed before the resume: that is the point of resuming.
	srv2 := fake(t)
	bad := slices.Clone(lines)
	bad[1] = `{"downloadTaskId": "d2", "targetLangs": ["xx-not-a-language", "xx-not-a-language"]}`
	file := tasksFile(t, bad...)
	r := batch(newCLI(t, tokenEnv(srv2)), srv2, file)
	wantCode(t, r, exitAPI)
	fixed := batch(newCLI(t, tokenEnv(srv2)), srv2, tasksFile(t, lines...), "--resume", saveStdout(t, r))
	wantCode(t, fixed, exitOK)
}

// TestBatchSkippedLinesCarryJobsAndHash: a skipped line carries forward the job ids of the run
// that created it and the hash of its line, so that a resume of a resume still verifies it
// (issue 10.4).
func TestBatchSkippedLinesCarryJobsAndHash(t *testing.T) {
	srv := fake(t)
	lines := numbered(3)
	file := tasksFile(t, lines...)
	first := batch(newCLI(t, tokenEnv(srv)), srv, file)
	wantCode(t, first, exitOK)
	second := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", saveStdout(t, first))
	wantCode(t, second, exitOK)
	res1, res2 := results(t, first), results(t, second)
	for n := 1; n <= 3; n++ {
		a, b := res1[n], res2[n]
		if !b.OK || !b.Skipped || b.Result == nil || a.Result == nil || b.Result.Jobs == nil || len(b.Result.Jobs) != 2 {
			t.Fatalf("line %d carried as %+v", n, b)
		}
		ja, jb := a.Result.Jobs, b.Result.Jobs
		if *ja[0].Uid != *jb[0].Uid || *ja[1].Uid != *jb[1].Uid {
			t.Errorf("line %d: job uids not carried: %v vs %v", n, *ja[0].Uid, *jb[0].Uid)
		}
	}
	if !strings.Contains(second.stdout, `"lineHash":"`+lineHash([]byte(lines[1]))+`"`) {
		t.Errorf("the carried line has no lineHash\n%s", second)
	}
	// An edit after two runs is still caught, from the second results alone.
	edited := slices.Clone(lines)
	edited[1] = `{"downloadTaskId": "d2", "path": "other.html"}`
	third := batch(newCLI(t, tokenEnv(srv)), srv, tasksFile(t, edited...), "--resume", saveStdout(t, second))
	if third.code != exitUsage || third.stdout != "" || !strings.Contains(third.stderr, "line 2") {
		t.Errorf("edited line after a resume of a resume: want exit 2 naming line 2\n%s", third)
	}
	if posts(srv) != 3 {
		t.Errorf("%d POSTs, want 3", posts(srv))
	}
}

// TestBatchResumeCutLineNumberIsNotBlamedOnAnotherLine: a record cut inside its line number
// ({"line":12 of line 123) says nothing of line 12, which is sent; line 123, whose send record
// is there, is of unknown outcome (issue 10.4).
func TestBatchResumeCutLineNumberIsNotBlamedOnAnotherLine(t *testing.T) {
	srv := fake(t)
	lines := numbered(130)
	file := tasksFile(t, lines...)
	send := func(n int) string {
		return fmt.Sprintf(`{"line":%d,"sending":true,"projectUid":%q,"downloadTaskId":"d%d","lineHash":%q}`+"\n", n, srv.ProjectUID, n, lineHash([]byte(lines[n-1])))
	}
	content := send(1) + fmt.Sprintf(`{"line":1,"ok":true,"projectUid":%q,"downloadTaskId":"d1","lineHash":%q}`+"\n", srv.ProjectUID, lineHash([]byte(lines[0]))) +
		send(123) + `{"line":12`
	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", writeFile(t, "killed.jsonl", content))
	wantCode(t, r, exitUnknown) // line 123 is of unknown outcome
	posted := postedTasks(t, srv)
	if slices.Contains(posted, "d1") || slices.Contains(posted, "d123") || !slices.Contains(posted, "d12") || len(posted) != 128 {
		t.Errorf("POSTed %d tasks; want every line but 1 (created) and 123 (in flight), line 12 included", len(posted))
	}
	if l := results(t, r)[123]; !l.Skipped || l.Error == nil || l.Error.Outcome != "unknown" {
		t.Errorf("line 123: %+v", l)
	}
}

// TestBatchResumeFromAnyPrefix: any prefix of what a --resume run wrote (cut at every record
// end and inside every record, as a hard kill leaves it) is enough for the next resume to send
// no line that was created, or may have been sent, before the cut: the carried results come
// first, and each send record precedes its request (issue 10.3). The next resume is a dry run,
// which shows every request it would send.
func TestBatchResumeFromAnyPrefix(t *testing.T) {
	srv := fake(t, phrasetest.WithLostResponse(1))
	const n = 24
	file := tasksFile(t, numbered(n)...)

	// Run 1: interrupted after a few lines.
	c := newCLI(t, tokenEnv(srv))
	ctx, cancel := context.WithCancel(t.Context())
	c.ctx = ctx
	go func() {
		for posts(srv) < 6 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	first := batch(c, srv, file, "--concurrency", "2")
	cancel()
	r1 := saveStdout(t, first)
	createdBy1 := map[int]bool{}
	for _, l := range results(t, first) {
		if l.OK || (l.Error != nil && l.Error.Outcome == "unknown") {
			createdBy1[l.Line] = true
		}
	}
	if len(createdBy1) == 0 || len(createdBy1) >= n {
		t.Fatalf("run 1 did %d lines: the test needs a partial run\n%s", len(createdBy1), first)
	}

	// Run 2: a resume that finishes; its stdout is what a kill at any moment cuts short.
	second := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", r1, "--concurrency", "2")
	out := second.stdout
	var cuts []int
	for i := 0; i < len(out); i++ {
		if out[i] == '\n' {
			cuts = append(cuts, i+1)
		}
		if out[i] == '{' {
			cuts = append(cuts, i+1, i+10, i+(strings.IndexByte(out[i:], '\n')+1)/2) // inside the record
		}
	}
	cuts = append(cuts, 0)
	for _, cut := range cuts {
		cut = min(cut, len(out))
		prefix := out[:cut]
		// What had been sent when the kill cut stdout there: everything run 1 created or left
		// unknown, and every line with a send record in the prefix.
		mayExist := map[int]bool{}
		for k := range createdBy1 {
			mayExist[k] = true
		}
		checkResumeFromPrefix(t, srv, file, r1, prefix, mayExist, fmt.Sprintf("%d/%d", cut, len(out)))
	}
}

// checkResumeFromPrefix resumes (as a dry run) from prefix, the stdout of a run cut short by a
// kill: it must be refused only when the cut fell before the carried results were complete
// (naming r1, the earlier results, or saying the file holds no result), and otherwise send no
// line that may already exist: those of mayExist, and every line with a send record in prefix.
func checkResumeFromPrefix(t *testing.T, srv *phrasetest.Server, file, r1, prefix string, mayExist map[int]bool, at string) {
	t.Helper()
	for _, rec := range strings.Split(prefix, "\n") {
		var s sendRecord
		if json.Unmarshal([]byte(rec), &s) == nil && s.Sending {
			mayExist[s.Line] = true
		}
	}
	p := writeFile(t, "prefix.jsonl", prefix)
	r := newCLI(t, tokenEnv(srv)).run("create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--resume", p, "--dry-run")
	if r.code == exitUsage {
		// Only a cut before the carried results are complete is refused, naming run 1's
		// results, from which a resume is safe (run 2 had sent nothing yet).
		if strings.Contains(prefix, `"sending"`) || (!strings.Contains(r.stderr, r1) && !strings.Contains(r.stderr, "holds no result")) {
			t.Fatalf("cut at %s refused:\n%s\nprefix:\n%s", at, r, prefix)
		}
		return
	}
	for line, l := range results(t, r) {
		if l.Request != nil && mayExist[line] {
			t.Fatalf("cut at %s: line %d may exist, but the resume would send it\nprefix:\n%s", at, line, prefix)
		}
	}
}

// TestBatchResumeEmptyResults: an empty RESULTS is refused (the run that wrote it sent
// nothing, but may have been a resume whose earlier results are elsewhere), unless a journal
// says what was sent; then the warning says what the run does (issue 14).
func TestBatchResumeEmptyResults(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(6)...)
	empty := writeFile(t, "empty.jsonl", "")
	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", empty)
	if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "without --resume") {
		t.Errorf("empty RESULTS without a journal: want exit 2 and advice\n%s", r)
	}
	var journal strings.Builder
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&journal, "{\"line\":%d,\"projectUid\":%q,\"downloadTaskId\":\"d%d\"}\n", i, srv.ProjectUID, i)
	}
	jn := writeFile(t, "sends.journal", journal.String())
	r = batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", empty, "--journal", jn)
	wantCode(t, r, exitUnknown) // 4 lines of unknown outcome
	if strings.Contains(r.stderr, "every line will be sent") || !strings.Contains(r.stderr, "the 4 lines --journal") || !strings.Contains(r.stderr, "skipped") {
		t.Errorf("the warning should say the journal's 4 lines are skipped\n%s", r)
	}
	if got := postedTasks(t, srv); !slices.Equal(got, []string{"d5", "d6"}) {
		t.Errorf("POSTed %v, want d5 d6", got)
	}
}

// TestBatchRefusesStdoutIsInput: `create --batch f >> f` (and `--batch - < f >> f`) would read
// its own results back as lines without end: refused with exit 2, nothing sent, f unchanged
// (issue 10.5).
func TestBatchRefusesStdoutIsInput(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(3)...)
	before, _ := os.ReadFile(file)
	for name, viaStdin := range map[string]bool{"--batch f >> f": false, "--batch - < f >> f": true} {
		out, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		in, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		var stderr syncBuffer
		a := newApp(in, out, &stderr, func(k string) string { return tokenEnv(srv)[k] })
		arg := file
		if viaStdin {
			arg = "-"
		}
		code := a.execute(t.Context(), []string{"create", "--batch", arg, "--project-uid", srv.ProjectUID, "--target-lang", "de"})
		_ = out.Close()
		_ = in.Close()
		if code != exitUsage || !strings.Contains(stderr.String(), "stdout is the --batch input") {
			t.Errorf("%s: exit %d, want 2 naming the problem\n%s", name, code, stderr.String())
		}
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) || posts(srv) != 0 {
		t.Errorf("the input changed or %d POSTs were sent", posts(srv))
	}
}

// TestBatchResumeAppendingToResults: `--resume r >> r` appends this run's records to r without
// copying the earlier ones again, ending first a record a kill cut short; r then resumes alone.
func TestBatchResumeAppendingToResults(t *testing.T) {
	srv := fake(t)
	lines := numbered(8)
	file := tasksFile(t, lines...)
	cut := fmt.Sprintf(`{"line":3,"sending":true,"projectUid":%q,"downloadTaskId":"d3","lineHash":%q}`+"\n", srv.ProjectUID, lineHash([]byte(lines[2]))) +
		fmt.Sprintf(`{"line":1,"ok":true,"projectUid":%q,"downloadTaskId":"d1","lineHash":%q}`+"\n", srv.ProjectUID, lineHash([]byte(lines[0]))) +
		`{"line":4,"send`
	r := writeFile(t, "results.jsonl", cut)
	resumeAppending := func() int {
		out, err := os.OpenFile(r, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		var stderr syncBuffer
		a := newApp(strings.NewReader(""), out, &stderr, func(k string) string { return tokenEnv(srv)[k] })
		return a.execute(t.Context(), []string{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de",
			"--rate", "60000/min", "--resume", r})
	}
	if code := resumeAppending(); code != exitUnknown { // line 3 is of unknown outcome
		t.Fatalf("exit %d", code)
	}
	content, _ := os.ReadFile(r)
	if strings.Count(string(content), `"line":1,"ok":true`) != 1 || strings.Contains(string(content), `"resumed"`) {
		t.Errorf("appending must not copy the earlier results again:\n%s", content)
	}
	if got := postedTasks(t, srv); !slices.Equal(got, []string{"d2", "d4", "d5", "d6", "d7", "d8"}) {
		t.Errorf("POSTed %v", got)
	}
	if code := resumeAppending(); code != exitUnknown || posts(srv) != 6 {
		t.Errorf("a resume of the appended results: exit %d, %d POSTs; want 1 and 6", code, posts(srv))
	}
}

// TestBatchResumeFromStdin: --batch - with --resume reads stdin once into a copy (which no
// kill can leave behind), verifies it against RESULTS, then sends from it.
func TestBatchResumeFromStdin(t *testing.T) {
	srv := fake(t, phrasetest.WithLostResponse(1))
	lines := numbered(5)
	c := newCLI(t, tokenEnv(srv))
	c.stdin = strings.Join(lines, "\n") + "\n"
	first := batch(c, srv, "-", "--concurrency", "1")
	wantCode(t, first, exitUnknown) // line 1: outcome unknown
	prev := saveStdout(t, first)

	c = newCLI(t, tokenEnv(srv))
	c.stdin = strings.Join(lines, "\n") + "\n"
	second := batch(c, srv, "-", "--resume", prev)
	wantCode(t, second, exitUnknown)
	if res := results(t, second); len(res) != 5 || !res[1].Skipped || !res[5].OK || !res[5].Skipped {
		t.Errorf("results of the resume: %+v", res)
	}
	c = newCLI(t, tokenEnv(srv))
	c.stdin = strings.Join(append([]string{`{"downloadTaskId": "other"}`}, lines[1:]...), "\n") + "\n"
	third := batch(c, srv, "-", "--resume", prev)
	if third.code != exitUsage || third.stdout != "" {
		t.Errorf("an edited line 1 on stdin: want exit 2, nothing written\n%s", third)
	}
	if posts(srv) != 5 {
		t.Errorf("%d POSTs, want 5", posts(srv))
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "connectortask-batch-*.jsonl")); len(left) > 0 {
		t.Errorf("copies of stdin left behind: %v", left)
	}
}
