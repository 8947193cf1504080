package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCreateAnsweredAnother2xxIsUnknown: only 201 is Phrase's answer to a create that
// succeeded; another 2xx (a proxy's 200, a 204) proves nothing either way.
func TestCreateAnsweredAnother2xxIsUnknown(t *testing.T) {
	for _, code := range []int{200, 202, 204, 299} {
		srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if code == 204 {
				w.WriteHeader(code)
				return
			}
			writeJSON(w, code, map[string]any{"errorCode": "E", "errorDescription": "scripted"})
		})
		c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
		_, err := c.CreateJobs(context.Background(), "P", "DL1", validBody())
		var unknown *UnknownOutcomeError
		if !errors.As(err, &unknown) || OutcomeOf(err) != OutcomeUnknown {
			t.Fatalf("%d: err = %v (outcome %v), want outcome unknown", code, err, OutcomeOf(err))
		}
		if want := strings.TrimSpace(fmt.Sprintf("answered %d %s", code, http.StatusText(code))) + ", not 201 Created"; !strings.Contains(err.Error(), want) {
			t.Errorf("%d: err = %v, want it to say %q", code, err, want)
		}
		if strings.Contains(err.Error(), "Created, so the jobs exist") {
			t.Errorf("%d: err = %v, claims the jobs exist", code, err)
		}
		if n := srv.count("POST", "/connectorTask"); n != 1 {
			t.Errorf("%d: POSTs = %d, want 1", code, n)
		}
	}
}
