// Command connectortask creates Phrase TMS jobs from a connector's asynchronous download task
// (POST /api2/v1/projects/{projectUid}/jobs/connectorTask), follows the asynchronous request
// that starts, and serves a fake of Phrase TMS for demos and tests. Run
// `connectortask --help` for the commands, and `connectortask demo` to see the whole flow.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C and SIGTERM cancel the context with the signal as its cause, so that a command can
	// tell an interrupted wait (exit 130) from a failed one.
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if s, ok := <-sigs; ok {
			cancel(&signalCause{sig: s})
		}
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	signal.Stop(sigs)
	cancel(nil)
	os.Exit(code)
}
