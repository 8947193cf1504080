package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A 502 to the create, then a list answer that is not a page of jobs ({}: a proxy's JSON):
// --reconcile proves nothing from it, exits 4, and does not send the request again.
func TestCreateReconcileOnAListAnswerThatIsNotAPageExits4(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			posts.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, `{"errorCode":"E502","errorDescription":"bad gateway"}`)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	r := newCLI(t, map[string]string{envURL: srv.URL + "/web", envToken: "tok12345"}).run(
		"create", "--project-uid", "PRJ", "--target-lang", "de", "--download-task-id", "DL1", "--reconcile", "--reconcile-grace", "1ms")
	wantCode(t, r, exitUnknown)
	if n := posts.Load(); n != 1 {
		t.Errorf("%d POSTs, want 1 (nothing resent)", n)
	}
	if !strings.Contains(r.stderr, "not a page of jobs") {
		t.Errorf("stderr:\n%s", r)
	}
}
