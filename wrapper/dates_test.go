package wrapper

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// FuzzDateTime: a date-time api.DateTime reads is written in the wire form, and reads back as
// the same instant.
func FuzzDateTime(f *testing.F) {
	for _, s := range []string{"2016-07-21T11:38:27+0000", "2026-12-01T17:00:00Z", "2026-12-01T18:00:00.5+01:00", "2026-12-01T18:00:00+01", "9999-12-31T23:59:59-2359"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := api.ParseDateTime(s)
		if err != nil {
			return
		}
		if y := d.UTC().Year(); y < 1 || y > 9999 {
			// RFC 3339 has four-digit years; api.DateTime writes such instants in a form it
			// cannot read back (seed 4). Requests never carry them: ValidateRequest reports them.
			return
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var back api.DateTime
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s read back: %v", b, err)
		}
		if !back.Time.Equal(d.Time.Truncate(time.Second)) && !d.IsZero() {
			t.Fatalf("%q -> %s -> %v", s, b, back.Time)
		}
	})
}

func TestDatesOnTheWireAreUTCWholeSecondsZ(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	due := time.Date(2030, 5, 1, 19, 30, 15, 123456789, time.FixedZone("CEST", 2*3600))
	body := api.JobCreateRequestDto{TargetLangs: []string{"de"}, WorkflowSettings: &[]api.WorkflowStepConfiguration{
		{Id: ptr("s1"), Due: &api.DateTime{Time: due}, Assignments: []api.ProvidersPerLanguage{}},
	}}
	if _, err := c.CreateJobs(context.Background(), "P", "DL-1", body); err != nil {
		t.Fatal(err)
	}
	var sent struct {
		WorkflowSettings []struct{ Due string }
	}
	if err := json.Unmarshal(srv.requests()[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if got := sent.WorkflowSettings[0].Due; got != "2030-05-01T17:30:15Z" {
		t.Errorf("step due on the wire = %q, want 2030-05-01T17:30:15Z", got)
	}
}

func TestDefaultDueOffset(t *testing.T) {
	now := time.Date(2026, 11, 28, 17, 3, 12, 500_000_000, time.FixedZone("CET", 3600))
	clock, _ := fixedClock(now)
	future := api.NewDateTimePtr(now.Add(240 * time.Hour))
	cases := []struct {
		name    string
		body    api.JobCreateRequestDto
		wantDue string // "" means no top-level due on the wire
	}{
		{"no due anywhere", api.JobCreateRequestDto{TargetLangs: []string{"de"}}, "2026-12-01T15:03:12Z"}, // 16:03:12Z + 71h
		{"due given", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: future}, "2026-12-08T16:03:12Z"},
		{"step due given", api.JobCreateRequestDto{TargetLangs: []string{"de"}, WorkflowSettings: &[]api.WorkflowStepConfiguration{{Due: future, Assignments: []api.ProvidersPerLanguage{}}}}, ""},
		{"workflowSettings without dues", api.JobCreateRequestDto{TargetLangs: []string{"de"}, WorkflowSettings: &[]api.WorkflowStepConfiguration{{Id: ptr("s"), Assignments: []api.ProvidersPerLanguage{}}}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
			c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithClock(clock), WithDefaultDueOffset(71*time.Hour))
			if _, err := c.CreateJobs(context.Background(), "P", "DL-1", tc.body); err != nil {
				t.Fatal(err)
			}
			var sent map[string]any
			_ = json.Unmarshal(srv.requests()[0].Body, &sent)
			got, _ := sent["due"].(string)
			if got != tc.wantDue {
				t.Errorf("due on the wire = %q, want %q", got, tc.wantDue)
			}
		})
	}
	if _, err := New(WithDefaultDueOffset(-time.Hour)); err == nil {
		t.Error("negative offset accepted")
	}
}
