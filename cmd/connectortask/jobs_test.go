package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// createFile creates jobs for langs from a remote file, through the CLI.
func createFile(t *testing.T, c *cli, srv *phrasetest.Server, file string, langs string) result {
	t.Helper()
	return c.run("create", "--project-uid", srv.ProjectUID, "--target-lang", langs,
		"--data", writeTemp(t, `{"remoteFile":{"connectorToken":"ct-secret","remoteFileName":"`+file+`"}}`))
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	name := t.TempDir() + "/body.json"
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestJobsListStreamsEveryPageAsJSONLines(t *testing.T) {
	srv := fake(t)
	c := newCLI(t, tokenEnv(srv))
	for i := range 26 { // 52 jobs: two pages of 50
		wantCode(t, createFile(t, c, srv, "f"+string(rune('a'+i))+".docx", "de,fr"), exitOK)
	}
	r := c.run("jobs", "list", "--project-uid", srv.ProjectUID)
	wantCode(t, r, exitOK)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 52 {
		t.Fatalf("%d lines, want 52\n%s", len(lines), r)
	}
	var job map[string]any
	if err := json.Unmarshal([]byte(lines[51]), &job); err != nil {
		t.Fatal(err)
	}
	// Phrase's answer as it sent it: its +0000 date-times.
	if job["filename"] != "fz.docx" || !strings.HasSuffix(job["dateCreated"].(string), "+0000") || job["innerId"] != "26" {
		t.Errorf("last job %v", job)
	}
	if n := srv.CountRequests("GET", "/api2/v2/projects/"+srv.ProjectUID+"/jobs"); n != 2 {
		t.Errorf("%d list calls, want 2", n)
	}

	r = c.run("jobs", "list", "--project-uid", srv.ProjectUID, "--filename", "fb.docx", "--target-lang", "fr", "--status", "NEW,ACCEPTED", "-o", "table")
	wantCode(t, r, exitOK)
	if rows := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(rows) != 2 || !strings.Contains(rows[1], "fb.docx") || !strings.Contains(rows[1], " fr ") {
		t.Errorf("table:\n%s", r)
	}
	q := srv.Requests()[len(srv.Requests())-1].RawQuery
	for _, want := range []string{"filename=fb.docx", "targetLang=fr", "status=NEW", "status=ACCEPTED"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}

	r = c.run("jobs", "list", "--project-uid", srv.ProjectUID, "--created-after", "+1h")
	wantCode(t, r, exitOK)
	if r.stdout != "" || !strings.Contains(r.stderr, "no job") {
		t.Errorf("created after an hour from now:\n%s", r)
	}
	r = c.run("jobs", "list", "--project-uid", srv.ProjectUID, "--created-after", "-1h", "--target-lang", "de")
	if wantCode(t, r, exitOK); strings.Count(r.stdout, "\n") != 26 {
		t.Errorf("created in the last hour:\n%s", r)
	}
}

func TestJobsListUsageAndErrors(t *testing.T) {
	srv := fake(t)
	c := newCLI(t, tokenEnv(srv))
	wantCode(t, c.run("jobs", "list"), exitUsage)
	wantCode(t, c.run("jobs", "list", "--project-uid", "P", "--created-after", "yesterday"), exitUsage)
	r := c.run("jobs", "list", "--project-uid", "NoSuchProject")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stderr, "404") {
		t.Errorf("stderr:\n%s", r)
	}
}
