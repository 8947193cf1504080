package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// addReconcileFlags adds --reconcile and --reconcile-grace to create.
func (a *app) addReconcileFlags(cmd *cobra.Command, f *createFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&f.reconcile, "reconcile", false, "when the outcome is unknown, find out from the project's jobs: print them if found, send once more if provably none were created, exit 4 if it cannot tell (with --batch --resume: do so for the lines of unknown outcome before sending anything)")
	fl.DurationVar(&f.reconcileGrace, "reconcile-grace", wrapper.DefaultReconcileGrace, "with --reconcile: how long after a request gave up Phrase may still create its jobs; 'none were created' is concluded only after it")
}

// reconciledJobs is what create prints when reconciling found the jobs of a lost answer.
type reconciledJobs struct {
	Reconciled string                   `json:"reconciled"`
	Reason     string                   `json:"reason"`
	ListCalls  int                      `json:"listCalls"`
	Jobs       []api.JobPartReferenceV2 `json:"jobs"`
}

// reconcileCreate resolves an unknown outcome of create --reconcile. It returns the error as it
// is when the outcome is known; (nil, nil) when it found and printed the jobs; the answer of
// the one resend when nothing had been created; and an error that exits 4 when it cannot tell.
func (a *app) reconcileCreate(ctx context.Context, client *wrapper.Client, f *createFlags, err error, projectUID string, params *api.CreateJobFromAsyncDownloadTaskParams, body api.JobCreateRequestDto) (*api.JobListDto, error) {
	for sends := 1; ; sends++ {
		var unknown *wrapper.UnknownOutcomeError
		if !errors.As(err, &unknown) {
			return nil, err
		}
		fmt.Fprintf(a.stderr, "connectortask: %v\nconnectortask: reconciling: looking for its jobs in project %s (up to %s after it gave up, as Phrase may still be creating them)\n",
			unknown, projectUID, f.reconcileGrace)
		found, rerr := client.Reconcile(ctx, unknown, wrapper.ReconcileOptions{Grace: f.reconcileGrace})
		if rerr != nil {
			return nil, withHint(&unknownOutcomeError{err: fmt.Errorf("outcome unknown, and reconciling failed: %w", rerr)}, "%s", unknownHint(unknown))
		}
		switch found.Result {
		case wrapper.ReconcileCreated:
			fmt.Fprintf(a.stderr, "connectortask: reconciled: created (%s; %d list call%s)\n", found.Reason, found.ListCalls, plural(found.ListCalls))
			if f.wait {
				fmt.Fprintln(a.stderr, "connectortask: warning: --wait: the lost answer named the async request, so there is none to wait for; the jobs are listed with their importStatus")
			}
			return nil, a.printReconciled(found)
		case wrapper.ReconcileNotCreated:
			if sends >= 2 {
				return nil, withHint(fmt.Errorf("reconciled: not created, twice (%s); nothing was created", found.Reason),
					"the request was sent twice and lost twice before Phrase acted; run the command again")
			}
			fmt.Fprintf(a.stderr, "connectortask: reconciled: not created (%s); sending the request once more\n", found.Reason)
			var list *api.JobListDto
			list, err = client.CreateJobsFromDownloadTask(ctx, projectUID, params, body)
			if err == nil {
				return list, nil
			}
		default:
			for _, j := range found.Candidates {
				if b, merr := marshal(j); merr == nil {
					fmt.Fprintf(a.stderr, "candidate: %s\n", b)
				}
			}
			return nil, withHint(&unknownOutcomeError{err: fmt.Errorf("outcome unknown: reconciling could not tell (%s); %d candidate job%s on stderr; nothing was resent",
				found.Reason, len(found.Candidates), plural(len(found.Candidates)))}, "%s", unknownHint(unknown))
		}
	}
}

func (a *app) printReconciled(found *wrapper.Reconciliation) error {
	if a.output == "table" {
		w := &jobWriter{w: a.stdout, table: true}
		for _, j := range found.Jobs {
			if err := w.write(j, nil); err != nil {
				return err
			}
		}
		return nil
	}
	return writeJSON(a.stdout, reconciledJobs{Reconciled: string(found.Result), Reason: found.Reason, ListCalls: found.ListCalls, Jobs: found.Jobs})
}

// unknownHint says how to look at what an unknown outcome may have created.
func unknownHint(u *wrapper.UnknownOutcomeError) string {
	if u == nil || u.ProjectUID == "" {
		return "list the project's jobs (connectortask jobs list) before trying again, or they may be created twice"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "see what was created with: connectortask jobs list --project-uid %s", u.ProjectUID)
	if !u.SentAt.IsZero() {
		fmt.Fprintf(&b, " --created-after %s", api.NewDateTime(u.SentAt.Add(-wrapper.DefaultClockSkew)))
	}
	if u.RemoteFileName != "" && !u.RemoteFileNameRegex {
		fmt.Fprintf(&b, " --filename %s", u.RemoteFileName)
	}
	b.WriteString("; do not send the request again before")
	return b.String()
}
