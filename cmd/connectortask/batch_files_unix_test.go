//go:build unix

package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestBatchResumeOverwritingResultsIsRefused: stdout is RESULTS opened without O_APPEND
// (1<> r): the records would overwrite the results being resumed from.
func TestBatchResumeOverwritingResultsIsRefused(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(3)...)
	first := batch(newCLI(t, tokenEnv(srv)), srv, file)
	r := saveStdout(t, first)
	out, err := os.OpenFile(r, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var stderr syncBuffer
	a := newApp(strings.NewReader(""), out, &stderr, func(k string) string { return tokenEnv(srv)[k] })
	code := a.execute(t.Context(), []string{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de", "--resume", r})
	if after, _ := os.ReadFile(r); code != exitUsage || string(after) != first.stdout || !strings.Contains(stderr.String(), ">>") {
		t.Errorf("exit %d, want 2, RESULTS unchanged\n%s", code, stderr.String())
	}
	// A dry run appending its previews to RESULTS would spoil them for the next resume.
	app, err := os.OpenFile(r, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	var stderr2 syncBuffer
	a = newApp(strings.NewReader(""), app, &stderr2, func(k string) string { return tokenEnv(srv)[k] })
	code = a.execute(t.Context(), []string{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de", "--resume", r, "--dry-run"})
	if after, _ := os.ReadFile(r); code != exitUsage || string(after) != first.stdout {
		t.Errorf("dry run appending to RESULTS: exit %d, want 2, RESULTS unchanged\n%s", code, stderr2.String())
	}
}

// TestBatchResumeAppendingToEmptyResults: `--resume r >> r` with r empty (its run was killed
// before it wrote anything) is refused as empty, not blamed on '>' (found by the crash harness);
// with a journal it proceeds, skipping what the journal records.
func TestBatchResumeAppendingToEmptyResults(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(3)...)
	r := writeFile(t, "results.jsonl", "")
	run := func(extra ...string) (int, string) {
		out, err := os.OpenFile(r, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		var stderr syncBuffer
		a := newApp(strings.NewReader(""), out, &stderr, func(k string) string { return tokenEnv(srv)[k] })
		args := append([]string{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de", "--resume", r}, extra...)
		return a.execute(t.Context(), args), stderr.String()
	}
	if code, stderr := run(); code != exitUsage || strings.Contains(stderr, "emptied it") || !strings.Contains(stderr, "holds no result") {
		t.Errorf("exit %d, want 2 saying RESULTS holds no result\n%s", code, stderr)
	}
	jn := writeFile(t, "sends.journal", `{"line":2,"projectUid":"`+srv.ProjectUID+`","downloadTaskId":"d2"}`+"\n")
	if code, stderr := run("--journal", jn); code != exitUnknown || !slices.Equal(postedTasks(t, srv), []string{"d1", "d3"}) {
		t.Errorf("with the journal: exit %d, POSTed %v; want 4 (line 2 is of unknown outcome) and d1 d3\n%s", code, postedTasks(t, srv), stderr)
	}
}
