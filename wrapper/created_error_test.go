package wrapper

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestCreatedUnreadableError: a 201 whose body is not a job list is a *CreatedUnreadableError
// that says the jobs exist, carries the answer for a support ticket, and was sent once.
func TestCreatedUnreadableError(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-7")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"jobs": [`))
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	out, err := c.CreateJobs(t.Context(), "P1", "DL-1", validBody())
	var unreadable *CreatedUnreadableError
	if out != nil || !errors.As(err, &unreadable) {
		t.Fatalf("got %v, %v; want a *CreatedUnreadableError", out, err)
	}
	if unreadable.ProjectUID != "P1" || unreadable.Response.StatusCode != http.StatusCreated ||
		unreadable.Response.RequestID != "req-7" || string(unreadable.Response.Body) != `{"jobs": [` {
		t.Errorf("error fields = %+v", unreadable)
	}
	for _, want := range []string{"201 Created", "the jobs exist", "do not send the request again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	var unknown *UnknownOutcomeError
	if errors.As(err, &unknown) {
		t.Error("an unreadable 201 is not an unknown outcome: the jobs exist")
	}
	if n := srv.count("POST", "/jobs/connectorTask"); n != 1 {
		t.Errorf("POSTs = %d, want 1", n)
	}
}
