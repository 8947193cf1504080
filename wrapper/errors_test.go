package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAPIErrorFromPhraseBody(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 400, map[string]any{
			"errorCode":        "NOT_UNIQUE_TARGET_LANG",
			"errorDescription": "Target languages must be unique.",
			"errorDetails":     []map[string]any{{"code": "DUPLICATE", "message": "de twice", "args": map[string]any{"lang": "de"}}},
		})
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithoutValidation())
	_, err := c.CreateJobs(context.Background(), "X", "DL-1", validBody())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Method != "POST" || apiErr.StatusCode != 400 || apiErr.ErrorCode != "NOT_UNIQUE_TARGET_LANG" ||
		apiErr.ErrorDescription != "Target languages must be unique." || len(apiErr.Details) != 1 || *apiErr.Details[0].Code != "DUPLICATE" ||
		apiErr.URL != srv.base()+"/api2/v1/projects/X/jobs/connectorTask?downloadTaskId=DL-1" || apiErr.Body != "" {
		t.Errorf("APIError = %+v (URL %s)", apiErr, apiErr.URL)
	}
	want := "POST /api2/v1/projects/X/jobs/connectorTask: 400 Bad Request: NOT_UNIQUE_TARGET_LANG: Target languages must be unique.; de twice"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err.Error(), want)
	}
}

func TestAPIErrorBodies(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		status                  int
		check                   func(*APIError) bool
		message                 string
	}{
		{"html", "text/html", "<html>\n<body><h1>502 Bad Gateway</h1>\n</body></html>\n", 502,
			func(e *APIError) bool {
				return e.Body == "<html>\n<body><h1>502 Bad Gateway</h1>\n</body></html>" && e.ErrorCode == ""
			},
			"GET /api2/v1/async/1: 502 Bad Gateway: <html> <body><h1>502 Bad Gateway</h1> </body></html>"},
		{"empty", "", "", 500,
			func(e *APIError) bool { return e.Body == "" && e.ErrorCode == "" },
			"GET /api2/v1/async/1: 500 Internal Server Error"},
		{"other json", "application/json", `{"message":"not phrase"}`, 404,
			func(e *APIError) bool { return e.Body == `{"message":"not phrase"}` },
			`GET /api2/v1/async/1: 404 Not Found: {"message":"not phrase"}`},
		{"wrong types", "application/json", `{"errorCode":42,"errorDescription":"odd","errorDetails":"x"}`, 403,
			func(e *APIError) bool { return e.ErrorCode == "" && e.ErrorDescription == "odd" && e.Details == nil },
			"GET /api2/v1/async/1: 403 Forbidden: odd"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
			_, err := c.AsyncRequest(context.Background(), "1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !tc.check(apiErr) {
				t.Fatalf("err = %#v", apiErr)
			}
			if err.Error() != tc.message {
				t.Errorf("Error() = %q, want %q", err.Error(), tc.message)
			}
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30", 30 * time.Second, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Mon, 30 Nov 2026 12:00:00 GMT", 48 * time.Hour, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"99999999999", 24 * time.Hour, true},
		{"999999999999999999999", 24 * time.Hour, true}, // beyond int64: very long, not missing
		{"-999999999999999999999", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "120")
		writeError(w, 429, "ApiLimitReached", "Too many requests.")
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	_, err := c.AsyncRequest(context.Background(), "1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 2*time.Minute || !strings.HasSuffix(err.Error(), "(retry after 2m0s)") {
		t.Errorf("err = %v", err)
	}
}

func TestErrorTypesWorkWithErrorsAs(t *testing.T) {
	inner := &APIError{Method: "POST", URL: "https://h/web/api2/v1/projects/P/jobs/connectorTask", StatusCode: 500}
	wrapped := fmt.Errorf("batch line 3: %w", &UnknownOutcomeError{ProjectUID: "P", Err: inner})
	var u *UnknownOutcomeError
	var a *APIError
	if !errors.As(wrapped, &u) || u.Err != inner {
		t.Fatal("errors.As does not find the UnknownOutcomeError and its cause")
	}
	// The cause stays out of errors.As and errors.Is: a caller that retries 5xx answers or
	// timeouts must not resend a request that may have created jobs.
	if errors.As(wrapped, &a) {
		t.Error("errors.As finds the *APIError behind an UnknownOutcomeError")
	}
	if errors.Is(&UnknownOutcomeError{Err: context.DeadlineExceeded}, context.DeadlineExceeded) {
		t.Error("errors.Is finds context.DeadlineExceeded behind an UnknownOutcomeError")
	}
	msg := u.Error()
	for _, want := range []string{"outcome unknown: jobs may have been created", "not resent", "list the jobs of project P in Phrase", "500 Internal Server Error"} {
		if !strings.Contains(msg, want) {
			t.Errorf("UnknownOutcomeError = %q lacks %q", msg, want)
		}
	}
	var ae *AsyncRequestError
	var we *WaitTimeoutError
	var ve *ValidationError
	for _, e := range []error{&AsyncRequestError{}, &WaitTimeoutError{ID: "1"}, &ValidationError{}} {
		w := fmt.Errorf("x: %w", e)
		if !errors.As(w, &ae) && !errors.As(w, &we) && !errors.As(w, &ve) {
			t.Errorf("errors.As misses %T", e)
		}
		_ = e.Error()
	}
}

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("https://jane:pw@cloud.memsource.com/web/api2/v1/async/1?token=abc&downloadTaskId=7")
	got := redactURL(u)
	if strings.Contains(got, "pw") || strings.Contains(got, "abc") || strings.Contains(got, "jane") || !strings.Contains(got, "downloadTaskId=7") {
		t.Errorf("redactURL = %q", got)
	}
}

func TestCheckResponse(t *testing.T) {
	req, _ := http.NewRequest("GET", "https://h/web/api2/v1/async/1", nil)
	if err := CheckResponse(&http.Response{StatusCode: 204, Request: req}, nil); err != nil {
		t.Errorf("204: %v", err)
	}
	err := CheckResponse(&http.Response{StatusCode: 410, Request: req, Header: http.Header{}}, []byte(`{"errorCode":"Gone"}`))
	var a *APIError
	if !errors.As(err, &a) || a.ErrorCode != "Gone" || a.Method != "GET" {
		t.Errorf("410: %v", err)
	}
}

// FuzzAPIErrorBody feeds arbitrary error bodies to the parser: it must not panic, must keep
// Body bounded and valid UTF-8, and must give a one-line message.
func FuzzAPIErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"errorCode":"NOT_UNIQUE_TARGET_LANG","errorDescription":"Target languages must be unique."}`,
		`{"errorCode":"X","errorDetails":[{"code":"c","args":{"a":1},"message":"m"}]}`,
		`{"errorCode":null,"errorDescription":[1,2]}`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		"", "   ", "{", `{"errorDesc":"async style"}`, "\xff\xfe\xfd", `["x"]`, `null`,
		strings.Repeat("é", 5000),
		strings.Repeat("é", 1000) + "\xc3\xc3é\xa9\xa9" + strings.Repeat("é", 1000), // found by fuzzing: replacements grew Body past its bound
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := &APIError{Method: "GET", URL: "https://h/web/api2/v1/async/1", StatusCode: 502}
		parseErrorBody(e, body)
		if len(e.Body) > maxBodyField || !utf8.ValidString(e.Body) {
			t.Fatalf("Body: %d bytes, valid UTF-8 %v", len(e.Body), utf8.ValidString(e.Body))
		}
		if msg := e.Error(); strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("message has a line break: %q", msg)
		}
	})
}

func TestNetworkErrorsRedactTheURL(t *testing.T) {
	ft := &failingTransport{err: errors.New("boom")}
	c, _ := newTestClient(t, "https://phrase.example/web", WithAPIToken("t"), WithHTTPClient(&http.Client{Transport: ft}),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	// A caller of the generated client who puts a legacy ?token= in the URL.
	_, err := c.API().GetAsyncRequest(context.Background(), "1", func(_ context.Context, req *http.Request) error {
		req.URL.RawQuery = "token=tok-SECRET"
		return nil
	})
	if err == nil || strings.Contains(err.Error(), "tok-SECRET") || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("err = %v", err)
	}
}
