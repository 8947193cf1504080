package wrapper

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/redact"
)

const (
	secretToken     = "tok-SECRET-api-1234"
	secretPassword  = "pw-SECRET-5678"
	secretConnector = "ct-SECRET-9abc"
	secretLogin     = "lt-SECRET-def0"
)

// assertNoSecret fails when any of the test secrets appears in out.
func assertNoSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range []string{secretToken, secretPassword, secretConnector, secretLogin, "SECRET"} {
		if strings.Contains(out, s) {
			t.Errorf("%s shows a secret (%s):\n%s", what, s, out)
		}
	}
}

// echoAll answers status with every request header and the body echoed in its error body.
func echoAll(status int) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		var b strings.Builder
		for k, v := range r.Header {
			b.WriteString(k + ": " + strings.Join(v, ",") + "\n")
		}
		w.Header().Set("Location", "/web/x?tok="+r.Header.Get("Authorization"))
		writeJSON(w, status, map[string]any{
			"errorCode":        "ECHO " + r.Header.Get("Authorization"),
			"errorDescription": b.String(),
			"errorDetails":     []map[string]string{{"message": r.Header.Get("Authorization")}},
		})
	}
}

func createBodyWithConnector() api.JobCreateRequestDto {
	b := validBody()
	b.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: secretConnector, RemoteFileName: "a.docx", RemoteFolder: ptr("/")}
	return b
}

func TestEchoedSecretsAreRedactedInErrorsAndLogs(t *testing.T) {
	for _, status := range []int{400, 401, 404, 500, 502, 503} {
		srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if strings.HasSuffix(r.URL.Path, "/auth/login") {
				writeJSON(w, 200, map[string]string{"token": secretLogin})
				return
			}
			// The body (with the connector token) and the Authorization header, echoed.
			body := string(requestBody(t, r))
			writeJSON(w, status, map[string]any{"errorCode": "ECHO", "errorDescription": r.Header.Get("Authorization") + " " + body, "errorDetails": []map[string]string{{"message": body}}})
		})
		for _, auth := range []Option{WithAPIToken(secretToken), WithCredentials("user", secretPassword)} {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, _ := newTestClient(t, srv.base(), auth, WithLogger(logger))
			_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, createBodyWithConnector())
			if err == nil {
				t.Fatalf("%d: no error", status)
			}
			assertNoSecret(t, "the error", err.Error())
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				assertNoSecret(t, "the APIError", apiErr.Error()+apiErr.ErrorDescription+apiErr.Body)
				if !strings.Contains(apiErr.ErrorDescription, redact.Marker) {
					t.Errorf("%d: errorDescription %q has no marker", status, apiErr.ErrorDescription)
				}
			}
			_, err = c.AsyncRequest(context.Background(), "1")
			assertNoSecret(t, "the GET error", err.Error())
			assertNoSecret(t, "the log", logs.String())
		}
	}
}

func requestBody(t *testing.T, r *http.Request) []byte {
	t.Helper()
	var b bytes.Buffer
	_, _ = b.ReadFrom(r.Body)
	return b.Bytes()
}

func TestLoginEchoingThePasswordIsRedacted(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 401, map[string]any{"errorCode": "AuthUnauthorized", "errorDescription": "bad login " + string(requestBody(t, r))})
	})
	c, _ := newTestClient(t, srv.base(), WithCredentials("user", secretPassword))
	_, err := c.Login(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	assertNoSecret(t, "the login error", err.Error())
}

func TestCheckResponseRedactsTheRequestsSecrets(t *testing.T) {
	srv := newWire(t, echoAll(400))
	c, _ := newTestClient(t, srv.base(), WithAPIToken(secretToken))
	resp, err := c.API().GetAsyncRequestWithResponse(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	cerr := CheckResponse(resp.HTTPResponse, resp.Body)
	if cerr == nil {
		t.Fatal("no error")
	}
	assertNoSecret(t, "CheckResponse", cerr.Error())
	// Without any Client: the Authorization of the request is known from resp.Request.
	req, _ := http.NewRequest("GET", srv.URL+"/web/api2/v1/async/1", nil)
	req.Header.Set("Authorization", "ApiToken "+secretToken)
	raw, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(raw.Body)
	assertNoSecret(t, "CheckResponse without a Client", CheckResponse(raw, body.Bytes()).Error())
}

func TestSecretsWithControlCharactersAreRefusedUpFront(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	for _, bad := range []string{"SECRET\x01en", "SECRET\x7fen", "SECRET\r\nen", "SECRET\ten"} {
		for name, opt := range map[string]Option{
			"WithAPIToken":    WithAPIToken(bad),
			"WithBearerToken": WithBearerToken(bad),
			"WithCredentials": WithCredentials("user", bad),
		} {
			_, err := New(WithBaseURL(srv.base()), opt)
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "control character") {
				t.Errorf("%s(%q): err = %v, want a refusal naming the option", name, bad, err)
			} else if strings.Contains(err.Error(), "SECRET") || strings.ContainsAny(err.Error(), "\x01\x7f\r\n\t") {
				t.Errorf("%s: the error echoes the value: %v", name, err)
			}
		}
		c, _ := newTestClient(t, srv.base(), WithAPIToken("good-token"))
		b := validBody()
		b.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: bad, RemoteFileName: "a.docx", RemoteFolder: ptr("/")}
		_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, b)
		var ve *ValidationError
		var unknown *UnknownOutcomeError
		if !errors.As(err, &ve) || errors.As(err, &unknown) || !strings.Contains(err.Error(), "/remoteFile/connectorToken") || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("connector token %q: err = %v, want a validation error naming the field, not the value", bad, err)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("the server got %d requests, want 0", n)
	}
}

func TestInvalidHeaderFromALoginTokenIsNotUnknown(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			writeJSON(w, 200, map[string]string{"token": "bad\x01token"})
			return
		}
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithCredentials("user", secretPassword))
	_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, validBody())
	var unknown *UnknownOutcomeError
	if err == nil || errors.As(err, &unknown) {
		t.Fatalf("err = %v, want a plain error: nothing was sent", err)
	}
	if n := srv.count("POST", "/connectorTask"); n != 0 {
		t.Errorf("POSTs = %d, want 0", n)
	}
}
