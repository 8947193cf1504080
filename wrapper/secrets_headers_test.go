package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// A server that sets its request-id headers to the credential it was sent (the API token, a
// login token, the connector token) must not get it into errors, results, hooks or logs.
func TestRequestIDHeadersEchoingSecretsAreRedacted(t *testing.T) {
	for _, status := range []int{201, 400, 429, 500} {
		srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if strings.HasSuffix(r.URL.Path, "/auth/login") {
				writeJSON(w, 200, map[string]string{"token": secretLogin})
				return
			}
			_, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			w.Header().Set("X-Request-Id", cred)
			w.Header().Set("X-Correlation-Id", secretConnector)
			w.Header().Add("X-Echo", "token="+cred)
			if status == 201 || (status == 429 && n > 1) {
				writeCreated(w)
				return
			}
			writeError(w, status, "ERR", "failed")
		})
		for _, auth := range []Option{WithAPIToken(secretToken), WithCredentials("user", secretPassword)} {
			var logs bytes.Buffer
			var hooked []string
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, _ := newTestClient(t, srv.base(), auth, WithLogger(logger), WithRetryHook(func(_ context.Context, e RetryEvent) {
				hooked = append(hooked, e.RequestID)
			}))
			out, err := c.CreateJobs(context.Background(), "P", "DL1", createBodyWithConnector())
			what := fmt.Sprintf("status %d", status)
			if out != nil {
				assertNoSecret(t, what+": Response.RequestID", out.Response.RequestID)
				assertNoSecret(t, what+": Response.Header", fmt.Sprint(out.Response.Header))
			}
			if err != nil {
				assertNoSecret(t, what+": the error", err.Error())
				var apiErr *APIError
				if errors.As(err, &apiErr) {
					assertNoSecret(t, what+": APIError", apiErr.Error()+apiErr.RequestID+fmt.Sprint(apiErr.Header))
				}
				var unknown *UnknownOutcomeError
				if errors.As(err, &unknown) {
					assertNoSecret(t, what+": UnknownOutcomeError.Err", fmt.Sprintf("%+v", unknown.Err))
				}
			}
			if (status == 201 || status == 429) && err != nil {
				t.Errorf("%s: %v", what, err)
			}
			assertNoSecret(t, what+": the retry hook", strings.Join(hooked, " "))
			assertNoSecret(t, what+": the log", logs.String())
			if !strings.Contains(logs.String(), "request_id=") {
				t.Errorf("%s: no request_id in the log:\n%s", what, logs.String())
			}
		}
	}
}

// Error() collapses white space: a secret holding a space, echoed with the space turned into a
// line break or a tab, must not come out whole once the error is printed on one line.
func TestSecretSplitByWhiteSpaceIsRedactedInErrorText(t *testing.T) {
	const pw = "pw-SECRET two"
	split := strings.ReplaceAll(pw, " ", "\n\t")
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			writeJSON(w, 401, map[string]any{"errorCode": "AuthInvalidCredentials", "errorDescription": "bad " + split,
				"errorDetails": []map[string]string{{"message": "for " + split}}})
			return
		}
		writeJSON(w, 200, map[string]any{"id": "900", "action": "IMPORT_JOB", "asyncResponse": map[string]any{
			"errorCode": "Failed", "errorDesc": "bad " + split, "errorDetails": []map[string]string{{"message": "for " + split}}}})
	})
	c, _ := newTestClient(t, srv.base(), WithCredentials("user", pw))
	_, err := c.Login(context.Background())
	if err == nil {
		t.Fatal("login: no error")
	}
	assertNoSecret(t, "the login error", err.Error())

	c, _ = newTestClient(t, srv.base(), WithAPIToken(pw))
	_, err = c.WaitAsyncRequest(context.Background(), "900")
	var ae *AsyncRequestError
	if !errors.As(err, &ae) {
		t.Fatalf("WaitAsyncRequest: %v, want an *AsyncRequestError", err)
	}
	assertNoSecret(t, "the async request error", err.Error())
}

// The Debug record of the login exchange is written before the token it hands out is known: a
// login answer whose request id is that token must not get it into the log.
func TestLoginAnswerWithTheTokenAsRequestIDIsRedactedInTheLog(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", secretLogin)
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			writeJSON(w, 200, map[string]string{"token": secretLogin})
			return
		}
		writeCreated(w)
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv.base(), WithCredentials("user", secretPassword), WithLogger(logger))
	out, err := c.CreateJobs(context.Background(), "P", "DL1", createBodyWithConnector())
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "Response.RequestID", out.Response.RequestID)
	assertNoSecret(t, "the log", logs.String())
	if n := strings.Count(logs.String(), "request_id="); n != 2 {
		t.Errorf("%d request ids in the log, want 2 (login, create):\n%s", n, logs.String())
	}
}

// A secret split by white space across the 300-byte cut of Error() must not leave its start.
func TestSecretAcrossTheCutOfErrorTextIsRedacted(t *testing.T) {
	const pw = "pw-SECRET two"
	desc := "bad " + strings.Repeat("x", 285) + strings.ReplaceAll(pw, " ", "\n") // the cut falls after "pw-SECRET t"
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 401, map[string]any{"errorCode": "AuthInvalidCredentials", "errorDescription": desc})
	})
	c, _ := newTestClient(t, srv.base(), WithCredentials("user", pw))
	_, err := c.Login(context.Background())
	if err == nil {
		t.Fatal("login: no error")
	}
	assertNoSecret(t, "the login error", err.Error())
}
