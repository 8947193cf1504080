package wrapper_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// createN creates one job per call, for files f0, f1, ... in German.
func createN(t *testing.T, c *wrapper.Client, srv *phrasetest.Server, n int) {
	t.Helper()
	for i := range n {
		b := body("de")
		b.RemoteFile = &api.JobCreateRemoteFileDto{ConnectorToken: "ct", RemoteFileName: "f" + string(rune('0'+i))}
		if _, err := c.CreateJobs(context.Background(), srv.ProjectUID, "DL1", b); err != nil {
			t.Fatal(err)
		}
	}
}

func listQueries(srv *phrasetest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/jobs") {
			out = append(out, r.RawQuery)
		}
	}
	return out
}

func TestListJobsReadsEveryPageLazily(t *testing.T) {
	srv := phrasetest.NewServer()
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	createN(t, c, srv, 5)

	size := int32(2)
	var files []string
	for j, err := range c.ListJobs(context.Background(), srv.ProjectUID, &api.ListPartsV2Params{PageSize: &size, TargetLang: strPtr("de")}) {
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, *j.Filename)
	}
	if strings.Join(files, ",") != "f0,f1,f2,f3,f4" {
		t.Errorf("listed %v", files)
	}
	q := listQueries(srv)
	if len(q) != 3 || !strings.Contains(q[0], "pageNumber=0") || !strings.Contains(q[2], "pageNumber=2") || !strings.Contains(q[1], "targetLang=de") {
		t.Errorf("queries %q", q)
	}

	// A loop that stops early fetches no further page.
	for range c.ListJobs(context.Background(), srv.ProjectUID, &api.ListPartsV2Params{PageSize: &size}) {
		break
	}
	if n := len(listQueries(srv)); n != 4 {
		t.Errorf("after an early break: %d list calls, want 4", n)
	}
}

func TestListJobsRetriesAsAGetAndStopsOnErrors(t *testing.T) {
	srv := phrasetest.NewServer(phrasetest.WithUnavailable(2, "0"))
	defer srv.Close()
	c := newE2E(t, srv, wrapper.WithAPIToken(srv.Token))
	n := 0
	for _, err := range c.ListJobs(context.Background(), srv.ProjectUID, nil) {
		if err != nil {
			t.Fatalf("after two 503s: %v", err)
		}
		n++
	}
	if n != 0 || len(listQueries(srv)) != 3 {
		t.Errorf("jobs %d, list calls %d; want 0 jobs after 3 calls", n, len(listQueries(srv)))
	}

	var apiErr *wrapper.APIError
	errs := 0
	for _, err := range c.ListJobs(context.Background(), "NoSuchProject", nil) {
		errs++
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
			t.Errorf("unknown project: %v", err)
		}
	}
	if errs != 1 {
		t.Errorf("%d errors yielded, want 1", errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := len(listQueries(srv))
	for _, err := range c.ListJobs(ctx, srv.ProjectUID, nil) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	}
	if len(listQueries(srv)) != before {
		t.Error("a cancelled context still listed")
	}
}

func strPtr(s string) *string { return &s }
