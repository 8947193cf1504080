//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTokenFileRefusesWhatIsNotAToken: a FIFO (which would block forever), a directory, a
// file over 64 KiB, a token with a control character: each exits 2 at once with nothing sent;
// a file readable by others works with a warning; no message shows the flag's value (issue 10.7).
func TestTokenFileRefusesWhatIsNotAToken(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := writeFile(t, "big", strings.Repeat("x", 70<<10))
	ctrl := writeFile(t, "ctrl", "phrasetest-static\x01token\n")
	pasted := "Zq8pW3vR7tY1uI5oP9aS2dF6gH0jK4lX" // a token pasted where a file name goes
	env := map[string]string{envURL: srv.URL}
	for name, file := range map[string]string{"fifo": fifo, "directory": dir, "over 64 KiB": big, "control character": ctrl, "pasted token": pasted} {
		c := newCLI(t, env)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		c.ctx = ctx
		r := c.run("create", "--token-file", file, "--project-uid", srv.ProjectUID, "--target-lang", "de", "--download-task-id", "d1")
		timedOut := ctx.Err() != nil
		cancel()
		if r.code != exitUsage || timedOut || !strings.Contains(r.stderr, "--token-file") {
			t.Errorf("%s: want exit 2 at once naming --token-file\n%s", name, r)
		}
		if strings.Contains(r.stdout+r.stderr, pasted) {
			t.Errorf("%s: the flag's value was echoed\n%s", name, r)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}

	open := writeFile(t, "open", srv.Token+"\n")
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	r := newCLI(t, env).run("create", "--token-file", open, "--project-uid", srv.ProjectUID, "--target-lang", "de", "--download-task-id", "d1")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "readable by group or others") || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("want a warning about the file's mode\n%s", r)
	}
}

// TestCredentialsWithControlCharactersAreRefused: a token or password with a control
// character cannot be sent; it is refused up front (exit 2, nothing sent, the variable named)
// instead of being reported as an unknown outcome (issue 10.7).
func TestCredentialsWithControlCharactersAreRefused(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(2)...)
	for name, env := range map[string]map[string]string{
		envToken:    {envURL: srv.URL, envToken: srv.Token + "\x01"},
		envPassword: {envURL: srv.URL, envUsername: srv.Username, envPassword: srv.Password + "\x7f"},
	} {
		for _, args := range [][]string{
			{"create", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--download-task-id", "d1"},
			{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de"},
		} {
			r := newCLI(t, env).run(args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, name) || !strings.Contains(r.stderr, "control character") || r.stdout != "" {
				t.Errorf("%s, %s: want exit 2 naming %s and no output\n%s", name, args[1], name, r)
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
