package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// signalCause is the cause of the context main cancels on SIGINT (Ctrl-C) or SIGTERM.
type signalCause struct{ sig os.Signal }

func (s *signalCause) Error() string { return "interrupted by " + s.sig.String() }

// interruption returns the signal that ended ctx, or nil when none did.
func interruption(ctx context.Context) os.Signal {
	var s *signalCause
	if errors.As(context.Cause(ctx), &s) {
		return s.sig
	}
	return nil
}

// interruptedError is a wait that a signal ended: the exit code is 128 + the signal's number
// (130 for Ctrl-C), as shells report a process killed by it.
type interruptedError struct {
	sig  os.Signal
	what string // e.g. "waiting for async request 900123"
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("interrupted (%s) while %s; the wait was stopped, not the work in Phrase", e.sig, e.what)
}

// exitCode is 128 + the signal number, or 130 for a signal without one.
func (e *interruptedError) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}
