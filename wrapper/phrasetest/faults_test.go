package phrasetest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestRateLimitedAnswers429AndCreatesNothing(t *testing.T) {
	srv := newServer(t, phrasetest.WithRateLimited(2, "7"))
	// A request refused by authentication does not use up the rate limit.
	r := do(t, srv, "POST", jobsPath(srv.ProjectUID), createBody("de"), "Content-Type", "application/json")
	wantError(t, r, http.StatusUnauthorized, phrasetest.CodeAuthUnauthorized)

	c := tokenClient(t, srv)
	req := api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}}
	for i := range 2 {
		resp, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil, req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != http.StatusTooManyRequests || resp.JSON429 == nil || deref(resp.JSON429.ErrorCode) != phrasetest.CodeAPILimitReached {
			t.Fatalf("POST %d: %d %s", i+1, resp.StatusCode(), resp.Body)
		}
		if resp.Headers429 == nil || deref(resp.Headers429.RetryAfter) != "7" {
			t.Errorf("POST %d: Retry-After = %v, want 7", i+1, resp.Headers429)
		}
		if n := len(srv.Jobs()); n != 0 {
			t.Fatalf("a rate-limited POST created %d jobs", n)
		}
	}
	resp, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusCreated {
		t.Fatalf("third POST: %d %s", resp.StatusCode(), resp.Body)
	}
	if n := len(srv.Jobs()); n != 2 {
		t.Errorf("%d jobs, want 2", n)
	}
	// Other calls are not rate-limited.
	if s := pollStatus(t, srv, srv.Token); s != http.StatusNotFound {
		t.Errorf("async GET: %d", s)
	}
}

func TestRateLimitedWithoutRetryAfter(t *testing.T) {
	srv := newServer(t, phrasetest.WithRateLimited(1, ""))
	r := createJobs(t, srv, createBody("de"))
	wantError(t, r, http.StatusTooManyRequests, phrasetest.CodeAPILimitReached)
	if _, ok := r.header["Retry-After"]; ok {
		t.Errorf("Retry-After sent: %q", r.header.Get("Retry-After"))
	}
}

func TestUnavailableAnswers503ToCallsButLogin(t *testing.T) {
	srv := newServer(t, phrasetest.WithUnavailable(2, "3"))
	tok := login(t, srv) // login is exempt

	c := newClient(t, srv, authAs("ApiToken", tok))
	poll, err := c.GetAsyncRequestWithResponse(t.Context(), "1")
	if err != nil {
		t.Fatal(err)
	}
	if poll.StatusCode() != http.StatusServiceUnavailable || poll.JSON503 == nil ||
		deref(poll.JSON503.ErrorCode) != phrasetest.CodeServiceUnavailable || deref(poll.Headers503.RetryAfter) != "3" {
		t.Errorf("GET: %d %s %v", poll.StatusCode(), poll.Body, poll.Headers503)
	}
	// Before authentication: a request without a token gets 503 too.
	r := do(t, srv, "POST", jobsPath(srv.ProjectUID), createBody("de"), "Content-Type", "application/json")
	wantError(t, r, http.StatusServiceUnavailable, phrasetest.CodeServiceUnavailable)
	if got := r.header.Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After = %q", got)
	}
	if n := len(srv.Jobs()); n != 0 {
		t.Fatalf("503 created %d jobs", n)
	}
	resp, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil, api.JobCreateRequestDto{TargetLangs: []string{"de"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusCreated {
		t.Errorf("third call: %d %s", resp.StatusCode(), resp.Body)
	}
}

func TestLostResponseCreatesJobsThenAnswers502HTML(t *testing.T) {
	srv := newServer(t, phrasetest.WithLostResponse(1))
	// A refused request does not use up the lost answer.
	wantError(t, createJobs(t, srv, createBody("de", "de")), http.StatusBadRequest, phrasetest.CodeNotUniqueTargetLang)

	r := createJobs(t, srv, createBody("de", "fr"))
	if r.status != http.StatusBadGateway || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!bytes.Contains(r.body, []byte("<html>")) {
		t.Fatalf("want 502 with an HTML body, got %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if n := len(srv.Jobs()); n != 2 {
		t.Fatalf("the lost POST created %d jobs, want 2", n)
	}
	// The generated client sees a 502 it cannot decode as JSON; it must not fail on it.
	resp, err := tokenClient(t, srv).CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil,
		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusCreated {
		t.Fatalf("resend: %d %s", resp.StatusCode(), resp.Body)
	}
	// Resending created the jobs twice: that is what the fake lets a test prove (or disprove).
	if n := len(srv.Jobs()); n != 4 {
		t.Errorf("%d jobs after the resend, want 4", n)
	}
}

func TestLatencyDelaysAndCloseInterrupts(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithLatency(30 * time.Millisecond))
	start := time.Now()
	if s := pollStatus(t, srv, srv.Token); s != http.StatusNotFound {
		t.Fatalf("status %d", s)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, want at least 30ms", d)
	}
	srv.Close()

	slow := phrasetest.NewServer(phrasetest.WithLatency(time.Hour))
	var wg sync.WaitGroup
	wg.Go(func() {
		resp, err := slow.Client().Get(slow.URL + "/api2/v1/async/1")
		if err == nil {
			resp.Body.Close()
		}
	})
	// Let the request reach the server, then close it under the request's feet.
	for slow.CountRequests("GET", "/api2/v1/async/1") == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { slow.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for WithLatency")
	}
	wg.Wait()
}

func TestUnknownEnumsAndFields(t *testing.T) {
	srv := newServer(t, phrasetest.WithUnknownEnumsAndFields(), phrasetest.WithAsyncPendingPolls(0))
	c := newClient(t, srv)
	loginResp, err := c.LoginWithResponse(t.Context(), api.LoginDto{UserName: srv.Username, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	if loginResp.JSON200 == nil || deref(loginResp.JSON200.User.Role) != api.UserRole(phrasetest.UnknownUserRole) {
		t.Fatalf("login: %d %s", loginResp.StatusCode(), loginResp.Body)
	}
	wantPhraseDates(t, loginResp.Body, 2)

	c = tokenClient(t, srv)
	resp, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil, api.JobCreateRequestDto{TargetLangs: []string{"de"}})
	if err != nil {
		t.Fatal(err)
	}
	list := resp.JSON201
	if list == nil {
		t.Fatalf("create: %d %s", resp.StatusCode(), resp.Body)
	}
	wantPhraseDates(t, resp.Body, 4)
	job := list.Jobs[0]
	if s := *job.Status; s != phrasetest.UnknownJobStatus || s.Valid() {
		t.Errorf("status = %q (valid %v), want the unknown %q", s, s.Valid(), phrasetest.UnknownJobStatus)
	}
	if a := *list.AsyncRequest.Action; a != phrasetest.UnknownAsyncAction || a.Valid() {
		t.Errorf("action = %q", a)
	}
	if w := list.Warnings; len(w) != 1 || *w[0].Domain != phrasetest.UnknownWarningDomain {
		t.Errorf("warnings = %s", mustJSON(w))
	}
	if p := job.Providers; len(p) != 1 || p[0].Type != phrasetest.UnknownProviderType {
		t.Errorf("providers = %s", mustJSON(p))
	}
	// Unknown fields in every object (top, asyncRequest, job, jobAssignedEmailTemplate, provider,
	// workflowStep, warning), nested ones included.
	var tree map[string]any
	if err := json.Unmarshal(resp.Body, &tree); err != nil {
		t.Fatal(err)
	}
	if _, ok := tree[phrasetest.UnknownObjectFieldName]; !ok {
		t.Errorf("no %s at the top: %s", phrasetest.UnknownObjectFieldName, resp.Body)
	}
	if n, want := bytes.Count(resp.Body, []byte(`"`+phrasetest.UnknownFieldName+`"`)), 7; n < want {
		t.Errorf("%s appears %d times, want at least %d: %s", phrasetest.UnknownFieldName, n, want, resp.Body)
	}

	pollResp := poll(t, c, *list.AsyncRequest.Id)
	if pollResp.JSON200.AsyncResponse == nil || *pollResp.JSON200.CreatedBy.Role != phrasetest.UnknownUserRole ||
		!bytes.Contains(pollResp.Body, []byte(phrasetest.UnknownFieldName)) {
		t.Errorf("poll: %s", pollResp.Body)
	}
	// Error bodies too.
	bad, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil, api.JobCreateRequestDto{TargetLangs: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if bad.JSON400 == nil || deref(bad.JSON400.ErrorCode) != phrasetest.CodeMissingField ||
		!bytes.Contains(bad.Body, []byte(phrasetest.UnknownFieldName)) {
		t.Errorf("error: %d %s", bad.StatusCode(), bad.Body)
	}
}
