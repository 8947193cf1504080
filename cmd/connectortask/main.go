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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
