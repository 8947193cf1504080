package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// logRecords decodes the JSON log lines in buf.
func logRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// TestLogsGivingUpAndUnknownOutcomeAtWarn: the end of retrying and a POST whose outcome is
// unknown each leave a Warn record; the APIError carries the request id and headers.
func TestLogsGivingUpAndUnknownOutcomeAtWarn(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("X-Request-Id", "req-"+r.URL.Path[len(r.URL.Path)-4:])
		if strings.Contains(r.URL.Path, "/projects/P502/") {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Header().Set("Retry-After", "3600")
		writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "down for maintenance")
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithLogger(logger))

	_, err := c.CreateJobs(context.Background(), "P503", "DL", validBody())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.RequestID != "req-Task" || apiErr.Header.Get("Retry-After") != "3600" {
		t.Fatalf("err = %v; want a 503 APIError with request id and headers", err)
	}
	if !strings.Contains(err.Error(), "(request id req-Task)") {
		t.Errorf("error text %q lacks the request id", err)
	}
	_, err = c.CreateJobs(context.Background(), "P502", "DL", validBody())
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) {
		t.Fatalf("err = %v; want an UnknownOutcomeError", err)
	}
	recs := logRecords(t, &buf)
	if len(recs) != 2 {
		t.Fatalf("got %d records at Info and above, want 2:\n%s", len(recs), buf.String())
	}
	if recs[0]["level"] != "WARN" || recs[0]["msg"] != "phrase: giving up retrying" || recs[0]["status"] != float64(503) || recs[0]["request_id"] != "req-Task" {
		t.Errorf("giving-up record = %v", recs[0])
	}
	if recs[1]["level"] != "WARN" || !strings.Contains(recs[1]["msg"].(string), "outcome unknown") || recs[1]["project_uid"] != "P502" {
		t.Errorf("unknown-outcome record = %v", recs[1])
	}
}

// TestRetryHookAndReloginRecord: the retry hook sees every retry with its reason, a renewed
// login included, and the login is logged at Info.
func TestRetryHookAndReloginRecord(t *testing.T) {
	var posts atomic.Int32
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			writeJSON(w, 200, map[string]any{"token": "tok"})
			return
		}
		switch posts.Add(1) {
		case 1:
			writeError(w, http.StatusUnauthorized, "AuthUnauthorized", "session invalidated")
		case 2:
			w.Header().Set("Retry-After", "0")
			writeError(w, http.StatusTooManyRequests, "ApiLimitReached", "slow down")
		default:
			writeCreated(w)
		}
	})
	var events []RetryEvent
	hook := func(ctx context.Context, e RetryEvent) {
		if ctx == nil {
			t.Error("hook without the call's context")
		}
		events = append(events, e)
	}
	c, _ := newTestClient(t, srv.base(), WithCredentials("jane", "pw"), WithRetryHook(hook))
	if _, err := c.CreateJobs(context.Background(), "P", "DL", validBody()); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].StatusCode != 401 || events[0].Reason != "401 Unauthorized: logged in again" ||
		events[1].StatusCode != 429 || events[1].Attempt != 2 || events[1].Method != "POST" ||
		!strings.HasSuffix(events[1].Path, "/jobs/connectorTask") {
		t.Errorf("retry events = %+v", events)
	}
	if _, err := New(WithRetryHook(nil)); err == nil {
		t.Error("WithRetryHook(nil) accepted")
	}
}

// countingTransport counts the attempts that pass through it.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int32
	auth *atomic.Value
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	t.auth.Store(r.Header.Get("Authorization"))
	return t.next.RoundTrip(r)
}

// TestWithTransportWrapsTheTunedTransport: the middleware sees every attempt (retries
// included), sits on the default client's tuned transport, and leaves WithHTTPClient's client
// unchanged.
func TestWithTransportWrapsTheTunedTransport(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			writeError(w, http.StatusTooManyRequests, "ApiLimitReached", "slow down")
			return
		}
		writeCreated(w)
	})
	var n atomic.Int32
	var auth atomic.Value
	var inner http.RoundTripper
	mw := func(next http.RoundTripper) http.RoundTripper {
		inner = next
		return countingTransport{next: next, n: &n, auth: &auth}
	}
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"), WithTransport(mw))
	if _, err := c.CreateJobs(context.Background(), "P", "DL", validBody()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || auth.Load() != "ApiToken tok" {
		t.Errorf("middleware saw %d attempts (want 2), Authorization %v", n.Load(), auth.Load())
	}
	tr, ok := inner.(*http.Transport)
	if !ok || tr.ResponseHeaderTimeout == 0 || tr.TLSHandshakeTimeout == 0 {
		t.Errorf("the middleware wraps %T, want the tuned *http.Transport", inner)
	}

	own := &http.Client{Transport: http.DefaultTransport}
	if _, err := New(WithHTTPClient(own), WithTransport(mw)); err != nil {
		t.Fatal(err)
	}
	if own.Transport != http.DefaultTransport || inner != http.DefaultTransport {
		t.Error("WithTransport changed the caller's client, or did not wrap its transport")
	}
	if _, err := New(WithTransport(func(http.RoundTripper) http.RoundTripper { return nil })); err == nil {
		t.Error("a wrap returning nil accepted")
	}
}
