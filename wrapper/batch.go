package wrapper

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/seed-a960d6a4/connectortask/api"
)

// BatchTask is one job-creating call of a batch: the arguments of CreateJobs, plus an ID of the
// caller's (an input line number, say) that comes back in its BatchResult.
type BatchTask struct {
	ID             int
	ProjectUID     string
	DownloadTaskID string // "" when Body.RemoteFile names the file
	Body           api.JobCreateRequestDto
	Options        []CreateOption
}

// BatchResult is how one BatchTask ended: Created on success, Err (an *APIError,
// *UnknownOutcomeError, *ValidationError, …) otherwise.
type BatchResult struct {
	Task     BatchTask
	Created  *CreateJobsResult // Phrase's 201, decoded, with the Response as sent
	Err      error
	Duration time.Duration
}

// Outcome is what became of a job-creating request, as far as the client can know.
type Outcome string

const (
	// OutcomeCreated means Phrase created the jobs (it answered 201); BatchResult.Created holds
	// its answer, unless that could not be read (Err is then a *CreatedUnreadableError).
	OutcomeCreated Outcome = "created"
	// OutcomeFailed means no job was created, for certain: the task was invalid (nothing was
	// sent), Phrase refused it (a 4xx, or 429/503 beyond the retry policy), or it never reached
	// Phrase (a failed dial or DNS lookup, a cancelled context before sending). Sending it again
	// after fixing the cause creates each job once.
	OutcomeFailed Outcome = "failed"
	// OutcomeUnknown means jobs may have been created (see UnknownOutcomeError). Do not send the
	// task again before looking at the project's jobs in Phrase: there is no idempotency key, so
	// a resend can create every job twice.
	OutcomeUnknown Outcome = "unknown"
)

// Outcome says whether the task's jobs were created, certainly not created, or perhaps
// created: OutcomeOf(r.Err).
func (r BatchResult) Outcome() Outcome { return OutcomeOf(r.Err) }

// BatchOptions bound a batch. The zero value runs one request at a time, unpaced.
type BatchOptions struct {
	// Concurrency is how many requests may be in flight at once (at least 1).
	Concurrency int
	// PerMinute is how many tasks may start per minute, spread evenly (no bursts); 0 means
	// unpaced. Phrase allows 6,000 requests per minute per user, logins and polls included.
	PerMinute int
	// BeforeSend, if set, is called for each task just before its request is sent, one task at
	// a time and in the order they start: the place to record a write-ahead journal, so that a
	// run killed hard can later tell which tasks may have reached Phrase. When it returns an
	// error the task is not sent and RunBatch stops as if ctx were done (requests already sent
	// finish and are reported) and returns that error.
	BeforeSend func(BatchTask) error
}

// RunBatch creates jobs for every task received on tasks, until tasks is closed or ctx is done.
// At most opts.Concurrency requests are in flight and at most opts.PerMinute start per minute.
// Each task is validated first (as CreateJobs does); an invalid one is reported
// with its *ValidationError at once, without taking a slot or a turn of the pace.
// onResult is called once for every task that was started or refused by validation, from one
// goroutine at a time, in the order the tasks finish; one task's failure does not stop the
// others. BatchResult.Outcome says whether a failed task may be sent again.
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

	var stopErr error // from BeforeSend
	slots := make(chan struct{}, concurrency)
	var inFlight sync.WaitGroup
	// Retries of a task take turns of the same pace as first sends (see retryPacer), so a
	// 429 answered at the limit is not followed by a retry on top of the paced stream.
	detached := withRetryPacer(context.WithoutCancel(ctx), limiter)
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
		if _, _, err := c.prepareCreate(task.ProjectUID, task.DownloadTaskID, task.Body); err != nil {
			results <- BatchResult{Task: task, Err: err}
			continue
		}
		if !acquire(ctx, slots) {
			break
		}
		if paceWith(ctx, limiter) != nil {
			<-slots
			break
		}
		if opts.BeforeSend != nil {
			if err := opts.BeforeSend(task); err != nil {
				<-slots
				stopErr = err
				break
			}
		}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			defer func() { <-slots }()
			start := time.Now()
			created, err := c.CreateJobs(detached, task.ProjectUID, task.DownloadTaskID, task.Body, task.Options...)
			results <- BatchResult{Task: task, Created: created, Err: err, Duration: time.Since(start)}
		}()
	}
	inFlight.Wait()
	close(results)
	<-reported
	if stopErr != nil {
		return stopErr
	}
	return ctx.Err()
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

// retryPacerKey carries RunBatch's limiter to the transport in a request's context.
type retryPacerKey struct{}

// withRetryPacer returns ctx carrying limiter, whose turns the transport takes before every
// retry of a request made with ctx.
func withRetryPacer(ctx context.Context, limiter *rate.Limiter) context.Context {
	return context.WithValue(ctx, retryPacerKey{}, limiter)
}

// retryPacer returns the limiter withRetryPacer put in ctx, or nil.
func retryPacer(ctx context.Context) *rate.Limiter {
	l, _ := ctx.Value(retryPacerKey{}).(*rate.Limiter)
	return l
}
