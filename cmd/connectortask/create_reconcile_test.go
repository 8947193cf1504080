package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func reconcileArgs(srv *phrasetest.Server, extra ...string) []string {
	return append([]string{"create", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--download-task-id", "DL1",
		"--reconcile", "--reconcile-grace", "1ms"}, extra...)
}

// A lost answer: the jobs are found and printed, exit 0, nothing resent.
func TestCreateReconcileFindsTheJobsOfALostAnswer(t *testing.T) {
	srv := fake(t, phrasetest.WithLostResponse(1))
	r := newCLI(t, tokenEnv(srv)).run(reconcileArgs(srv)...)
	wantCode(t, r, exitOK)
	if posts(srv) != 1 || len(srv.Jobs()) != 2 {
		t.Fatalf("POSTs %d, jobs %d; want 1 and 2", posts(srv), len(srv.Jobs()))
	}
	var out reconciledJobs
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if out.Reconciled != "created" || len(out.Jobs) != 2 || out.ListCalls != 2 {
		t.Fatalf("printed %+v", out)
	}
	// The jobs as Phrase listed them: its +0000 date-times, the fake's uids.
	var job map[string]any
	if err := json.Unmarshal(out.Jobs[0], &job); err != nil || job["uid"] != *srv.Jobs()[0].Uid || !strings.HasSuffix(job["dateCreated"].(string), "+0000") {
		t.Errorf("first job %v (%v)", job, err)
	}
	if !strings.Contains(r.stderr, "reconciled: created") {
		t.Errorf("stderr:\n%s", r)
	}
}

// A request lost before Phrase acted: provably nothing created, so it is sent once more.
func TestCreateReconcileResendsWhatWasNotCreated(t *testing.T) {
	srv := fake(t, phrasetest.WithLostRequest(1))
	r := newCLI(t, tokenEnv(srv)).run(reconcileArgs(srv)...)
	wantCode(t, r, exitOK)
	if posts(srv) != 2 || len(srv.Jobs()) != 2 {
		t.Fatalf("POSTs %d, jobs %d; want 2 and 2 (one set)", posts(srv), len(srv.Jobs()))
	}
	if jobs := decodeJobs(t, r); len(jobs.Jobs) != 2 {
		t.Errorf("stdout:\n%s", r)
	}
	if !strings.Contains(r.stderr, "not created") || !strings.Contains(r.stderr, "once more") {
		t.Errorf("stderr:\n%s", r)
	}
}

// Jobs that could be this request's, but are not provably: exit 4, candidates on stderr,
// nothing resent.
func TestCreateReconcileAmbiguousExits4(t *testing.T) {
	srv := fake(t)
	c := newCLI(t, tokenEnv(srv))
	// Two other files' jobs in German and French, created just before by someone else.
	for range 2 {
		wantCode(t, c.run("create", "--download-task-id", "DL-other", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr"), exitOK)
	}
	srv.LoseRequests(1)
	r := c.run(reconcileArgs(srv)...)
	wantCode(t, r, exitUnknown)
	if posts(srv) != 3 || len(srv.Jobs()) != 4 {
		t.Fatalf("POSTs %d, jobs %d; want 3 and 4: nothing resent", posts(srv), len(srv.Jobs()))
	}
	if strings.Count(r.stderr, "candidate: ") != 4 || !strings.Contains(r.stderr, "could not tell") || r.stdout != "" {
		t.Errorf("stderr:\n%s", r)
	}
	if !strings.Contains(r.stderr, "jobs list --project-uid "+srv.ProjectUID) {
		t.Errorf("no hint how to look:\n%s", r)
	}
}

func TestCreateReconcileRefusesDryRun(t *testing.T) {
	srv := fake(t)
	wantCode(t, newCLI(t, tokenEnv(srv)).run(reconcileArgs(srv, "--dry-run")...), exitUsage)
}
