package wrapper_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// sharedClock is one clock for the fake and the client, moved by hand: the grace period
// passes without sleeping.
type sharedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *sharedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *sharedClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// reconcileSetup starts a fake and a client on one hand-moved clock.
func reconcileSetup(t *testing.T, opts ...phrasetest.Option) (*phrasetest.Server, *wrapper.Client, *sharedClock) {
	t.Helper()
	clk := &sharedClock{t: time.Now().UTC().Truncate(time.Second)}
	srv := phrasetest.NewServer(append([]phrasetest.Option{phrasetest.WithClock(clk.Now)}, opts...)...)
	t.Cleanup(srv.Close)
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token), wrapper.WithClock(clk.Now))
	return srv, c, clk
}

// createUnknown sends a create that the fake is set to lose and returns its error.
func createUnknown(t *testing.T, c *wrapper.Client, project string, b api.JobCreateRequestDto, task string) *wrapper.UnknownOutcomeError {
	t.Helper()
	_, err := c.CreateJobs(context.Background(), project, task, b)
	var u *wrapper.UnknownOutcomeError
	if !errors.As(err, &u) {
		t.Fatalf("want an unknown outcome, got %v", err)
	}
	return u
}

func jobUIDs(jobs []api.JobPartReferenceV2) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, *j.Uid)
	}
	slices.Sort(out)
	return out
}

func createdUIDs(srv *phrasetest.Server, filename string) []string {
	var out []string
	for _, j := range srv.Jobs() {
		if filename == "" || *j.Filename == filename {
			out = append(out, *j.Uid)
		}
	}
	slices.Sort(out)
	return out
}

func TestUnknownOutcomeErrorCarriesWhatReconcilingNeeds(t *testing.T) {
	srv, c, clk := reconcileSetup(t, phrasetest.WithLostResponse(1))
	b := body("de", "fr")
	b.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: "ct", RemoteFileName: "winter.docx"}
	u := createUnknown(t, c, srv.ProjectUID, b, "DL7")
	if u.ProjectUID != srv.ProjectUID || !u.SentAt.Equal(clk.Now()) || u.GaveUpAt.Before(u.SentAt) ||
		!slices.Equal(u.TargetLangs, []string{"de", "fr"}) || u.DownloadTaskID != "DL7" || u.RemoteFileName != "winter.docx" || u.RemoteFileNameRegex {
		t.Errorf("UnknownOutcomeError = %+v", u)
	}
	if strings.Contains(u.Error(), "ct") && strings.Contains(u.Error(), "connectorToken") {
		t.Errorf("the connector token leaks: %s", u.Error())
	}
}

// The two kinds of unknown outcome, told apart: a lost answer is Created with exactly the jobs
// the fake made; a lost request is NotCreated once the grace period is over, and until then
// Ambiguous with NoWait.
func TestReconcileCreatedAndNotCreated(t *testing.T) {
	srv, c, clk := reconcileSetup(t, phrasetest.WithLostRequest(1), phrasetest.WithLostResponse(1))
	before := createUnknown(t, c, srv.ProjectUID, body("de", "fr"), "DL1")
	after := createUnknown(t, c, srv.ProjectUID, body("de", "fr"), "DL2")
	if len(srv.Jobs()) != 2 {
		t.Fatalf("the fake holds %d jobs, want 2", len(srv.Jobs()))
	}

	got, err := c.Reconcile(context.Background(), after, wrapper.ReconcileOptions{})
	if err != nil || got.Result != wrapper.ReconcileCreated {
		t.Fatalf("lost answer: %+v, %v", got, err)
	}
	if !slices.Equal(jobUIDs(got.Jobs), createdUIDs(srv, "")) || got.ListCalls != 2 {
		t.Errorf("jobs %v (want %v), list calls %d (want 2)", jobUIDs(got.Jobs), createdUIDs(srv, ""), got.ListCalls)
	}

	// The lost request's window holds the other call's jobs: only Claimed tells them apart.
	claimed := map[string]bool{}
	for _, u := range jobUIDs(got.Jobs) {
		claimed[u] = true
	}
	early, err := c.Reconcile(context.Background(), before, wrapper.ReconcileOptions{Claimed: claimed, NoWait: true})
	if err != nil || early.Result != wrapper.ReconcileAmbiguous || !strings.Contains(early.Reason, "may still be creating") {
		t.Fatalf("before the grace period: %+v, %v", early, err)
	}
	clk.Advance(wrapper.DefaultReconcileGrace + wrapper.DefaultClockSkew)
	late, err := c.Reconcile(context.Background(), before, wrapper.ReconcileOptions{Claimed: claimed})
	if err != nil || late.Result != wrapper.ReconcileNotCreated || len(late.Jobs)+len(late.Candidates) != 0 || late.ListCalls != 1 {
		t.Fatalf("after the grace period: %+v, %v", late, err)
	}
}

// With a remote file name, one filtered list call settles it, even beside other files' jobs.
func TestReconcileByRemoteFileName(t *testing.T) {
	srv, c, _ := reconcileSetup(t, phrasetest.WithLostResponse(1))
	b := body("de", "ja")
	b.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: "ct", RemoteFileName: "a.docx"}
	u := createUnknown(t, c, srv.ProjectUID, b, "")
	other := body("de", "ja")
	other.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: "ct", RemoteFileName: "b.docx"}
	if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL1", other); err != nil {
		t.Fatal(err)
	}
	got, err := c.Reconcile(context.Background(), u, wrapper.ReconcileOptions{})
	if err != nil || got.Result != wrapper.ReconcileCreated || !slices.Equal(jobUIDs(got.Jobs), createdUIDs(srv, "a.docx")) || got.ListCalls != 1 {
		t.Fatalf("%+v, %v", got, err)
	}
}

// No false "created": candidates that are not exactly the call's, or that another call of
// unknown outcome could own, leave the outcome Ambiguous.
func TestReconcileAmbiguous(t *testing.T) {
	t.Run("two files", func(t *testing.T) {
		// The second file is another call's, but nothing says so: not Created.
		srv, c, _ := reconcileSetup(t, phrasetest.WithLostResponse(1))
		u := createUnknown(t, c, srv.ProjectUID, body("de"), "DL1")
		if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL1", body("de")); err != nil {
			t.Fatal(err)
		}
		got, err := c.Reconcile(context.Background(), u, wrapper.ReconcileOptions{})
		if err != nil || got.Result != wrapper.ReconcileAmbiguous || len(got.Candidates) != 2 {
			t.Fatalf("%+v, %v", got, err)
		}
	})
	t.Run("a file with other languages is not the call's", func(t *testing.T) {
		srv, c, clk := reconcileSetup(t, phrasetest.WithLostRequest(1))
		u := createUnknown(t, c, srv.ProjectUID, body("de", "fr"), "DL1")
		if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL1", body("de")); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		got, err := c.Reconcile(context.Background(), u, wrapper.ReconcileOptions{})
		if err != nil || got.Result != wrapper.ReconcileNotCreated || got.ListCalls != 2 {
			t.Fatalf("a German-only file is not this German and French call's: %+v, %v", got, err)
		}
	})
	t.Run("another unknown call", func(t *testing.T) {
		// The first call was lost before acting, the second after creating the same languages'
		// jobs. Alone, the first would take the second's jobs for its own; Others prevents it.
		srv, c, clk := reconcileSetup(t, phrasetest.WithLostRequest(1), phrasetest.WithLostResponse(1))
		first := createUnknown(t, c, srv.ProjectUID, body("de"), "DL1")
		second := createUnknown(t, c, srv.ProjectUID, body("de"), "DL2")
		clk.Advance(time.Hour)
		all := []*wrapper.UnknownOutcomeError{first, second}
		got, err := c.Reconcile(context.Background(), first, wrapper.ReconcileOptions{Others: all})
		if err != nil || got.Result != wrapper.ReconcileAmbiguous || !strings.Contains(got.Reason, "DL2") {
			t.Fatalf("first: %+v, %v", got, err)
		}
		if got, _ := c.Reconcile(context.Background(), second, wrapper.ReconcileOptions{Others: all}); got.Result != wrapper.ReconcileAmbiguous {
			t.Fatalf("second: %+v", got)
		}
	})
	t.Run("outside the window", func(t *testing.T) {
		// Beyond the window and NotCreatedMargin (with no Date header to trust, the window
		// starts a minute before sending).
		srv, c, clk := reconcileSetup(t)
		if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL1", body("de")); err != nil {
			t.Fatal(err)
		}
		clk.Advance(wrapper.NotCreatedMargin + wrapper.DefaultClockSkew + time.Minute)
		srv.LoseRequests(1)
		u := createUnknown(t, c, srv.ProjectUID, body("de"), "DL1")
		clk.Advance(time.Hour)
		got, err := c.Reconcile(context.Background(), u, wrapper.ReconcileOptions{})
		if err != nil || got.Result != wrapper.ReconcileNotCreated {
			t.Fatalf("a job created 12 minutes before sending counted: %+v, %v", got, err)
		}
	})
}

// Without NoWait, Reconcile waits for the grace period (bounded by the context) and lists again.
func TestReconcileWaitsForTheGracePeriod(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithLostRequest(1))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	u := createUnknown(t, c, srv.ProjectUID, body("de"), "DL1")
	const grace = 200 * time.Millisecond
	got, err := c.Reconcile(context.Background(), u, wrapper.ReconcileOptions{Grace: grace, ClockSkew: -1})
	if err != nil || got.Result != wrapper.ReconcileNotCreated || got.ListCalls < 1 {
		t.Fatalf("%+v, %v", got, err)
	}
	// NotCreated never comes before the grace period is over.
	if now := time.Now(); now.Before(u.GaveUpAt.Add(grace)) {
		t.Errorf("NotCreated at %s, before the grace period ended at %s", now, u.GaveUpAt.Add(grace))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Reconcile(ctx, u, wrapper.ReconcileOptions{Grace: time.Hour}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a context ending in the grace period: %v", err)
	}
}

func TestReconcileRefusesAnIncompleteError(t *testing.T) {
	c, err := wrapper.New(wrapper.WithAPIToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*wrapper.UnknownOutcomeError{nil, {}, {ProjectUID: "P"}, {ProjectUID: "P", SentAt: time.Now()}} {
		if _, err := c.Reconcile(context.Background(), u, wrapper.ReconcileOptions{}); err == nil {
			t.Errorf("%+v: no error", u)
		}
	}
}

// Phrase's clock five minutes ahead of the client's: the offset is measured from the Date
// header, so the lost answer's jobs are still found, and jobs of the same languages created
// ten seconds before the call was sent are not taken for its own (nor do they prove it
// created nothing: that takes their being claimed).
func TestReconcileMeasuresPhrasesClock(t *testing.T) {
	clk := &sharedClock{t: time.Now().UTC().Truncate(time.Second)}
	phraseNow := func() time.Time { return clk.Now().Add(5 * time.Minute) }
	srv := phrasetest.NewServer(phrasetest.WithClock(phraseNow), phrasetest.WithLostResponse(1))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token), wrapper.WithClock(clk.Now))

	lost := createUnknown(t, c, srv.ProjectUID, body("de", "fr"), "DL1")
	got, err := c.Reconcile(context.Background(), lost, wrapper.ReconcileOptions{})
	if err != nil || got.Result != wrapper.ReconcileCreated {
		t.Fatalf("five minutes of skew: %+v, %v", got, err)
	}

	clk.Advance(10 * time.Second)
	srv.LoseRequests(1)
	before := createUnknown(t, c, srv.ProjectUID, body("de", "fr"), "DL2")
	clk.Advance(time.Hour)
	if got, err := c.Reconcile(context.Background(), before, wrapper.ReconcileOptions{}); err != nil || got.Result != wrapper.ReconcileAmbiguous || !slices.Equal(jobUIDs(got.Candidates), createdUIDs(srv, "")) {
		t.Errorf("jobs created 10 s before sending: %+v, %v; want Ambiguous with them as candidates", got, err)
	}
	claimed := map[string]bool{}
	for _, uid := range createdUIDs(srv, "") {
		claimed[uid] = true
	}
	if got, err := c.Reconcile(context.Background(), before, wrapper.ReconcileOptions{Claimed: claimed}); err != nil || got.Result != wrapper.ReconcileNotCreated {
		t.Errorf("jobs created 10 s before sending, claimed: %+v, %v", got, err)
	}
	// Without the measurement (a minute's allowance), the same jobs would have been taken:
	// the limit the Date header removes.
	if got, _ := c.Reconcile(context.Background(), before, wrapper.ReconcileOptions{ClockSkew: 6 * time.Minute}); got.Result != wrapper.ReconcileCreated {
		t.Errorf("with a wide allowance: %+v", got)
	}
}
