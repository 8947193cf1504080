package phrasetest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// startAsync creates jobs for langs and returns the asynchronous request's id.
func startAsync(t *testing.T, srv *phrasetest.Server, langs ...string) string {
	t.Helper()
	r := createJobs(t, srv, createBody(langs...))
	if r.status != http.StatusCreated {
		t.Fatalf("create jobs: %d %s", r.status, r.body)
	}
	var list api.JobListDto
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	return *list.AsyncRequest.Id
}

// poll GETs the asynchronous request with the generated client.
func poll(t *testing.T, c *api.ClientWithResponses, id string) *api.GetAsyncRequestResponse {
	t.Helper()
	resp, err := c.GetAsyncRequestWithResponse(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
		t.Fatalf("poll %s: %d %s", id, resp.StatusCode(), resp.Body)
	}
	return resp
}

var pendingFragment = []byte(`"asyncResponse":null`)

func TestAsyncRequestIsPendingThenFinishes(t *testing.T) {
	clock := newClock()
	srv := newServer(t, phrasetest.WithClock(clock.Now))
	id := startAsync(t, srv, "de", "fr")
	c := tokenClient(t, srv)
	for i := range phrasetest.DefaultAsyncPendingPolls {
		resp := poll(t, c, id)
		if !bytes.Contains(resp.Body, pendingFragment) || resp.JSON200.AsyncResponse != nil {
			t.Fatalf("poll %d: want asyncResponse null, got %s", i+1, resp.Body)
		}
		if !bytes.Contains(resp.Body, []byte(`"parent":null`)) {
			t.Errorf("poll %d: want parent null, got %s", i+1, resp.Body)
		}
		wantPhraseDates(t, resp.Body, 1)
		everyFieldSet(t, "createdBy", *resp.JSON200.CreatedBy)
	}
	clock.Advance(8 * time.Second)
	resp := poll(t, c, id)
	wantPhraseDates(t, resp.Body, 2)
	dto := resp.JSON200
	if dto.AsyncResponse == nil {
		t.Fatalf("after %d polls the request has not finished: %s", phrasetest.DefaultAsyncPendingPolls, resp.Body)
	}
	for _, frag := range []string{`"errorDetails":[]`, `"warnings":[]`, `"acceptedSegmentsCount":84`} {
		if !bytes.Contains(resp.Body, []byte(frag)) {
			t.Errorf("raw body lacks %s: %s", frag, resp.Body)
		}
	}
	if deref(dto.Id) != id || deref(dto.Action) != api.AsyncRequestActionPREANALYSE || !dto.DateCreated.Equal(t0) ||
		deref(dto.Project.Uid) != srv.ProjectUID || deref(dto.Project.Name) != phrasetest.DefaultProjectName ||
		deref(dto.CreatedBy.UserName) != srv.Username {
		t.Errorf("async request = %s", resp.Body)
	}
	if ar := dto.AsyncResponse; ar.ErrorCode != nil || !ar.DateCreated.Equal(t0.Add(8*time.Second)) {
		t.Errorf("asyncResponse = %s", mustJSON(ar))
	}
	// Finished stays finished, with the same date.
	clock.Advance(time.Minute)
	if again := poll(t, c, id); !again.JSON200.AsyncResponse.DateCreated.Equal(t0.Add(8 * time.Second)) {
		t.Errorf("the finish date moved: %s", again.Body)
	}
}

func TestAsyncPendingPollsZeroFinishesAtOnce(t *testing.T) {
	srv := newServer(t, phrasetest.WithAsyncPendingPolls(0))
	id := startAsync(t, srv, "de")
	if resp := poll(t, tokenClient(t, srv), id); resp.JSON200.AsyncResponse == nil {
		t.Errorf("first poll still pending: %s", resp.Body)
	}
}

func TestAsyncFailure(t *testing.T) {
	srv := newServer(t, phrasetest.WithAsyncPendingPolls(1), phrasetest.WithAsyncFailure("ImportFailed", "The file could not be imported."))
	id := startAsync(t, srv, "de")
	c := tokenClient(t, srv)
	if resp := poll(t, c, id); resp.JSON200.AsyncResponse != nil {
		t.Fatalf("first poll finished: %s", resp.Body)
	}
	resp := poll(t, c, id)
	ar := resp.JSON200.AsyncResponse
	if ar == nil || deref(ar.ErrorCode) != "ImportFailed" || deref(ar.ErrorDesc) != "The file could not be imported." ||
		ar.ErrorDetails == nil || len(ar.ErrorDetails) != 1 || deref(ar.ErrorDetails[0].Code) != "ImportFailed" {
		t.Errorf("asyncResponse = %s", resp.Body)
	}
	if !bytes.Contains(resp.Body, []byte(`"errorDesc":`)) || bytes.Contains(resp.Body, []byte(`"errorDescription"`)) {
		t.Errorf("async errors use errorDesc, not errorDescription: %s", resp.Body)
	}
}

func TestAsyncNeverFinishes(t *testing.T) {
	srv := newServer(t, phrasetest.WithAsyncNeverFinishes())
	id := startAsync(t, srv, "de")
	c := tokenClient(t, srv)
	for i := range 25 {
		if resp := poll(t, c, id); resp.JSON200.AsyncResponse != nil || !bytes.Contains(resp.Body, pendingFragment) {
			t.Fatalf("poll %d finished: %s", i+1, resp.Body)
		}
	}
}

func TestAsyncRequestErrors(t *testing.T) {
	srv := newServer(t)
	id := startAsync(t, srv, "de")
	r := do(t, srv, "GET", "/api2/v1/async/does-not-exist", "", "Authorization", "ApiToken "+srv.Token)
	wantError(t, r, http.StatusNotFound, phrasetest.CodeAsyncRequestNotFound)
	r = do(t, srv, "GET", "/api2/v1/async/"+id, "")
	wantError(t, r, http.StatusUnauthorized, phrasetest.CodeAuthUnauthorized)
	// The refused poll did not count: the request is still pending for two polls.
	c := tokenClient(t, srv)
	for range phrasetest.DefaultAsyncPendingPolls {
		if resp := poll(t, c, id); resp.JSON200.AsyncResponse != nil {
			t.Fatalf("finished early: %s", resp.Body)
		}
	}
}
