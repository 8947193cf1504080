package phrasetest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestRequestsRecordEverythingButCredentials(t *testing.T) {
	const (
		pass      = "pa55-word-xyz"
		connector = "connector-token-abc"
		static    = "static-token-123"
	)
	srv := newServer(t, phrasetest.WithCredentials("jane", pass), phrasetest.WithToken(static))
	// Login with the right and a wrong password; a form body; a malformed JSON body.
	do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"jane", "password" : "`+pass+`"}`, "Content-Type", "application/json")
	do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"jane","Password":"`+pass+`-wrong"}`, "Content-Type", "application/json")
	do(t, srv, "POST", "/api2/v1/auth/login", `userName=jane&password=`+pass, "Content-Type", "application/x-www-form-urlencoded")
	do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"jane","password":"`+pass, "Content-Type", "application/json")
	body := `{"targetLangs":["de"],"remoteFile":{"connectorToken":"` + connector + `","remoteFileName":"a.docx"}}`
	r := do(t, srv, "POST", jobsPath(srv.ProjectUID)+"?continuous=true", body,
		"Authorization", "ApiToken "+static, "Content-Type", "application/json", "Cookie", "session="+static)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	do(t, srv, "GET", "/api2/v1/async/1?token="+static, "", "Authorization", "Bearer "+static)

	recs := srv.Requests()
	if len(recs) != 6 {
		t.Fatalf("%d requests recorded, want 6", len(recs))
	}
	for i, rec := range recs {
		dump := fmt.Sprintf("%s %s?%s %v %s", rec.Method, rec.Path, rec.RawQuery, rec.Header, rec.Body)
		for _, secret := range []string{pass, connector, static} {
			if strings.Contains(dump, secret) {
				t.Errorf("request %d leaks %q: %s", i, secret, dump)
			}
		}
	}
	wantStatus := []int{200, 401, 415, 400, 201, 404}
	for i, rec := range recs {
		if rec.Status != wantStatus[i] {
			t.Errorf("request %d: status %d, want %d", i, rec.Status, wantStatus[i])
		}
	}
	post := recs[4]
	if post.Method != "POST" || post.Path != "/web"+jobsPath(srv.ProjectUID) || post.RawQuery != "continuous=true" {
		t.Errorf("POST record = %s %s ? %s", post.Method, post.Path, post.RawQuery)
	}
	if got := post.Header.Get("Authorization"); got != "ApiToken "+phrasetest.Redacted {
		t.Errorf("Authorization = %q", got)
	}
	if got := post.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want it kept", got)
	}
	if !bytes.Contains(post.Body, []byte(`"remoteFileName":"a.docx"`)) || !bytes.Contains(post.Body, []byte(`"connectorToken":"[REDACTED]"`)) {
		t.Errorf("body = %s, want it kept but for the connector token", post.Body)
	}
	if got := recs[5].Header.Get("Authorization"); got != "Bearer "+phrasetest.Redacted {
		t.Errorf("Bearer Authorization = %q", got)
	}
	if recs[5].RawQuery != "token="+phrasetest.Redacted {
		t.Errorf("query = %q", recs[5].RawQuery)
	}
	if !bytes.Contains(recs[0].Body, []byte(`"userName":"jane"`)) {
		t.Errorf("login body = %s, want the user name kept", recs[0].Body)
	}

	// Requests returns copies.
	recs[0].Body[0] = 'X'
	recs[0].Header.Set("X-Test", "1")
	if again := srv.Requests(); again[0].Body[0] == 'X' || again[0].Header.Get("X-Test") != "" {
		t.Error("changing the result of Requests changed the record")
	}
}

func TestCountRequests(t *testing.T) {
	srv := newServer(t)
	login(t, srv)
	createJobs(t, srv, createBody("de"))
	createJobs(t, srv, createBody("de", "de"))
	pollStatus(t, srv, srv.Token)
	for _, tc := range []struct {
		method, suffix string
		want           int
	}{
		{"POST", "/jobs/connectorTask", 2},
		{"post", "/connectorTask", 2},
		{"GET", "/jobs/connectorTask", 0},
		{"POST", "/auth/login", 1},
		{"GET", "/async/1", 1},
		{"", "", 4},
	} {
		if got := srv.CountRequests(tc.method, tc.suffix); got != tc.want {
			t.Errorf("CountRequests(%q, %q) = %d, want %d", tc.method, tc.suffix, got, tc.want)
		}
	}
}

func TestParallelClientsShareOneServer(t *testing.T) {
	srv := newServer(t, phrasetest.WithAsyncPendingPolls(1))
	const workers = 16
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			c := tokenClient(t, srv)
			resp, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil,
				api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
			if err != nil || resp.JSON201 == nil {
				t.Errorf("create: %v %v", err, resp)
				return
			}
			for range 2 {
				if _, err := c.GetAsyncRequestWithResponse(t.Context(), *resp.JSON201.AsyncRequest.Id); err != nil {
					t.Error(err)
				}
			}
			_ = srv.Requests()
			_ = srv.Jobs()
		})
	}
	wg.Wait()
	jobs := srv.Jobs()
	uids := map[string]bool{}
	for _, j := range jobs {
		uids[*j.Uid] = true
	}
	if len(jobs) != 2*workers || len(uids) != 2*workers {
		t.Errorf("%d jobs with %d distinct uids, want %d", len(jobs), len(uids), 2*workers)
	}
	if n := srv.CountRequests("", ""); n != 3*workers {
		t.Errorf("%d requests recorded, want %d", n, 3*workers)
	}
}
