package wrapper

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
)

// TestCreateJobsRefusesARequestWithoutAFile: neither a download task nor remoteFile is refused
// before sending, with or without validation; either one alone is sent, and the download task
// travels as the downloadTaskId query parameter.
func TestCreateJobsRefusesARequestWithoutAFile(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeCreated(w) })
	remote := validBody()
	remote.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: "conn", RemoteFileName: "a.docx"}
	for _, opts := range [][]Option{{WithAPIToken("t")}, {WithAPIToken("t"), WithoutValidation()}} {
		c, _ := newTestClient(t, srv.base(), opts...)
		for _, id := range []string{"", "  "} {
			_, err := c.CreateJobs(context.Background(), "P", id, validBody())
			var invalid *ValidationError
			if !errors.As(err, &invalid) || len(invalid.Problems) != 1 || invalid.Problems[0].Path != "downloadTaskId" {
				t.Errorf("download task %q, no remoteFile: err = %v, want a ValidationError naming downloadTaskId", id, err)
			}
			if _, err := c.PreviewCreateJobs(context.Background(), "P", id, validBody()); !errors.As(err, &invalid) {
				t.Errorf("preview without a file: err = %v", err)
			}
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Fatalf("%d requests sent for requests without a file", n)
	}

	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	if _, err := c.CreateJobs(context.Background(), "P", "", remote); err != nil {
		t.Fatalf("remoteFile alone: %v", err)
	}
	if _, err := c.CreateJobs(context.Background(), "P", "DL 7", validBody(), Continuous(true)); err != nil {
		t.Fatalf("download task alone: %v", err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[0].Query != "" || reqs[1].Query != "downloadTaskId=DL+7&continuous=true" {
		t.Errorf("queries = %q, %q; want none, then the task and continuous", reqs[0].Query, reqs[1].Query)
	}
}

// TestCreateJobsResultAccessors: the answer reads without nil checks, and carries the 201 as
// sent with its request id.
func TestCreateJobsResultAccessors(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("X-Request-Id", "req-1")
		writeCreated(w)
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"))
	out, err := c.CreateJobs(context.Background(), "P", "DL", validBody())
	if err != nil {
		t.Fatal(err)
	}
	if out.AsyncRequestID() == "" || len(out.JobUIDs()) != len(out.Jobs) || out.Response.RequestID != "req-1" ||
		out.Response.StatusCode != http.StatusCreated || len(out.Response.Body) == 0 {
		t.Errorf("result = %+v", out)
	}
	var none *CreateJobsResult
	if none.AsyncRequestID() != "" || none.JobUIDs() != nil || (&CreateJobsResult{}).AsyncRequestID() != "" {
		t.Error("accessors of an empty result are not empty")
	}
}
