package wrapper

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// A 2xx list answer that is not a page of jobs ({}, null, a proxy's JSON) is an error of
// ListJobs, and Reconcile answers an error for it: read as an empty page, it would prove "not
// created" after a 502 that may have created the jobs.
func TestListAnswerThatIsNotAPageFailsClosed(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"content":null,"totalElements":0}`, `{"unexpected":"x"}`, `{"content":[]}`, `{"content":{},"totalElements":0}`, `[]`} {
		t.Run(body, func(t *testing.T) {
			srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, body)
			})
			c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
			var got error
			for _, err := range c.ListJobs(context.Background(), "PRJ", nil) {
				got = err
			}
			if !errors.Is(got, errNotAPage) {
				t.Errorf("ListJobs: %v, want a not-a-page error", got)
			}
			sent := time.Now().Add(-time.Hour)
			u := &UnknownOutcomeError{ProjectUID: "PRJ", SentAt: sent, GaveUpAt: sent, TargetLangs: []string{"de"}}
			r, err := c.Reconcile(context.Background(), u, ReconcileOptions{})
			if err == nil || (r != nil && r.Result == ReconcileNotCreated) {
				t.Errorf("Reconcile: %+v, %v; want an error", r, err)
			}
		})
	}
	// A real empty page still reads as no jobs.
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"totalElements":0,"totalPages":0,"pageSize":50,"pageNumber":0,"numberOfElements":0,"content":[]}`)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	for _, err := range c.ListJobs(context.Background(), "PRJ", nil) {
		t.Errorf("an empty page: %v", err)
	}
}
