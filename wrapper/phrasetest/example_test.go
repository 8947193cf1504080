package phrasetest_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// Create jobs with the generated client against the fake, follow the asynchronous request until
// it finishes, and check what the fake recorded.
func Example() {
	clock := func() time.Time { return time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC) }
	srv := phrasetest.NewServer(phrasetest.WithClock(clock), phrasetest.WithAsyncPendingPolls(1))
	defer srv.Close()

	ctx := context.Background()
	client, err := api.NewClientWithResponses(srv.URL, api.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "ApiToken "+srv.Token)
			return nil
		}))
	if err != nil {
		panic(err)
	}

	downloadTaskID := "5f8c2b1e9d4a7c3b"
	resp, err := client.CreateJobFromAsyncDownloadTaskWithResponse(ctx, srv.ProjectUID,
		&api.CreateJobFromAsyncDownloadTaskParams{DownloadTaskId: &downloadTaskID},
		api.JobCreateRequestDto{
			TargetLangs: []string{"de", "fr"},
			Due:         api.NewDateTimePtr(time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)),
		})
	if err != nil {
		panic(err)
	}
	fmt.Println("status:", resp.StatusCode())
	for _, job := range resp.JSON201.Jobs {
		fmt.Println("job:", *job.TargetLang, *job.Status, "due", job.DateDue)
	}

	id := *resp.JSON201.AsyncRequest.Id
	for polls := 1; ; polls++ {
		poll, err := client.GetAsyncRequestWithResponse(ctx, id)
		if err != nil {
			panic(err)
		}
		if ar := poll.JSON200.AsyncResponse; ar != nil {
			fmt.Println("finished after", polls, "polls; segments:", *ar.AcceptedSegmentsCount)
			break
		}
	}
	fmt.Println("jobs created:", len(srv.Jobs()))
	fmt.Println("job POSTs:", srv.CountRequests("POST", "/jobs/connectorTask"))
	fmt.Println("recorded Authorization:", srv.Requests()[0].Header.Get("Authorization"))
	// Output:
	// status: 201
	// job: de NEW due 2026-12-01T17:00:00Z
	// job: fr NEW due 2026-12-01T17:00:00Z
	// finished after 2 polls; segments: 84
	// jobs created: 2
	// job POSTs: 1
	// recorded Authorization: ApiToken [REDACTED]
}

// A proxy loses the answer of the first job POST after the jobs were created: a client that
// resends it blindly creates every job twice, which Jobs shows.
func ExampleWithLostResponse() {
	srv := phrasetest.NewServer(phrasetest.WithLostResponse(1))
	defer srv.Close()
	client, err := api.NewClientWithResponses(srv.URL, api.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "ApiToken "+srv.Token)
			return nil
		}))
	if err != nil {
		panic(err)
	}
	body := api.JobCreateRequestDto{TargetLangs: []string{"de"}}
	for range 2 {
		resp, err := client.CreateJobFromAsyncDownloadTaskWithResponse(context.Background(), srv.ProjectUID, nil, body)
		if err != nil {
			panic(err)
		}
		fmt.Println(resp.StatusCode(), resp.HTTPResponse.Header.Get("Content-Type"))
	}
	fmt.Println("jobs created:", len(srv.Jobs()))
	// Output:
	// 502 text/html
	// 201 application/json
	// jobs created: 2
}

// Rate limits answer 429 with Retry-After and create nothing.
func ExampleWithRateLimited() {
	srv := phrasetest.NewServer(phrasetest.WithRateLimited(1, "30"))
	defer srv.Close()
	client, err := api.NewClientWithResponses(srv.URL, api.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "ApiToken "+srv.Token)
			return nil
		}))
	if err != nil {
		panic(err)
	}
	resp, err := client.CreateJobFromAsyncDownloadTaskWithResponse(context.Background(), srv.ProjectUID, nil,
		api.JobCreateRequestDto{TargetLangs: []string{"de"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode(), *resp.JSON429.ErrorCode, "Retry-After:", *resp.Headers429.RetryAfter)
	fmt.Println("jobs created:", len(srv.Jobs()))
	// Output:
	// 429 ApiLimitReached Retry-After: 30
	// jobs created: 0
}
