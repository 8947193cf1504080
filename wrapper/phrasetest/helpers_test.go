package phrasetest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// t0 is the time the test clocks start at.
var t0 = time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC)

// testClock is a clock a test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: t0} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func ptr[T any](v T) *T { return &v }

// newServer starts a Server that the test closes.
func newServer(t *testing.T, opts ...phrasetest.Option) *phrasetest.Server {
	t.Helper()
	srv := phrasetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// authAs returns a request editor that sends "Authorization: <scheme> <tok>".
func authAs(scheme, tok string) api.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", scheme+" "+tok)
		return nil
	}
}

// newClient returns the generated client for srv, with the given request editors.
func newClient(t *testing.T, srv *phrasetest.Server, editors ...api.RequestEditorFn) *api.ClientWithResponses {
	t.Helper()
	opts := []api.ClientOption{api.WithHTTPClient(srv.Client())}
	for _, e := range editors {
		opts = append(opts, api.WithRequestEditorFn(e))
	}
	c, err := api.NewClientWithResponses(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tokenClient returns the generated client authenticated with srv's static token.
func tokenClient(t *testing.T, srv *phrasetest.Server) *api.ClientWithResponses {
	return newClient(t, srv, authAs("ApiToken", srv.Token))
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// do sends a raw request to srv.URL+path; headers are name, value pairs.
func do(t *testing.T, srv *phrasetest.Server, method, path, body string, headers ...string) rawResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

// jobsPath is the path of connectorTask for project uid, relative to srv.URL.
func jobsPath(uid string) string { return "/api2/v1/projects/" + uid + "/jobs/connectorTask" }

// wantError checks a Phrase error answer: status, JSON content type, errorCode, a description.
func wantError(t *testing.T, r rawResponse, status int, code string) api.ErrorResponse {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var e api.ErrorResponse
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body does not decode: %v; body %s", err, r.body)
	}
	if e.ErrorCode == nil || *e.ErrorCode != code {
		t.Errorf("errorCode = %v, want %q; body %s", deref(e.ErrorCode), code, r.body)
	}
	if e.ErrorDescription == nil || *e.ErrorDescription == "" {
		t.Errorf("errorDescription is empty; body %s", r.body)
	}
	return e
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

var (
	anyDate    = regexp.MustCompile(`"\d{4}-\d\d-\d\dT[^"]*"`)
	phraseDate = regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000"$`)
)

// wantPhraseDates checks that body holds at least min date-times and that every one is in
// Phrase's form, 2026-11-28T17:03:12+0000.
func wantPhraseDates(t *testing.T, body []byte, min int) {
	t.Helper()
	found := anyDate.FindAll(body, -1)
	if len(found) < min {
		t.Errorf("found %d date-times, want at least %d, in %s", len(found), min, body)
	}
	for _, d := range found {
		if !phraseDate.Match(d) {
			t.Errorf("date-time %s is not in Phrase's form (+0000) in %s", d, body)
		}
	}
}

// createBody is a valid job creation body for langs.
func createBody(langs ...string) string {
	b, _ := json.Marshal(map[string]any{"targetLangs": langs})
	return string(b)
}

// createJobs creates jobs through raw HTTP with the static token and returns the answer.
func createJobs(t *testing.T, srv *phrasetest.Server, body string) rawResponse {
	t.Helper()
	return do(t, srv, "POST", jobsPath(srv.ProjectUID)+"?downloadTaskId=dt1", body,
		"Authorization", "ApiToken "+srv.Token, "Content-Type", "application/json")
}
