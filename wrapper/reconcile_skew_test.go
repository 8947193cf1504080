package wrapper

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// A list answer whose Date header is off (a proxy's clock, or a lie) moves the narrow window
// away from the call's jobs: the answer must then be Ambiguous, never NotCreated and a resend.
// The job was created when the call was sent, by the client's (and Phrase's true) clock.
func TestReconcileSkewedDateHeaderNeverProvesNotCreated(t *testing.T) {
	sent := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	now := sent.Add(time.Hour) // the grace period is long over
	for _, skew := range []time.Duration{0, 10 * time.Second, -10 * time.Second, 24 * time.Hour, -24 * time.Hour} {
		t.Run(fmt.Sprint(skew), func(t *testing.T) {
			srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Date", now.Add(skew).Format(http.TimeFormat))
				w.Header().Set("Content-Type", "application/json")
				_, _ = fmt.Fprintf(w, `{"totalElements":1,"totalPages":1,"pageSize":50,"pageNumber":0,"numberOfElements":1,"content":[`+
					`{"uid":"JOB1","targetLang":"de","filename":"f.txt","sourceFileUid":"F1","status":"NEW","dateCreated":%q}]}`,
					sent.Format("2006-01-02T15:04:05-0700"))
			})
			c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"), WithClock(func() time.Time { return now }))
			u := &UnknownOutcomeError{ProjectUID: "PRJ", SentAt: sent, GaveUpAt: sent.Add(time.Second), TargetLangs: []string{"de"}}
			got, err := c.Reconcile(context.Background(), u, ReconcileOptions{Grace: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			want := ReconcileAmbiguous
			if skew == 0 {
				want = ReconcileCreated
			}
			if got.Result != want || len(got.Jobs)+len(got.Candidates) != 1 {
				t.Errorf("Date off by %s: %s (%s), want %s with the job", skew, got.Result, got.Reason, want)
			}
		})
	}
}
