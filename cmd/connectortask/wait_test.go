package main

import (
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestCreateWaitPrintsJobsWithFinishedAsyncRequest(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncPendingPolls(2))
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait")
	wantCode(t, r, exitOK)
	out := decodeJobs(t, r)
	if len(out.Jobs) != 2 {
		t.Fatalf("want 2 jobs\n%s", r)
	}
	if out.AsyncRequest == nil || out.AsyncRequest.AsyncResponse == nil {
		t.Fatalf("asyncRequest should be the finished AsyncRequestDto\n%s", r)
	}
	if out.AsyncRequest.Project == nil && out.AsyncRequest.CreatedBy == nil {
		t.Errorf("asyncRequest looks like the short reference, not the polled AsyncRequestDto\n%s", r)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not a terminal: want no progress lines\n%s", r)
	}
	if n := srv.CountRequests("GET", ""); n < 3 {
		t.Errorf("want at least 3 polls (2 pending, then finished), fake saw %d GETs", n)
	}

	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "-o", "table", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--wait")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "finished") {
		t.Errorf("the table should show the async outcome\n%s", r)
	}
}

func TestCreateWaitAsyncErrorExits1WithJobsOnStdout(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncFailure("ImportFailed", "The file could not be imported."))
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait")
	wantCode(t, r, exitAPI)
	out := decodeJobs(t, r)
	if len(out.Jobs) != 2 {
		t.Fatalf("the created jobs must still be on stdout\n%s", r)
	}
	if out.AsyncRequest == nil || out.AsyncRequest.AsyncResponse == nil || out.AsyncRequest.AsyncResponse.ErrorCode == nil ||
		*out.AsyncRequest.AsyncResponse.ErrorCode != "ImportFailed" {
		t.Fatalf("stdout should carry the failed AsyncRequestDto\n%s", r)
	}
	if !strings.Contains(r.stderr, "ImportFailed") {
		t.Errorf("stderr should name the errorCode\n%s", r)
	}
}

func TestCreateWaitTimeoutExits3WithJobsOnStdout(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncNeverFinishes())
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait", "--wait-timeout", "150ms")
	wantCode(t, r, exitTimeout)
	out := decodeJobs(t, r)
	if len(out.Jobs) != 2 || out.AsyncRequest == nil || out.AsyncRequest.Id == nil {
		t.Fatalf("the created jobs and the async request must be on stdout\n%s", r)
	}
	if !strings.Contains(r.stderr, "async get "+*out.AsyncRequest.Id) {
		t.Errorf("stderr should say how to check later\n%s", r)
	}
	if posts(srv) != 1 {
		t.Errorf("want 1 POST, got %d", posts(srv))
	}
}

func TestReloginAfterTokenExpiry(t *testing.T) {
	srv := fake(t, phrasetest.WithTokenExpiresAfterCalls(1))
	r := newCLI(t, passwordEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--wait")
	wantCode(t, r, exitOK)
	if n := srv.CountRequests("POST", "/auth/login"); n < 2 {
		t.Errorf("want a second login after the token expired, fake saw %d logins", n)
	}
	if posts(srv) != 1 || len(srv.Jobs()) != 1 {
		t.Errorf("want 1 POST and 1 job, got %d and %d", posts(srv), len(srv.Jobs()))
	}
	if decodeJobs(t, r).AsyncRequest.AsyncResponse == nil {
		t.Errorf("the wait should have finished\n%s", r)
	}
}
