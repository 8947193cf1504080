package main

import (
	"errors"
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
state seen is printed; when no poll had answered yet, stdout stays empty and stderr says so),
130 when interrupted (Ctrl-C). Progress goes to stderr: live on a terminal; elsewhere a plain
line every --progress-interval with --progress always, or by default when CI=true.`

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
		if err := flagsOnlyError(a.progressProblems(cmd)); err != nil {
			return err
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
		opts, stop := a.waitOptions(id, waitTimeout)
		r, err := client.WaitAsyncRequest(ctx, id, opts...)
		stop()
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
		case errors.As(err, &timeout):
			return withHint(err, "no state was seen: no poll had answered within --wait-timeout %s, so nothing is on stdout; raise --wait-timeout, or look with: connectortask async get %s", waitTimeout, id)
		case interruption(ctx) != nil:
			return withHint(&interruptedError{sig: interruption(ctx), what: "waiting for async request " + id},
				"nothing is on stdout; look again with: connectortask async get %s --wait", id)
		}
		return err
	})
	get.Flags().BoolVar(&wait, "wait", false, "poll until the async request has finished")
	get.Flags().DurationVar(&waitTimeout, "wait-timeout", 10*time.Minute, "give up waiting after this long (exit 3)")
	a.addProgressFlags(get)
	cmd.AddCommand(get)
	return cmd
}
