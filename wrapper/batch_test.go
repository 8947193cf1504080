package wrapper

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// feed returns a closed channel holding n tasks with IDs 1..n for project "P<id>"; the body of
// each is valid unless broken(id).
func feed(n int, broken func(id int) bool) <-chan BatchTask {
	ch := make(chan BatchTask, n)
	for id := 1; id <= n; id++ {
		body := validBody()
		if broken != nil && broken(id) {
			body.TargetLangs = nil
		}
		ch <- BatchTask{ID: id, ProjectUID: "P" + strconv.Itoa(id), Body: body}
	}
	close(ch)
	return ch
}

// collect gathers results; onResult is called from one goroutine at a time, which -race checks.
type collect struct {
	results []BatchResult
}

func (c *collect) add(r BatchResult) { c.results = append(c.results, r) }

func (c *collect) ids() []int {
	var ids []int
	for _, r := range c.results {
		ids = append(ids, r.Task.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestRunBatchReportsEveryTaskOnceAndGoesOnAfterFailures(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if strings.Contains(r.URL.Path, "/projects/P4/") {
			writeError(w, http.StatusNotFound, "ProjectNotFound", "Project P4 not found.")
			return
		}
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	var got collect
	err := c.RunBatch(t.Context(), feed(10, func(id int) bool { return id == 7 }), BatchOptions{Concurrency: 3}, got.add)
	if err != nil {
		t.Fatalf("RunBatch: %v", err)
	}
	if ids := got.ids(); !slices.Equal(ids, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Fatalf("reported ids %v, want each of 1..10 once", ids)
	}
	for _, r := range got.results {
		var apiErr *APIError
		var invalid *ValidationError
		switch r.Task.ID {
		case 4:
			if !errors.As(r.Err, &apiErr) || apiErr.StatusCode != 404 || r.Jobs != nil {
				t.Errorf("task 4: %v, want a 404 APIError", r.Err)
			}
		case 7:
			if !errors.As(r.Err, &invalid) {
				t.Errorf("task 7: %v, want a ValidationError", r.Err)
			}
		default:
			if r.Err != nil || r.Jobs == nil || r.Jobs.Jobs == nil || len(*r.Jobs.Jobs) != 1 {
				t.Errorf("task %d: %v %+v", r.Task.ID, r.Err, r.Jobs)
			}
		}
	}
	// The invalid task was not sent; every other one exactly once.
	if n := srv.count("POST", "/jobs/connectorTask"); n != 9 {
		t.Errorf("server saw %d POSTs, want 9", n)
	}
}

func TestRunBatchBoundsConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(15 * time.Millisecond)
		inFlight.Add(-1)
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	var got collect
	if err := c.RunBatch(t.Context(), feed(24, nil), BatchOptions{Concurrency: 4}, got.add); err != nil {
		t.Fatal(err)
	}
	if len(got.results) != 24 {
		t.Fatalf("%d results, want 24", len(got.results))
	}
	if p := peak.Load(); p != 4 {
		t.Errorf("the server saw at most %d requests at once, want exactly 4 (the bound, reached)", p)
	}
}

func TestRunBatchPacesStartsEvenly(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	const n, perMinute = 16, 3000 // one start every 20ms: 15 gaps, 300ms
	interval := time.Minute / perMinute
	turns := &turnLog{}
	start := time.Now()
	var got collect
	if err := c.RunBatch(turns.context(t.Context()), feed(n, nil), BatchOptions{Concurrency: 8, PerMinute: perMinute}, got.add); err != nil {
		t.Fatal(err)
	}
	if elapsed, ideal := time.Since(start), (n-1)*interval; elapsed < ideal-5*time.Millisecond {
		t.Errorf("%d tasks at %d/min took %s, less than the %s the pace allows", n, perMinute, elapsed, ideal)
	}
	// The limiter's schedule, not the arrival gaps (which a busy machine squeezes and
	// stretches): n turns, each at least an interval after the one before, and no request
	// arrived before its turn.
	mu.Lock()
	defer mu.Unlock()
	turns.check(t, n, interval, arrivals)
}

// turnLog records the turns the pacing limiter hands out.
type turnLog struct {
	mu    sync.Mutex
	turns []time.Time
}

func (l *turnLog) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, turnRecorderKey{}, func(at time.Time) {
		l.mu.Lock()
		l.turns = append(l.turns, at)
		l.mu.Unlock()
	})
}

// check asserts want turns spaced at least interval apart (less a millisecond of the
// limiter's float arithmetic), and that the i-th arrival came no earlier than the i-th turn.
func (l *turnLog) check(t *testing.T, want int, interval time.Duration, arrivals []time.Time) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	turns := slices.Clone(l.turns)
	slices.SortFunc(turns, func(a, b time.Time) int { return a.Compare(b) })
	if len(turns) != want {
		t.Fatalf("%d paced turns, want %d", len(turns), want)
	}
	for i := 1; i < len(turns); i++ {
		if gap := turns[i].Sub(turns[i-1]); gap < interval-time.Millisecond {
			t.Errorf("turns %d and %d are %s apart, want at least %s", i-1, i, gap, interval)
		}
	}
	arr := slices.Clone(arrivals)
	slices.SortFunc(arr, func(a, b time.Time) int { return a.Compare(b) })
	if len(arr) != len(turns) {
		t.Fatalf("%d arrivals for %d turns", len(arr), len(turns))
	}
	for i := range arr {
		if arr[i].Before(turns[i]) {
			t.Errorf("request %d arrived %s before its turn", i, turns[i].Sub(arr[i]))
		}
	}
}

// TestRunBatchCancelLetsStartedRequestsFinish: after ctx is done no task starts, the requests
// in flight finish (their context is not cancelled) and are reported, and RunBatch says why it
// stopped.
func TestRunBatchCancelLetsStartedRequestsFinish(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 100)
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got collect
	done := make(chan error, 1)
	go func() { done <- c.RunBatch(ctx, feed(10, nil), BatchOptions{Concurrency: 3}, got.add) }()
	for range 3 {
		<-arrived
	}
	cancel()
	time.Sleep(20 * time.Millisecond) // let RunBatch see the cancellation before any slot frees
	close(release)
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunBatch returned %v, want context.Canceled", err)
	}
	if len(got.results) != 3 {
		t.Fatalf("%d results, want the 3 in flight", len(got.results))
	}
	for _, r := range got.results {
		if r.Err != nil || r.Jobs == nil {
			t.Errorf("task %d in flight at the cancel: %v; want it finished", r.Task.ID, r.Err)
		}
	}
	if n := srv.count("POST", "/jobs/connectorTask"); n != 3 {
		t.Errorf("server saw %d POSTs, want 3: nothing may start after the cancel", n)
	}
}

// TestRunBatchPaceUntilDeadline: a pace that would pass ctx's deadline waits for it and reports
// the deadline; it does not end early as if the tasks had run dry.
func TestRunBatchPaceUntilDeadline(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeCreated(w) })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	ctx, cancel := context.WithTimeout(t.Context(), 80*time.Millisecond)
	defer cancel()
	var got collect
	start := time.Now()
	err := c.RunBatch(ctx, feed(3, nil), BatchOptions{Concurrency: 2, PerMinute: 60}, got.add)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RunBatch returned %v after %s, want context.DeadlineExceeded", err, time.Since(start))
	}
	if len(got.results) != 1 || srv.count("POST", "/jobs/connectorTask") != 1 {
		t.Errorf("%d results, %d POSTs; want 1 and 1", len(got.results), srv.count("POST", "/jobs/connectorTask"))
	}
}

func TestRunBatchZeroOptionsRunsOneAtATime(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		n := inFlight.Add(1)
		if n > peak.Load() {
			peak.Store(n)
		}
		time.Sleep(2 * time.Millisecond)
		inFlight.Add(-1)
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	var got collect
	if err := c.RunBatch(t.Context(), feed(5, nil), BatchOptions{}, got.add); err != nil {
		t.Fatal(err)
	}
	if len(got.results) != 5 || peak.Load() != 1 {
		t.Errorf("%d results, peak %d in flight; want 5 and 1", len(got.results), peak.Load())
	}
	// Tasks start in the order received; with one at a time they also finish in that order.
	if ids := got.ids(); !slices.Equal(ids, []int{1, 2, 3, 4, 5}) {
		t.Errorf("ids %v", ids)
	}
	for i, r := range got.results {
		if r.Task.ID != i+1 {
			t.Errorf("result %d is task %d", i, r.Task.ID)
		}
	}
}

// TestBatchResultOutcome: Created, Failed only when no job can exist, Unknown otherwise.
func TestBatchResultOutcome(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case strings.Contains(r.URL.Path, "/projects/P400/"):
			writeError(w, http.StatusBadRequest, "NOT_UNIQUE_TARGET_LANG", "Target languages must be unique.")
		case strings.Contains(r.URL.Path, "/projects/P502/"):
			w.WriteHeader(http.StatusBadGateway)
		case strings.Contains(r.URL.Path, "/projects/Pgarbled/"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"jobs": [`))
		case strings.Contains(r.URL.Path, "/projects/Preset/"):
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		default:
			writeCreated(w)
		}
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	// A port nobody listens on: the dial fails, nothing is sent.
	closed := newWire(t, func(http.ResponseWriter, *http.Request, int) {})
	closedBase := closed.base()
	closed.Close()
	cd, _ := newTestClient(t, closedBase, WithAPIToken("tok"), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))

	tasks := map[string]struct {
		c    *Client
		body api.JobCreateRequestDto
		want Outcome
	}{
		"Pok":      {c, validBody(), Created},
		"P400":     {c, validBody(), Failed},
		"Pinvalid": {c, api.JobCreateRequestDto{}, Failed},
		"Pdial":    {cd, validBody(), Failed},
		"P502":     {c, validBody(), Unknown},
		"Pgarbled": {c, validBody(), Unknown},
		"Preset":   {c, validBody(), Unknown},
	}
	for project, tc := range tasks {
		ch := make(chan BatchTask, 1)
		ch <- BatchTask{ID: 1, ProjectUID: project, Body: tc.body}
		close(ch)
		var got collect
		if err := tc.c.RunBatch(t.Context(), ch, BatchOptions{}, got.add); err != nil {
			t.Fatal(err)
		}
		if len(got.results) != 1 {
			t.Fatalf("%s: %d results", project, len(got.results))
		}
		if o := got.results[0].Outcome(); o != tc.want {
			t.Errorf("%s: Outcome %q, want %q (err: %v)", project, o, tc.want, got.results[0].Err)
		}
	}
	if o := (BatchResult{Err: context.Canceled}).Outcome(); o != Failed {
		t.Errorf("a bare context.Canceled: %q, want failed", o)
	}
}

// TestRunBatchPacesRetriesToo: a retry (here of a 429) takes a turn of the batch's pace like a
// first send, so it does not land on top of the paced stream and provoke more 429s.
func TestRunBatchPacesRetriesToo(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			writeError(w, http.StatusTooManyRequests, "ApiLimitReached", "Too many requests.")
			return
		}
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	const n, perMinute = 4, 1200 // one turn every 50ms
	interval := time.Minute / perMinute
	var got collect
	turns := &turnLog{}
	if err := c.RunBatch(turns.context(t.Context()), feed(n, nil), BatchOptions{Concurrency: n, PerMinute: perMinute}, got.add); err != nil {
		t.Fatal(err)
	}
	for _, r := range got.results {
		if r.Err != nil {
			t.Fatalf("task %d: %v", r.Task.ID, r.Err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != n+1 {
		t.Fatalf("server saw %d requests, want %d (one retry)", len(arrivals), n+1)
	}
	// The retry took a turn of the batch's limiter like the first sends: n+1 turns, spaced.
	turns.check(t, n+1, interval, arrivals)
}

// TestRunBatchBeforeSendJournalsAheadAndStops: BeforeSend sees each task before the server sees
// its request, in start order; when it fails, that task is not sent and the batch stops.
func TestRunBatchBeforeSendJournalsAheadAndStops(t *testing.T) {
	var mu sync.Mutex
	var journal []int
	var seenBeforeJournal atomic.Int32
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		id, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(r.URL.Path, "/")[5], "P"))
		mu.Lock()
		if !slices.Contains(journal, id) {
			seenBeforeJournal.Add(1)
		}
		mu.Unlock()
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	stop := errors.New("journal: disk full")
	var got collect
	err := c.RunBatch(t.Context(), feed(8, nil), BatchOptions{Concurrency: 3, BeforeSend: func(task BatchTask) error {
		if task.ID == 6 {
			return stop
		}
		mu.Lock()
		journal = append(journal, task.ID)
		mu.Unlock()
		return nil
	}}, got.add)
	if !errors.Is(err, stop) {
		t.Fatalf("RunBatch = %v, want the BeforeSend error", err)
	}
	if n := seenBeforeJournal.Load(); n != 0 {
		t.Errorf("%d requests reached the server before BeforeSend saw their task", n)
	}
	if !slices.Equal(journal, []int{1, 2, 3, 4, 5}) {
		t.Errorf("journal %v, want 1..5 in order", journal)
	}
	if ids := got.ids(); !slices.Equal(ids, []int{1, 2, 3, 4, 5}) {
		t.Errorf("reported %v, want 1..5 (6 not sent, 7 and 8 not taken)", ids)
	}
	if n := srv.count("POST", "/jobs/connectorTask"); n != 5 {
		t.Errorf("server saw %d POSTs, want 5", n)
	}
}

// TestRunBatchResultCarriesTheAnswerAsSent: Body is the 201 exactly as the server sent it.
func TestRunBatchResultCarriesTheAnswerAsSent(t *testing.T) {
	const created = `{"jobs":[{"uid":"J","dateCreated":"2026-11-28T17:03:12+0000","innerId":"1"}]}`
	srv := newWire(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(created))
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("tok"))
	var got collect
	if err := c.RunBatch(t.Context(), feed(3, nil), BatchOptions{Concurrency: 3}, got.add); err != nil {
		t.Fatal(err)
	}
	for _, r := range got.results {
		if string(r.Body) != created || r.Jobs == nil {
			t.Errorf("task %d: Body %s", r.Task.ID, r.Body)
		}
	}
}
