package main

import (
	"strings"
	"testing"
)

// A project uid or async id that is a dot segment ("..", "."), holds a "/" or a control
// character is refused before anything is sent: URL resolution removes dot segments, so
// --project-uid .. posted to /api2/v1/jobs/connectorTask and listed /api2/v2/jobs.
func TestPathIDsThatLeaveTheirSegmentAreRefused(t *testing.T) {
	srv := fake(t)
	c := newCLI(t, tokenEnv(srv))
	for _, uid := range []string{"..", ".", "a/b", "P\x01"} {
		for _, args := range [][]string{
			{"create", "--project-uid", uid, "--target-lang", "de", "--download-task-id", "DL1"},
			{"create", "--project-uid", uid, "--target-lang", "de", "--download-task-id", "DL1", "--dry-run"},
			{"jobs", "list", "--project-uid", uid},
		} {
			r := c.run(args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, "projectUid") {
				t.Errorf("%q: want exit 2 naming projectUid\n%s", args, r)
			}
		}
	}
	for _, id := range []string{"..", "."} {
		r := c.run("async", "get", id)
		if r.code != exitUsage || !strings.Contains(r.stderr, "asyncRequestId") {
			t.Errorf("async get %q: want exit 2 naming asyncRequestId\n%s", id, r)
		}
	}
	// A batch line likewise: the line is invalid, nothing is sent for it.
	c.stdin = `{"projectUid": "..", "downloadTaskId": "a", "targetLangs": ["de"]}` + "\n"
	r := c.run("create", "--batch", "-")
	if res := results(t, r); r.code == exitOK || res[1].OK || !strings.Contains(r.stdout, "projectUid") {
		t.Errorf("batch line with projectUid \"..\": %+v\n%s", res, r)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("%d requests sent, want none: %+v", len(reqs), reqs)
	}
}
