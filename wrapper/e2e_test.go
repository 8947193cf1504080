package wrapper_test

// End-to-end tests against wrapper/phrasetest, the project's fake of Phrase TMS.

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// fast is a retry policy for tests: millisecond waits.
var fast = wrapper.RetryPolicy{MaxAttempts: 4, MaxElapsed: 10 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}

func newE2E(t *testing.T, srv *phrasetest.Server, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	c, err := wrapper.New(append([]wrapper.Option{wrapper.WithBaseURL(srv.URL), wrapper.WithRetryPolicy(fast)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func body(langs ...string) api.JobCreateRequestDto {
	return api.JobCreateRequestDto{TargetLangs: langs}
}

func TestE2ECreateAndWait(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithAsyncPendingPolls(2))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithCredentials(srv.Username, srv.Password), wrapper.WithDefaultDueOffset(72*time.Hour))
	ctx := context.Background()
	out, err := c.CreateJobs(ctx, srv.ProjectUID, "dl-1", body("de", "fr"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Jobs == nil || len(out.Jobs) != 2 || out.AsyncRequest == nil || out.AsyncRequest.Id == nil {
		t.Fatalf("answer = %+v", out)
	}
	polls := 0
	dto, err := c.WaitAsyncRequest(ctx, *out.AsyncRequest.Id, wrapper.WithPollInterval(time.Millisecond, 2*time.Millisecond),
		wrapper.WithProgress(func(wrapper.WaitProgress) { polls++ }))
	if err != nil || dto.AsyncResponse == nil {
		t.Fatalf("wait: %+v, %v", dto, err)
	}
	if polls != 3 || srv.CountRequests("GET", "/async/"+*out.AsyncRequest.Id) != 3 {
		t.Errorf("polls = %d, server saw %d", polls, srv.CountRequests("GET", "/async/"+*out.AsyncRequest.Id))
	}
	if n := srv.CountRequests("POST", "/auth/login"); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
	for _, j := range srv.Jobs() {
		if j.DateDue == nil || time.Until(j.DateDue.Time) < 71*time.Hour {
			t.Errorf("job %s due %v, want about 72h from now", *j.Uid, j.DateDue)
		}
	}
}

func TestE2ELostResponseCreatesOneJobSet(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithLostResponse(1))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	_, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL-1", body("de", "fr", "ja"))
	var unknown *wrapper.UnknownOutcomeError
	var apiErr *wrapper.APIError
	if !errors.As(err, &unknown) || errors.As(err, &apiErr) || !errors.As(unknown.Err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("err = %v", err)
	}
	if n := srv.CountRequests("POST", "/jobs/connectorTask"); n != 1 {
		t.Errorf("POSTs = %d, want 1", n)
	}
	if n := len(srv.Jobs()); n != 3 {
		t.Errorf("jobs = %d, want exactly one set of 3", n)
	}
}

func TestE2ERateLimitedThenCreatedOnce(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithRateLimited(2, "0"))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	out, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL-1", body("de", "fr"))
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.CountRequests("POST", "/jobs/connectorTask"); n != 3 {
		t.Errorf("POSTs = %d, want 3 (two 429s, one 201)", n)
	}
	if n := len(srv.Jobs()); n != 2 || len(out.Jobs) != 2 {
		t.Errorf("jobs = %d, want 2 (no duplicates)", n)
	}
}

func TestE2EUnavailableThenServed(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithUnavailable(2, "0"))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL-1", body("de")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Jobs()); n != 1 {
		t.Errorf("jobs = %d, want 1", n)
	}
}

func TestE2ETokenInvalidatedRelogin(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithTokenExpiresAfterCalls(1))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithCredentials(srv.Username, srv.Password))
	ctx := context.Background()
	out, err := c.CreateJobs(ctx, srv.ProjectUID, "DL-1", body("de"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AsyncRequest(ctx, *out.AsyncRequest.Id); err != nil { // token used up: 401, login, replay
		t.Fatal(err)
	}
	if n := srv.CountRequests("POST", "/auth/login"); n != 2 {
		t.Errorf("logins = %d, want 2", n)
	}
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/auth/login") {
			if r.Header.Get("Authorization") != "" {
				t.Error("login carried an Authorization header")
			}
		} else if r.Header.Get("Authorization") != "ApiToken [REDACTED]" {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Header.Get("Authorization"))
		}
	}
}

func TestE2EConcurrentCallersOneLogin(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithLatency(20 * time.Millisecond))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithCredentials(srv.Username, srv.Password))
	var failed atomic.Int32
	done := make(chan struct{})
	for range 20 {
		go func() {
			defer func() { done <- struct{}{} }()
			if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL-1", body("de")); err != nil {
				failed.Add(1)
			}
		}()
	}
	for range 20 {
		<-done
	}
	if failed.Load() != 0 {
		t.Errorf("%d calls failed", failed.Load())
	}
	if n := srv.CountRequests("POST", "/auth/login"); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
	if n := len(srv.Jobs()); n != 20 {
		t.Errorf("jobs = %d, want 20", n)
	}
}

func TestE2EUnknownEnumsAndFields(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithUnknownEnumsAndFields(), phrasetest.WithAsyncPendingPolls(0))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithCredentials(srv.Username, srv.Password))
	ctx := context.Background()
	out, err := c.CreateJobs(ctx, srv.ProjectUID, "DL-1", body("de"))
	if err != nil {
		t.Fatal(err)
	}
	if string(*out.Jobs[0].Status) != phrasetest.UnknownJobStatus {
		t.Errorf("status = %v", *out.Jobs[0].Status)
	}
	if _, err := c.WaitAsyncRequest(ctx, *out.AsyncRequest.Id); err != nil {
		t.Fatal(err)
	}
}

func TestE2EAsyncFailureAndTimeout(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithAsyncFailure("ImportFailed", "The file could not be imported."), phrasetest.WithAsyncPendingPolls(0))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	ctx := context.Background()
	out, err := c.CreateJobs(ctx, srv.ProjectUID, "DL-1", body("de"))
	if err != nil {
		t.Fatal(err)
	}
	dto, err := c.WaitAsyncRequest(ctx, *out.AsyncRequest.Id)
	var ae *wrapper.AsyncRequestError
	if !errors.As(err, &ae) || dto == nil || *dto.AsyncResponse.ErrorCode != "ImportFailed" {
		t.Fatalf("dto = %+v, err = %v", dto, err)
	}

	never := phrasetest.NewServer(phrasetest.WithAsyncNeverFinishes())
	defer never.Close()
	c = newE2E(t, never, wrapper.WithAPIToken(never.Token))
	out, err = c.CreateJobs(ctx, never.ProjectUID, "DL-1", body("de"))
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Millisecond)
	defer cancel()
	_, err = c.WaitAsyncRequest(wctx, *out.AsyncRequest.Id, wrapper.WithPollInterval(5*time.Millisecond, 10*time.Millisecond))
	var wt *wrapper.WaitTimeoutError
	if !errors.As(err, &wt) || wt.Last == nil {
		t.Fatalf("err = %v", err)
	}
}

func TestE2EValidationAgreesWithTheFake(t *testing.T) {
	srv := phrasetest.NewServer()
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	var ve *wrapper.ValidationError
	_, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL-1", body("de", "de"))
	if !errors.As(err, &ve) || len(srv.Requests()) != 0 {
		t.Fatalf("err = %v, requests = %d", err, len(srv.Requests()))
	}
	// Without the wrapper's validation the fake refuses the same request as Phrase does.
	c = newE2E(t, srv, wrapper.WithAPIToken(srv.Token), wrapper.WithoutValidation())
	_, err = c.CreateJobs(context.Background(), srv.ProjectUID, "DL-1", body("de", "de"))
	var apiErr *wrapper.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.ErrorCode != "NOT_UNIQUE_TARGET_LANG" {
		t.Fatalf("err = %v", err)
	}
}
