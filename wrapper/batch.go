package wrapper

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/seed-a960d6a4/connectortask/api"
)

// BatchTask is one job-creating call of a batch: the arguments of CreateJobsFromDownloadTask,
// plus an ID of the caller's (an input line number, say) that comes back in its BatchResult.
type BatchTask struct {
	ID         int
	ProjectUID string
	Params     *api.CreateJobFromAsyncDownloadTaskParams
	Body       api.JobCreateRequestDto
}

// BatchResult is how one BatchTask ended: Jobs on success, Err (an *APIError,
// *UnknownOutcomeError, *ValidationError, …) otherwise.
type BatchResult struct {
	Task     BatchTask
	Jobs     *api.JobListDto
	Err      error
	Duration time.Duration
}

// BatchOptions bound a batch. The zero value runs one request at a time, unpaced.
type BatchOptions struct {
	// Concurrency is how many requests may be in flight at once (at least 1).
	Concurrency int
	// PerMinute is how many tasks may start per minute, spread evenly (no bursts); 0 means
	// unpaced. Phrase allows 6,000 requests per minute per user, logins and polls included.
	PerMinute int
}

// RunBatch creates jobs for every task received on tasks, until tasks is closed or ctx is done.
// At most opts.Concurrency requests are in flight and at most opts.PerMinute start per minute.
// Each task is validated first (as CreateJobsFromDownloadTask does); an invalid one is reported
// with its *ValidationError at once, without taking a slot or a turn of the pace.
// onResult is called once for every task that was started, from one goroutine at a time, in the
// order the tasks finish; one task's failure does not stop the others.
//
// Tasks start in the order they are received. When ctx is done, RunBatch takes no more tasks,
// but lets the requests already started finish and reports them: cancelling a job-creating POST
// in flight would only make its outcome unknown. Each such request is still bounded by the
// client's attempt timeout and retry policy. A task received but not yet started when ctx is
// done (waiting for a slot or for its turn in the pace) is dropped unreported: it was not sent.
// So every task reported was sent (or refused by validation), and every task sent is reported.
// RunBatch returns ctx.Err() when it stopped early, nil when tasks ran dry.
func (c *Client) RunBatch(ctx context.Context, tasks <-chan BatchTask, opts BatchOptions, onResult func(BatchResult)) error {
	concurrency := max(opts.Concurrency, 1)
	limiter := rate.NewLimiter(rate.Inf, 1)
	if opts.PerMinute > 0 {
		limiter = rate.NewLimiter(rate.Every(time.Minute/time.Duration(opts.PerMinute)), 1)
	}
	results := make(chan BatchResult, concurrency)
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		for r := range results {
			onResult(r)
		}
	}()

	slots := make(chan struct{}, concurrency)
	var inFlight sync.WaitGroup
	detached := context.WithoutCancel(ctx)
	for ctx.Err() == nil {
		var task BatchTask
		var ok bool
		select {
		case <-ctx.Done():
		case task, ok = <-tasks:
		}
		if !ok {
			break
		}
		// An invalid task is reported at once: it takes neither a slot nor a turn of the pace,
		// and validating here (the first time builds the schema) keeps that work out of the
		// paced sends.
		if _, err := c.prepareCreate(task.ProjectUID, task.Body); err != nil {
			results <- BatchResult{Task: task, Err: err}
			continue
		}
		if !acquire(ctx, slots) {
			break
		}
		if !pace(ctx, limiter) {
			<-slots
			break
		}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			defer func() { <-slots }()
			start := time.Now()
			jobs, err := c.CreateJobsFromDownloadTask(detached, task.ProjectUID, task.Params, task.Body)
			results <- BatchResult{Task: task, Jobs: jobs, Err: err, Duration: time.Since(start)}
		}()
	}
	inFlight.Wait()
	close(results)
	<-reported
	return ctx.Err()
}

// pace waits for the limiter's next start, or gives up when ctx is done first. It does not use
// Limiter.Wait, which fails at once, with ctx not yet done, when the wait would pass ctx's
// deadline: RunBatch would then stop early yet return nil, as if tasks had run dry.
func pace(ctx context.Context, limiter *rate.Limiter) bool {
	if ctx.Err() != nil {
		return false
	}
	r := limiter.Reserve()
	d := r.Delay()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		r.Cancel()
		return false
	}
}

// acquire takes a slot, or gives up when ctx is done first.
func acquire(ctx context.Context, slots chan struct{}) bool {
	select {
	case slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}
