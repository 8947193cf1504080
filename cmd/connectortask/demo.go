package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

const demoLong = `Run the whole flow against the embedded fake of Phrase TMS, started in-process on a free
loopback port: log in with the fake's demo user name and password, create jobs in two target
languages from a download task, and wait for the asynchronous request that starts. Each step is
narrated on stderr; the result (the created jobs with the finished async request, as create
--wait prints them) goes to stdout. Nothing leaves this machine and no account is needed.`

func (a *app) newDemoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run login, create and wait against an in-process fake of Phrase TMS",
		Long:  demoLong,
		Example: `  connectortask demo
  connectortask demo -o table
  connectortask demo -v         # one line per HTTP exchange on stderr
  go run ./cmd/connectortask demo`,
		Args: cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error { return a.demo(cmd.Context()) })
	hideInheritedFlags(cmd, "base-url", "region", "token-file") // it talks to its own fake
	return cmd
}

func (a *app) demo(ctx context.Context) error {
	ctx = a.captureAnswers(ctx)
	w := a.stderr
	srv, err := phrasetest.Start("127.0.0.1:0", a.fakeOpts...)
	if err != nil {
		if srv, err = phrasetest.Start("[::1]:0", a.fakeOpts...); err != nil {
			return fmt.Errorf("demo: starting the fake Phrase TMS: %w", err)
		}
	}
	defer srv.Close()
	fmt.Fprintf(w, "demo: a fake Phrase TMS is serving at %s\n", srv.URL)

	opts := []wrapper.Option{
		wrapper.WithBaseURL(srv.URL),
		wrapper.WithCredentials(srv.Username, srv.Password),
		wrapper.WithAttemptTimeout(a.timeout),
	}
	if l := a.logger(); l != nil {
		opts = append(opts, wrapper.WithLogger(l))
	}
	opts = append(opts, a.clientOpts...)
	client, err := wrapper.New(opts...)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	login, err := client.Login(ctx)
	if err != nil {
		return err
	}
	who := srv.Username
	if login.User != nil && login.User.UserName != nil {
		who = *login.User.UserName
	}
	fmt.Fprintf(w, "demo: logged in as %s with the fake's demo password; the token expires %s\n", who, date(login.Expires))

	langs := firstN(srv.TargetLangs, 2)
	if len(langs) == 0 {
		return fmt.Errorf("demo: the fake's project %s has no target languages", srv.ProjectUID)
	}
	due, err := wrapper.ParseTime("+3d", a.now())
	if err != nil {
		return err
	}
	taskID := "demo-download-task"
	params := &api.CreateJobFromAsyncDownloadTaskParams{DownloadTaskId: &taskID}
	body := api.JobCreateRequestDto{TargetLangs: langs, Due: api.NewDateTimePtr(due)}
	fmt.Fprintf(w, "demo: POST %s/api2/v1/projects/%s/jobs/connectorTask?downloadTaskId=%s with targetLangs %s, due %s\n",
		srv.URL, srv.ProjectUID, taskID, strings.Join(langs, ", "), api.NewDateTime(due))
	list, err := client.CreateJobsFromDownloadTask(ctx, srv.ProjectUID, params, body)
	if err != nil {
		return err
	}
	n := 0
	if list.Jobs != nil {
		n = len(*list.Jobs)
	}
	asyncID := ""
	if list.AsyncRequest != nil {
		asyncID = str(list.AsyncRequest.Id)
	}
	fmt.Fprintf(w, "demo: created %d job%s; waiting for async request %s\n", n, plural(n), asyncID)

	progress := wrapper.WithProgress(func(p wrapper.WaitProgress) {
		state := "pending"
		if p.Last != nil {
			state = asyncOutcome(p.Last)
		}
		fmt.Fprintf(w, "demo: poll %d: %s\n", p.Polls, state)
	})
	poll := a.demoPoll
	a.progress = "never" // the demo narrates each poll itself
	if err := a.waitAndPrint(ctx, client, list, time.Minute, wrapper.WithPollInterval(poll, 2*poll), progress); err != nil {
		return err
	}
	fmt.Fprintln(w, "demo: done; the jobs and their finished async request are on stdout")
	return nil
}
