package wrapper

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	capturectx "github.com/seed-a960d6a4/connectortask/internal/capture"
)

// TestCaptureHandsOverTheAnswerAsSent: the captured body is Phrase's own (its +0000
// dates and unknown fields intact), for the calls made with the context only, never login's.
func TestCaptureHandsOverTheAnswerAsSent(t *testing.T) {
	const created = `{"jobs":[{"uid":"J1","dateCreated":"2026-11-28T17:03:12+0000","innerId":"7"}],"asyncRequest":{"id":"9"}}`
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/auth/login"):
			writeJSON(w, http.StatusOK, map[string]any{"token": "tok-secret", "expires": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05-0700")})
		case strings.HasSuffix(r.URL.Path, "/jobs/connectorTask"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(created))
		default:
			writeError(w, http.StatusNotFound, "NotFound", "no such request")
		}
	})
	c, _ := newTestClient(t, srv.base(), WithCredentials("jane", "pw"))
	type got struct{ method, path, body string }
	var seen []got
	ctx := capturectx.With(context.Background(), func(method, path string, body []byte) {
		seen = append(seen, got{method, path, string(body)})
	})
	out, err := c.CreateJobs(ctx, "P", "DL-1", validBody())
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0].method != "POST" || !strings.HasSuffix(seen[0].path, "/projects/P/jobs/connectorTask") || seen[0].body != created {
		t.Fatalf("captured %+v, want only the 201 body as sent", seen)
	}
	if got := out.Jobs[0].DateCreated.String(); got != "2026-11-28T17:03:12Z" {
		t.Errorf("the typed result still reads the date: %s", got)
	}
	// A 404 is not a successful answer; a call without the context captures nothing.
	if _, err := c.AsyncRequest(ctx, "1"); err == nil {
		t.Fatal("want the 404")
	}
	if _, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody()); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Errorf("captured %d bodies, want still 1", len(seen))
	}
	for _, s := range seen {
		if strings.Contains(s.body, "tok-secret") {
			t.Error("the login answer (with the token) was captured")
		}
	}
}
