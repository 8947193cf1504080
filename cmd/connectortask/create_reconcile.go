package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/capture"
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
	Reconciled string            `json:"reconciled"`
	Reason     string            `json:"reason"`
	ListCalls  int               `json:"listCalls"`
	Jobs       []json.RawMessage `json:"jobs"` // as Phrase listed them
}

// reconcileCreate resolves an unknown outcome of create --reconcile. It returns the error as it
// is when the outcome is known; (nil, nil) when it found and printed the jobs; the answer of
// the one resend when nothing had been created; and an error that exits 4 when it cannot tell.
func (a *app) reconcileCreate(ctx context.Context, client *wrapper.Client, f *createFlags, err error, projectUID, downloadTaskID string, opts []wrapper.CreateOption, body api.JobCreateRequestDto) (*wrapper.CreateJobsResult, error) {
	for sends := 1; ; sends++ {
		var unknown *wrapper.UnknownOutcomeError
		if !errors.As(err, &unknown) {
			return nil, err
		}
		fmt.Fprintf(a.stderr, "connectortask: %v\nconnectortask: reconciling: looking for its jobs in project %s (up to %s after it gave up, as Phrase may still be creating them)\n",
			unknown, projectUID, f.reconcileGrace)
		listed := &listedJobs{}
		found, rerr := client.Reconcile(listed.capture(ctx), unknown, wrapper.ReconcileOptions{Grace: f.reconcileGrace})
		if rerr != nil {
			return nil, withHint(&unknownOutcomeError{err: fmt.Errorf("outcome unknown, and reconciling failed: %w", rerr)}, "%s", unknownHint(unknown))
		}
		switch found.Result {
		case wrapper.ReconcileCreated:
			fmt.Fprintf(a.stderr, "connectortask: reconciled: created (%s; %d list call%s)\n", found.Reason, found.ListCalls, plural(found.ListCalls))
			if f.wait {
				fmt.Fprintln(a.stderr, "connectortask: warning: --wait: the lost answer named the async request, so there is none to wait for; the jobs are listed with their importStatus")
			}
			return nil, a.printReconciled(found, listed)
		case wrapper.ReconcileNotCreated:
			if sends >= 2 {
				return nil, withHint(fmt.Errorf("reconciled: not created, twice (%s); nothing was created", found.Reason),
					"the request was sent twice and lost twice before Phrase acted; run the command again")
			}
			fmt.Fprintf(a.stderr, "connectortask: reconciled: not created (%s); sending the request once more\n", found.Reason)
			var out *wrapper.CreateJobsResult
			out, err = client.CreateJobs(ctx, projectUID, downloadTaskID, body, opts...)
			if err == nil {
				return out, nil
			}
		default:
			for _, b := range listed.raw(found.Candidates) {
				fmt.Fprintf(a.stderr, "candidate: %s\n", b)
			}
			return nil, withHint(&unknownOutcomeError{err: fmt.Errorf("outcome unknown: reconciling could not tell (%s); %d candidate job%s on stderr; nothing was resent",
				found.Reason, len(found.Candidates), plural(len(found.Candidates)))}, "%s", unknownHint(unknown))
		}
	}
}

func (a *app) printReconciled(found *wrapper.Reconciliation, listed *listedJobs) error {
	if a.output == "table" {
		w := &jobWriter{w: a.stdout, table: true}
		for _, j := range found.Jobs {
			if err := w.write(j, nil); err != nil {
				return err
			}
		}
		return nil
	}
	return writeJSON(a.stdout, reconciledJobs{Reconciled: string(found.Result), Reason: found.Reason, ListCalls: found.ListCalls, Jobs: listed.raw(found.Jobs)})
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

// listedJobs keeps the jobs of every list page the client read, by uid, as Phrase sent them,
// so that jobs found by reconciling are printed in Phrase's own form.
type listedJobs struct {
	mu   sync.Mutex
	byID map[string]json.RawMessage
}

// capture returns ctx under which list pages are kept.
func (l *listedJobs) capture(ctx context.Context) context.Context {
	return capture.With(ctx, func(method, path string, body []byte) {
		if method != http.MethodGet || !strings.HasSuffix(path, "/jobs") {
			return
		}
		var page struct {
			Content []json.RawMessage `json:"content"`
		}
		if json.Unmarshal(body, &page) != nil {
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.byID == nil {
			l.byID = map[string]json.RawMessage{}
		}
		for _, raw := range page.Content {
			var j struct {
				UID string `json:"uid"`
			}
			if json.Unmarshal(raw, &j) == nil && j.UID != "" {
				l.byID[j.UID] = raw
			}
		}
	})
}

// raw returns jobs as Phrase sent them (typed, where a job's answer was not kept).
func (l *listedJobs) raw(jobs []api.JobPartReferenceV2) []json.RawMessage {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]json.RawMessage, 0, len(jobs))
	for _, j := range jobs {
		if j.Uid != nil {
			if raw, ok := l.byID[*j.Uid]; ok {
				var buf bytes.Buffer
				if json.Compact(&buf, raw) == nil {
					out = append(out, buf.Bytes())
					continue
				}
			}
		}
		if b, err := marshal(j); err == nil {
			out = append(out, b)
		}
	}
	return out
}
