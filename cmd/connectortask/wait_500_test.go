package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// TestAsyncGetWaitSurfacesA500: a server that always answers 500 is an error with its status
// (exit 1), not "has not finished" (exit 3).
func TestAsyncGetWaitSurfacesA500(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"errorCode":"InternalError","errorDescription":"broken"}`))
	}))
	t.Cleanup(srv.Close)
	c := newCLI(t, map[string]string{envURL: srv.URL + "/web", envToken: "tok-123"})
	// The default policy: its retries outlast the wait timeout, as they did when the 500 hid
	// behind "has not finished".
	c.clientOpts = []wrapper.Option{wrapper.WithRetryPolicy(wrapper.DefaultRetryPolicy())}
	r := c.run("async", "get", "900", "--wait", "--wait-timeout", "1500ms")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stderr, "500") || strings.Contains(r.stderr, "has not finished") {
		t.Errorf("stderr should name the 500, not a timeout\n%s", r)
	}
}
