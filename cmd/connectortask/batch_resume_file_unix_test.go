//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// --resume RESULTS that is not a regular file is refused up front (exit 2, nothing written,
// nothing sent): a FIFO used to block the open forever, deaf to SIGINT, and a pipe (<(…)) got
// the resume header written and then failed reading it a second time.
func TestBatchResumeRefusesANonRegularFile(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(3)...)
	results := saveStdout(t, batch(newCLI(t, tokenEnv(srv)), srv, file))
	sent := len(srv.Requests())
	content, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}

	fifo := filepath.Join(t.TempDir(), "results.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	if _, err := pw.Write(content); err != nil { // fits in a pipe's buffer
		t.Fatal(err)
	}
	pw.Close()

	for _, name := range []string{fifo, fmt.Sprintf("/dev/fd/%d", pr.Fd())} {
		done := make(chan result, 1)
		go func() {
			done <- newCLI(t, tokenEnv(srv)).run("create", "--batch", file, "--target-lang", "de", "--resume", name)
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("--resume %s: still running after 10 s", name)
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close() // lets a blocked open of the FIFO return
			}
			r = <-done
		}
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "not a regular file") || !strings.Contains(r.stderr, "give that file") {
			t.Errorf("--resume %s: want exit 2, no output, a message asking for a file\n%s", name, r)
		}
	}
	if n := len(srv.Requests()); n != sent {
		t.Errorf("%d requests sent by the refused runs", n-sent)
	}
}
