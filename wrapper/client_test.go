package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

func TestCreateJobsWire(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok-123"))
	out, err := c.CreateJobs(context.Background(), "Pr1", "dl-42", validBody(), Continuous(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Jobs) != 1 || *out.Jobs[0].Uid != "J1" {
		t.Fatalf("jobs = %+v", out.Jobs)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/web/api2/v1/projects/Pr1/jobs/connectorTask" {
		t.Errorf("request line = %s %s", r.Method, r.Path)
	}
	if q, _ := url.ParseQuery(r.Query); len(q) != 2 || q.Get("downloadTaskId") != "dl-42" || q.Get("continuous") != "true" {
		t.Errorf("query = %q", r.Query)
	}
	for h, want := range map[string]string{"Authorization": "ApiToken tok-123", "Content-Type": "application/json", "Accept": "application/json"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 1 || body["targetLangs"] == nil {
		t.Errorf("body = %s", r.Body)
	}
}

func TestTolerantReaderUnknownFieldsAndEnums(t *testing.T) {
	const created = `{"jobs":[{"uid":"J1","status":"SOME_NEW_STATUS","targetLang":"de","providers":[{"type":"ROBOT","id":"1"}],
		"workflowStep":{"name":"T","order":1,"brandNew":{"x":[1,2]}},"dateDue":"2030-01-01T10:00:00+0000","futureField":true}],
		"asyncRequest":{"id":"900","action":"SOME_NEW_ACTION","dateCreated":"2026-11-28T17:03:12+0000"},
		"warnings":[{"domain":"NEW_DOMAIN","message":"m"}],"topLevelNew":{"a":1}}`
	const async = `{"id":"900","action":"SOME_NEW_ACTION","createdBy":{"role":"NEW_ROLE","extra":1},
		"asyncResponse":{"dateCreated":"2026-11-28T17:03:20+0000","acceptedSegmentsCount":3,"newCounter":7},"more":[]}`
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(created))
			return
		}
		_, _ = w.Write([]byte(async))
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	out, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	job := out.Jobs[0]
	if *job.Status != "SOME_NEW_STATUS" || job.Providers[0].Type != "ROBOT" || string(*out.AsyncRequest.Action) != "SOME_NEW_ACTION" {
		t.Errorf("unknown enum values not kept: %+v", job)
	}
	if got := job.DateDue.Time; !got.Equal(time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("dateDue = %v", got)
	}
	dto, err := c.AsyncRequest(context.Background(), "900")
	if err != nil {
		t.Fatalf("async: %v", err)
	}
	if string(*dto.CreatedBy.Role) != "NEW_ROLE" || *dto.AsyncResponse.AcceptedSegmentsCount != 3 {
		t.Errorf("async = %+v", dto)
	}
}

func TestAsyncRequestWire(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, map[string]any{"id": "77", "asyncResponse": nil})
	})
	c, _ := newTestClient(t, srv.base(), WithBearerToken("oauth-1"))
	dto, err := c.AsyncRequest(context.Background(), "77")
	if err != nil {
		t.Fatal(err)
	}
	if *dto.Id != "77" || dto.AsyncResponse != nil {
		t.Errorf("dto = %+v", dto)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodGet || r.Path != "/web/api2/v1/async/77" || r.Header.Get("Authorization") != "Bearer oauth-1" {
		t.Errorf("request = %s %s %q", r.Method, r.Path, r.Header.Get("Authorization"))
	}
	if _, err := c.AsyncRequest(context.Background(), " "); err == nil {
		t.Error("empty id: no error")
	}
}

// TestLoggerRecordsWithoutSecrets: one Debug record per exchange, Info records for the login
// and for the retry after a 429 (with its reason, wait and request id), and no secret anywhere.
func TestLoggerRecordsWithoutSecrets(t *testing.T) {
	const password, token, connector = "pw-SECRET-1", "tok-SECRET-2", "conn-SECRET-3"
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/auth/login"):
			writeJSON(w, 200, map[string]any{"token": token})
		case n == 2:
			w.Header().Set("Retry-After", "0")
			w.Header().Set("X-Request-Id", "req-429")
			writeError(w, 429, "ApiLimitReached", "slow down")
		default:
			writeCreated(w)
		}
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv.base(), WithCredentials("jane", password), WithLogger(logger))
	body := validBody()
	body.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: connector, RemoteFileName: "a.docx"}
	if _, err := c.CreateJobs(context.Background(), "P", "DL-1", body); err != nil {
		t.Fatal(err)
	}
	var exchanges, others []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["msg"] == "phrase http exchange" {
			exchanges = append(exchanges, rec)
		} else {
			others = append(others, rec)
		}
	}
	if len(exchanges) != 3 { // login, 429, 201
		t.Fatalf("got %d exchange records, want 3:\n%s", len(exchanges), buf.String())
	}
	wantStatus := []float64{200, 429, 201}
	wantAttempt := []float64{1, 1, 2}
	for i, rec := range exchanges {
		if rec["level"] != "DEBUG" || rec["method"] != "POST" || rec["path"] == nil || rec["duration"] == nil {
			t.Errorf("record %d = %v", i, rec)
		}
		if rec["status"] != wantStatus[i] || rec["attempt"] != wantAttempt[i] {
			t.Errorf("record %d: status %v attempt %v, want %v %v", i, rec["status"], rec["attempt"], wantStatus[i], wantAttempt[i])
		}
	}
	if exchanges[1]["request_id"] != "req-429" {
		t.Errorf("the 429's exchange record has no request id: %v", exchanges[1])
	}
	if len(others) != 2 || others[0]["level"] != "INFO" || others[0]["msg"] != "phrase: logged in" || others[0]["user"] != "jane" ||
		others[1]["level"] != "INFO" || others[1]["msg"] != "phrase: retrying" || others[1]["reason"] != "429 Too Many Requests" ||
		others[1]["attempt"] != float64(1) || others[1]["request_id"] != "req-429" {
		t.Errorf("decision records = %v, want the login and the retry at Info", others)
	}
	for _, secret := range []string{password, token, connector, "ApiToken"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}

func TestClientStringHidesSecrets(t *testing.T) {
	for _, opt := range []Option{WithAPIToken("tok-SECRET"), WithBearerToken("tok-SECRET"), WithCredentials("jane", "tok-SECRET")} {
		c, err := New(opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(format, c); strings.Contains(s, "tok-SECRET") {
				t.Errorf("%s of the client shows the secret: %s", format, s)
			}
		}
	}
}

func TestUserAgentOnEveryRequest(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			writeJSON(w, 200, map[string]any{"token": "t"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": "1"})
	})
	c, _ := newTestClient(t, srv.base(), WithCredentials("u", "p"))
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^connectortask/\S+ \(\+https://github\.com/seed-a960d6a4/connectortask\)$`)
	for _, r := range srv.requests() {
		if ua := r.Header.Get("User-Agent"); !re.MatchString(ua) {
			t.Errorf("%s %s: User-Agent %q", r.Method, r.Path, ua)
		}
	}
	c2, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithUserAgent("my-service/2.0"))
	if _, err := c2.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if ua := reqs[len(reqs)-1].Header.Get("User-Agent"); ua != "my-service/2.0" {
		t.Errorf("User-Agent = %q", ua)
	}
	if !strings.Contains(DefaultUserAgent(), "(devel)") && !strings.Contains(DefaultUserAgent(), "/v") {
		t.Errorf("DefaultUserAgent() = %q has no version", DefaultUserAgent())
	}
}

func TestAPIReturnsDecoratedGeneratedClient(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeError(w, 500, "Oops", "transient")
			return
		}
		writeJSON(w, 200, map[string]any{"id": "5"})
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	resp, err := c.API().GetAsyncRequestWithResponse(context.Background(), "5")
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || *resp.JSON200.Id != "5" {
		t.Fatalf("resp = %+v", resp)
	}
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[1].Header.Get("Authorization") != "ApiToken tok" {
		t.Errorf("requests = %+v", reqs)
	}
	if err := CheckResponse(resp.HTTPResponse, resp.Body); err != nil {
		t.Errorf("CheckResponse(200) = %v", err)
	}
}
