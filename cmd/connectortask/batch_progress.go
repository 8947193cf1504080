package main

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// progress redraws one line on stderr (a terminal) four times a second: lines done, failed,
// in flight, the rate and the ETA. With every set (stderr is a log: --progress), it writes that
// line as a plain line every that long instead, without control characters.
type progress struct {
	w     io.Writer
	r     *batchRun
	total int // non-blank lines of the input, -1 when unknown (stdin)
	every time.Duration
	begin time.Time
	stopc chan struct{}
	done  chan struct{}
}

func newProgress(w io.Writer, r *batchRun, total int) *progress {
	return &progress{w: w, r: r, total: total, stopc: make(chan struct{}), done: make(chan struct{})}
}

func (p *progress) start() {
	p.begin = time.Now()
	go func() {
		defer close(p.done)
		redraw, format := 250*time.Millisecond, "\r%s\x1b[K"
		if p.every > 0 {
			redraw, format = p.every, "%s\n"
		}
		t := time.NewTicker(redraw)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fmt.Fprintf(p.w, format, p.line(time.Now()))
			case <-p.stopc:
				return
			}
		}
	}()
}

func (p *progress) finish() {
	close(p.stopc)
	<-p.done
	if p.every > 0 {
		fmt.Fprintf(p.w, "%s\n", p.line(time.Now()))
		return
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K\n", p.line(time.Now()))
}

// line is e.g. "batch: 340/1000 lines, 2 failed, 4 in flight, 2990/min, ETA 13s".
func (p *progress) line(now time.Time) string {
	r := p.r
	handled := r.done.Load() + r.invalid.Load() + r.skippedCreated.Load() + r.skippedUnknown.Load()
	if r.dryRun {
		handled = r.created.Load() + r.invalid.Load() + r.skippedCreated.Load() + r.skippedUnknown.Load()
	}
	failed := r.failed.Load() + r.unknown.Load() + r.invalid.Load()
	of := ""
	if p.total >= 0 {
		of = "/" + strconv.Itoa(p.total)
	}
	s := fmt.Sprintf("batch: %d%s lines, %d failed, %d in flight", handled, of, failed, r.sent.Load()-r.done.Load())
	first := r.firstSend.Load()
	if first == 0 || r.done.Load() == 0 {
		return s
	}
	elapsed := now.Sub(time.Unix(0, first))
	perMinute := float64(r.done.Load()) / elapsed.Minutes()
	s += fmt.Sprintf(", %.0f/min", perMinute)
	if p.total >= 0 && perMinute > 0 {
		left := float64(int64(p.total) - handled)
		if left > 0 {
			eta := time.Duration(left / perMinute * float64(time.Minute))
			s += ", ETA " + eta.Round(time.Second).String()
		}
	}
	return s
}
