package wrapper

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/http2"

	"github.com/seed-a960d6a4/connectortask/internal/faultserver"
)

// newH2 starts an HTTP/2 fault server answering creates with decide and returns a client for it.
func newH2(t *testing.T, decide faultserver.Decide, opts ...Option) (*faultserver.Server, *Client) {
	t.Helper()
	s, err := faultserver.NewHTTP2(decide)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	hc := s.Client()
	t.Cleanup(hc.CloseIdleConnections)
	c, _ := newTestClient(t, s.URL+"/web", append([]Option{WithAPIToken("tok"), WithHTTPClient(hc)}, opts...)...)
	return s, c
}

func TestH2ProtocolErrorAfterBodyIsNotResent(t *testing.T) {
	s, c := newH2(t, func(r *faultserver.Request, n int) faultserver.Action {
		return faultserver.Action{Kind: faultserver.ResetAfterBody, Code: http2.ErrCodeProtocol}
	})
	_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, validBody())
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) {
		t.Fatalf("err = %v, want outcome unknown", err)
	}
	if n := s.Count("POST", "/connectorTask"); n != 1 {
		t.Errorf("POSTs = %d, want 1", n)
	}
}

func TestH2RefusedStreamIsResentByTheWrapper(t *testing.T) {
	s, c := newH2(t, func(r *faultserver.Request, n int) faultserver.Action {
		if n == 1 {
			return faultserver.Action{Kind: faultserver.ResetAfterBody, Code: http2.ErrCodeRefusedStream}
		}
		return faultserver.Action{Status: 201, Body: jobsCreated}
	})
	if _, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, validBody()); err != nil {
		t.Fatal(err)
	}
	if n, a := s.Count("POST", "/connectorTask"), s.Acted("POST", "/connectorTask"); n != 2 || a != 1 {
		t.Errorf("POSTs = %d (acted on %d), want 2 (1)", n, a)
	}
}

// retryingTransport sends every request twice, as a RoundTripper that retries by itself would,
// and returns the second answer.
type retryingTransport struct{ rt http.RoundTripper }

func (r retryingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.RoundTrip(req.Clone(req.Context()))
	if err == nil {
		_ = resp.Body.Close()
	}
	return r.rt.RoundTrip(req)
}

func TestSecondWriteBelowTheWrapperIsUnknownAndLogged(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// The body cannot be rewound (no GetBody below the wrapper), so the retrying transport
	// sends an empty second body; what matters is that the second write is caught.
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"), WithLogger(logger),
		WithHTTPClient(&http.Client{Transport: retryingTransport{tr}}))
	_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, validBody())
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "written 2 times") {
		t.Fatalf("err = %v, want outcome unknown naming the second write", err)
	}
	if !strings.Contains(logs.String(), "written more than once below the wrapper") {
		t.Errorf("no log record of the second write:\n%s", logs.String())
	}
	// A GET written twice is harmless and goes through.
	srv2 := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, map[string]any{"id": "1"}) })
	c2, _ := newTestClient(t, srv2.base(), WithAPIToken("tok"), WithHTTPClient(&http.Client{Transport: retryingTransport{tr}}))
	if _, err := c2.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
}

func TestProvablyUnprocessed(t *testing.T) {
	for msg, want := range map[string]bool{
		"http2: Transport: cannot retry err [stream error: stream ID 3; REFUSED_STREAM; received from peer] after Request.Body was written; define Request.GetBody to avoid this error": true,
		"http2: Transport: cannot retry err [http2: Transport received Server's graceful shutdown GOAWAY] after Request.Body was written; define Request.GetBody to avoid this error":   true,
		"http2: Transport received GOAWAY from server ErrCode:PROTOCOL_ERROR": true,
		"http2: Transport: cannot retry err [stream error: stream ID 3; PROTOCOL_ERROR; received from peer] after Request.Body was written; define Request.GetBody to avoid this error": false,
		"stream error: stream ID 1; CANCEL; received from peer": false,
		`http2 server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug="http2: Transport received Server's graceful shutdown GOAWAY"`: false,
		"read tcp: connection reset by peer": false,
	} {
		err := &url.Error{Op: "Post", URL: "https://x/web", Err: errors.New(msg)}
		if got := provablyUnprocessed(err); got != want {
			t.Errorf("provablyUnprocessed(%q) = %v, want %v", msg, got, want)
		}
	}
}

// TestH2GoAwayBelowALaterStreamIsResent: on a connection already used (stream 1 answered), a
// GOAWAY whose last-stream-id is 1 proves stream 3 (the POST) was not processed.
func TestH2GoAwayBelowALaterStreamIsResent(t *testing.T) {
	s, c := newH2(t, func(r *faultserver.Request, n int) faultserver.Action {
		switch {
		case r.Method == "GET":
			return faultserver.Action{Status: 200, Body: `{"id":"1"}`}
		case n == 1:
			return faultserver.Action{Kind: faultserver.GoAwayBeforeBody}
		}
		return faultserver.Action{Status: 201, Body: jobsCreated}
	})
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, validBody()); err != nil {
		t.Fatal(err)
	}
	if n, a := s.Count("POST", "/connectorTask"), s.Acted("POST", "/connectorTask"); n != 2 || a != 1 {
		t.Errorf("POSTs = %d (acted on %d), want 2 (1)", n, a)
	}
}
