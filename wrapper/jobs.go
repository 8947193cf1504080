package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// DefaultListPageSize is the page size ListJobs asks for unless params set one: Phrase's list
// calls commonly cap pages at 50 jobs.
const DefaultListPageSize = 50

// maxListPages bounds one ListJobs iteration, against a server whose pages never end.
const maxListPages = 100_000

// ListJobs lists the jobs of a project (GET /api2/v2/projects/{projectUID}/jobs) as an
// iterator over every page: lazily, a page is fetched only when the loop reaches it, so a loop
// that breaks early fetches no more. params filters on the server (Status, TargetLang,
// Filename, WorkflowLevel, ...); PageNumber is the first page to read (zero-based, default 0)
// and PageSize the page size (default DefaultListPageSize); Count is ignored. Each page is a
// GET, retried like every read (429, 503, other 5xx, network errors) under the RetryPolicy.
//
// The loop ends after the last page, or at the first error, which is yielded once with a zero
// job: a non-2xx answer is an *APIError, and the context's error ends the listing too. The
// order of the jobs is Phrase's, which is not documented; jobs created while the loop runs may
// be missed or seen twice, as with any paged list.
//
//	for job, err := range client.ListJobs(ctx, projectUID, &api.ListPartsV2Params{TargetLang: &lang}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(*job.Uid)
//	}
func (c *Client) ListJobs(ctx context.Context, projectUID string, params *api.ListPartsV2Params) iter.Seq2[api.JobPartReferenceV2, error] {
	return func(yield func(api.JobPartReferenceV2, error) bool) {
		_, _ = c.listJobs(ctx, projectUID, params, nil, yield)
	}
}

// pageClock is what one page's answer says of Phrase's clock: its Date header (whole seconds;
// zero when absent) and the client's clock just before the call and just after the answer.
type pageClock struct {
	date, sent, received time.Time
}

// listJobs runs the listing of ListJobs and returns how many pages it fetched, and whether the
// loop asked to stop.
// onPage, when set, learns the clock readings of each page before its jobs are yielded.
func (c *Client) listJobs(ctx context.Context, projectUID string, params *api.ListPartsV2Params, onPage func(pageClock), yield func(api.JobPartReferenceV2, error) bool) (pages int, stopped bool) {
	if p := pathIDProblem("projectUid", projectUID, "pass the uid of the project whose jobs to list"); p != nil {
		yield(api.JobPartReferenceV2{}, &ValidationError{Problems: []Problem{*p}})
		return 0, true
	}
	var p api.ListPartsV2Params
	if params != nil {
		p = *params
	}
	p.Count = nil
	size := int32(DefaultListPageSize)
	if p.PageSize != nil && *p.PageSize > 0 {
		size = *p.PageSize
	}
	page := int32(0)
	if p.PageNumber != nil && *p.PageNumber > 0 {
		page = *p.PageNumber
	}
	for ; pages < maxListPages; page++ {
		if err := ctx.Err(); err != nil {
			yield(api.JobPartReferenceV2{}, err)
			return pages, true
		}
		p.PageNumber, p.PageSize = &page, &size
		out, clock, err := c.listPage(ctx, projectUID, &p)
		pages++
		if err != nil {
			yield(api.JobPartReferenceV2{}, err)
			return pages, true
		}
		if onPage != nil {
			onPage(clock)
		}
		for _, j := range out.Content {
			if !yield(j, nil) {
				return pages, true
			}
		}
		// The last page: a short or empty one, or the last of totalPages.
		if len(out.Content) < int(size) || (out.TotalPages != nil && page+1 >= *out.TotalPages) {
			return pages, false
		}
	}
	yield(api.JobPartReferenceV2{}, fmt.Errorf("list jobs of project %s: more than %d pages; narrow the listing with filters", projectUID, maxListPages))
	return pages, true
}

// listPage reads one page of the list of jobs.
func (c *Client) listPage(ctx context.Context, projectUID string, p *api.ListPartsV2Params) (*api.PageDtoJobPartReferenceV2, pageClock, error) {
	clock := pageClock{sent: c.now()}
	resp, err := c.api.ListPartsV2(ctx, projectUID, p)
	if err != nil {
		return nil, clock, fmt.Errorf("list jobs of project %s: %w", projectUID, err)
	}
	clock.received = c.now()
	clock.date, _ = http.ParseTime(resp.Header.Get("Date"))
	data, apiErr := c.readResponse(resp)
	if apiErr != nil {
		return nil, clock, apiErr
	}
	var out api.PageDtoJobPartReferenceV2
	if err := checkPage(data); err != nil {
		return nil, clock, fmt.Errorf("list jobs of project %s, page %d: %w (a proxy's page, or an API that changed); nothing is concluded from it", projectUID, *p.PageNumber, err)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, clock, fmt.Errorf("list jobs of project %s, page %d: reading the answer: %w", projectUID, *p.PageNumber, err)
	}
	return &out, clock, nil
}
