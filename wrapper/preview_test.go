package wrapper

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

func TestPreviewCreateSendsNothingAndRedacts(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			writeJSON(w, 200, map[string]any{"token": "tok"})
			return
		}
		writeCreated(w)
	})
	now := time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC)
	clock, _ := fixedClock(now)
	c, _ := newTestClient(t, srv.base(), WithCredentials("jane", "pw-SECRET"), WithClock(clock), WithDefaultDueOffset(72*time.Hour))
	body := validBody()
	body.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: "conn-SECRET", RemoteFileName: "a.docx"}
	p, err := c.PreviewCreateJobs(context.Background(), "P", "dl-1", body)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 0 {
		t.Fatalf("preview sent %d requests", n)
	}
	if p.Method != "POST" || p.URL != srv.base()+"/api2/v1/projects/P/jobs/connectorTask?downloadTaskId=dl-1" {
		t.Errorf("request line = %s %s", p.Method, p.URL)
	}
	if got := p.Header.Get("Authorization"); got != "ApiToken [REDACTED]" {
		t.Errorf("Authorization = %q", got)
	}
	if p.Header.Get("Content-Type") != "application/json" || p.Header.Get("User-Agent") == "" {
		t.Errorf("headers = %v", p.Header)
	}
	if s := string(p.Body); strings.Contains(s, "SECRET") || !strings.Contains(s, `"connectorToken":"[REDACTED]"`) || !strings.Contains(s, `"due":"2026-12-01T17:03:12Z"`) {
		t.Errorf("body = %s", s)
	}
	if !json.Valid(p.Body) {
		t.Error("body is not JSON")
	}

	// What Create sends is the preview's body with the real connector token.
	if _, err := c.CreateJobs(context.Background(), "P", "dl-1", body); err != nil {
		t.Fatal(err)
	}
	sent := srv.requests()[1]
	if want := strings.Replace(string(p.Body), "[REDACTED]", "conn-SECRET", 1); string(sent.Body) != want {
		t.Errorf("sent %s\npreviewed %s", sent.Body, p.Body)
	}
	if sent.Path+"?"+sent.Query != strings.TrimPrefix(p.URL, srv.URL) {
		t.Errorf("sent %s?%s, previewed %s", sent.Path, sent.Query, p.URL)
	}
}

func TestPreviewCreateValidates(t *testing.T) {
	c, _ := newTestClient(t, "https://phrase.example/web", WithBearerToken("b"))
	_, err := c.PreviewCreateJobs(context.Background(), "P", "dl-1", api.JobCreateRequestDto{TargetLangs: []string{"de", "de"}})
	paths(t, err)
	p, err := c.PreviewCreateJobs(context.Background(), "P", "dl-1", validBody())
	if err != nil || p.Header.Get("Authorization") != "Bearer [REDACTED]" {
		t.Errorf("preview = %+v, %v", p, err)
	}
}
