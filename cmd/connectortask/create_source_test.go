package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateWithoutAFileExits2: create without --download-task-id and without remoteFile in
// the body is refused by the wrapper's rule before anything is sent (exit 2); with remoteFile
// and no download task it is sent.
func TestCreateWithoutAFileExits2(t *testing.T) {
	srv := fake(t)
	for _, args := range [][]string{
		{"create", "--project-uid", srv.ProjectUID, "--target-lang", "de"},
		{"create", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--download-task-id", " "},
		{"create", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--dry-run"},
	} {
		r := newCLI(t, tokenEnv(srv)).run(args...)
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, "downloadTaskId") || !strings.Contains(r.stderr, "nothing was sent") {
			t.Errorf("%v: stderr does not name the missing file:\n%s", args, r.stderr)
		}
	}
	if n := srv.CountRequests("POST", "/jobs/connectorTask"); n != 0 {
		t.Fatalf("%d job POSTs sent without a file", n)
	}

	file := filepath.Join(t.TempDir(), "body.json")
	body := `{"targetLangs":["de"],"remoteFile":{"connectorToken":"conn-secret","remoteFileName":"a.docx"}}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := newCLI(t, tokenEnv(srv)).run("create", "--project-uid", srv.ProjectUID, "--data", file)
	wantCode(t, r, exitOK)
	if n := srv.CountRequests("POST", "/jobs/connectorTask"); n != 1 {
		t.Errorf("%d job POSTs, want 1 for the remoteFile request", n)
	}
}
