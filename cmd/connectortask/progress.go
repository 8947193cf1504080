package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// How a long wait (create --wait, async get --wait, create --batch) shows that it is alive.
// On a terminal: the live progress (a line per poll, a redrawn batch line). Elsewhere — a CI
// log, a file — plain lines at a steady interval when asked for (--progress always), or by
// default in CI (CI=true); never control characters, never a line per poll.

type progressStyle int

const (
	progressOff   progressStyle = iota
	progressLive                // a terminal: as the progress happens
	progressPlain               // a log: one plain line every --progress-interval
)

const progressValues = "auto, always or never"

// addProgressFlags registers --progress and --progress-interval on cmd.
func (a *app) addProgressFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.progress, "progress", "auto", "progress on stderr: auto (live on a terminal, plain lines when CI=true), always (plain lines when stderr is not a terminal) or never")
	cmd.Flags().Var(newDurationValue(&a.progressEvery, 10*time.Second), "progress-interval", "pause between plain progress lines (when stderr is not a terminal)")
	_ = cmd.RegisterFlagCompletionFunc("progress", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
}

// progressProblems checks --progress and --progress-interval of cmd.
func (a *app) progressProblems(cmd *cobra.Command) []wrapper.Problem {
	var ps []wrapper.Problem
	switch a.progress {
	case "auto", "always", "never":
	default:
		ps = append(ps, wrapper.Problem{Path: "--progress", Message: fmt.Sprintf("%q is not a progress mode", a.progress), Fix: "give " + progressValues})
	}
	if p, bad := positiveProblem(cmd.Flags(), "progress-interval", "10s or 1m"); bad {
		ps = append(ps, p)
	}
	return ps
}

// progressStyle decides how progress is shown, from --progress, stderr and CI.
func (a *app) progressStyle() progressStyle {
	terminal := a.stderrIsTerminal()
	switch {
	case a.progress == "never":
		return progressOff
	case terminal:
		return progressLive
	case a.progress == "always" || a.inCI():
		return progressPlain
	}
	return progressOff
}

// inCI says whether the environment says it is CI (CI=true, as GitHub Actions, GitLab and most
// others set it).
func (a *app) inCI() bool {
	ci, err := strconv.ParseBool(strings.TrimSpace(a.getenv("CI")))
	return err == nil && ci
}

// waitReporter shows the progress of one wait for an async request.
type waitReporter struct {
	a     *app
	id    string
	style progressStyle
	start time.Time

	mu    sync.Mutex
	polls int
	last  *api.AsyncRequestDto

	stopc chan struct{}
	done  chan struct{}
}

// waitOptions are the options of every wait for async request id: the timeout, the progress
// on stderr, and the test knobs of a.waitOpts last, so that they win. Call stop when the wait
// has returned.
func (a *app) waitOptions(id string, timeout time.Duration) (opts []wrapper.WaitOption, stop func()) {
	opts = []wrapper.WaitOption{wrapper.WithWaitTimeout(timeout)}
	r := &waitReporter{a: a, id: id, style: a.progressStyle(), start: time.Now()}
	stop = func() {}
	if r.style != progressOff {
		opts = append(opts, wrapper.WithProgress(r.poll))
	}
	if r.style == progressPlain {
		r.stopc, r.done = make(chan struct{}), make(chan struct{})
		go r.tick(a.progressEvery)
		stop = func() { close(r.stopc); <-r.done }
	}
	return append(opts, a.waitOpts...), stop
}

// poll is the wait's progress callback.
func (r *waitReporter) poll(p wrapper.WaitProgress) {
	r.mu.Lock()
	r.polls, r.last = p.Polls, p.Last
	r.mu.Unlock()
	if r.style == progressLive {
		fmt.Fprintln(r.a.stderr, r.line(p.Polls, p.Last, p.Elapsed))
	}
}

// tick writes a plain line every interval until stopped.
func (r *waitReporter) tick(every time.Duration) {
	defer close(r.done)
	t := time.NewTicker(max(every, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.mu.Lock()
			polls, last := r.polls, r.last
			r.mu.Unlock()
			fmt.Fprintln(r.a.stderr, r.line(polls, last, time.Since(r.start)))
		case <-r.stopc:
			return
		}
	}
}

// line is e.g. "waiting for async request 900123: pending after 3 polls, 25s".
func (r *waitReporter) line(polls int, last *api.AsyncRequestDto, elapsed time.Duration) string {
	state := "pending"
	if last != nil {
		state = asyncOutcome(last)
	}
	if polls == 0 {
		return fmt.Sprintf("waiting for async request %s: no answer yet, %s", r.id, elapsed.Round(time.Second))
	}
	return fmt.Sprintf("waiting for async request %s: %s after %d poll%s, %s", r.id, state, polls, plural(polls), elapsed.Round(time.Second))
}
