package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

const asyncGetLong = `Print an asynchronous request (an AsyncRequestDto): GET /api2/v1/async/{asyncRequestId}.

An async request has finished when its asyncResponse is not null; it failed when that carries an
errorCode. Without --wait the request is printed as it stands (exit 0 whatever its state). With
--wait the command polls, backing off, until the request has finished: exit 0 when it finished
without an errorCode, 1 when it finished with one, 3 when --wait-timeout passed first (the last
state seen is printed). Progress goes to stderr when it is a terminal.`

const asyncGetExample = `  # Where does the async request that create printed stand?
  connectortask async get 900123

  # Wait for it, at most two minutes:
  connectortask async get 900123 --wait --wait-timeout 2m

  # Only its outcome, with jq:
  connectortask async get 900123 | jq .asyncResponse`

func (a *app) newAsyncCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "async",
		Short:   "Follow asynchronous requests (see: async get)",
		Example: `  connectortask async get 900123 --wait`,
		Args:    cobra.NoArgs, // an unknown subcommand is a usage error, not a help page
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var (
		wait        bool
		waitTimeout time.Duration
	)
	get := &cobra.Command{
		Use:     "get ID",
		Short:   "Print an async request (AsyncRequestDto), optionally waiting for it to finish",
		Long:    asyncGetLong,
		Example: asyncGetExample,
		Args:    cobra.ExactArgs(1),
	}
	get.RunE = a.runE(func(cmd *cobra.Command, args []string) error {
		id := strings.TrimSpace(args[0])
		if id == "" {
			return usagef("the async request ID is empty: give the asyncRequest.id that create printed")
		}
		if wait && waitTimeout <= 0 {
			return usagef("--wait-timeout %s: want a positive duration such as 10m", waitTimeout)
		}
		client, err := a.newClient(cmd, authRequired)
		if err != nil {
			return err
		}
		ctx := a.captureAnswers(cmd.Context())
		if !wait {
			r, err := client.AsyncRequest(ctx, id)
			if err != nil {
				return err
			}
			return a.printAsync(r)
		}
		// The context is the wait's one bound (a *WaitTimeoutError when it passes).
		wctx, cancel := context.WithTimeout(ctx, waitTimeout)
		defer cancel()
		r, err := client.WaitAsyncRequest(wctx, id, a.waitOptions(id)...)
		var (
			failed  *wrapper.AsyncRequestError
			timeout *wrapper.WaitTimeoutError
		)
		switch {
		case err == nil:
			return a.printAsync(r)
		case errors.As(err, &failed) && failed.Request != nil:
			if perr := a.printAsync(failed.Request); perr != nil {
				return perr
			}
		case errors.As(err, &timeout) && timeout.Last != nil:
			if perr := a.printAsync(timeout.Last); perr != nil {
				return perr
			}
		}
		return err
	})
	get.Flags().BoolVar(&wait, "wait", false, "poll until the async request has finished")
	get.Flags().DurationVar(&waitTimeout, "wait-timeout", 10*time.Minute, "give up waiting after this long (exit 3)")
	cmd.AddCommand(get)
	return cmd
}

// waitOptions are the options of every wait for async request id: progress on stderr when it
// is a terminal, and the test knobs of a.waitOpts last, so that they win.
func (a *app) waitOptions(id string) []wrapper.WaitOption {
	var opts []wrapper.WaitOption
	if a.stderrIsTerminal() {
		opts = append(opts, wrapper.WithProgress(func(p wrapper.WaitProgress) {
			state := "pending"
			if p.Last != nil {
				state = asyncOutcome(p.Last)
			}
			fmt.Fprintf(a.stderr, "waiting for async request %s: %s after %d poll%s, %s\n", id, state, p.Polls, plural(p.Polls), p.Elapsed.Round(time.Second))
		}))
	}
	return append(opts, a.waitOpts...)
}
