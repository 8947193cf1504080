package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestCreatePrintsJobListAndSendsFlags(t *testing.T) {
	srv := fake(t)
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID,
		"--target-lang", "de", "--target-lang", "fr, es", "--download-task-id", "7Bd1yR0", "--continuous",
		"--path", "docs/a.html", "--pre-translate", "--semantic-markup", "--use-project-file-import-settings",
		"--callback-url", "https://hooks.example.com/phrase?x=1&y=2")
	wantCode(t, r, exitOK)
	out := decodeJobs(t, r)
	if len(out.Jobs) != 3 {
		t.Fatalf("want 3 jobs, got %d\n%s", len(out.Jobs), r)
	}
	if out.AsyncRequest == nil || out.AsyncRequest.Id == nil {
		t.Fatalf("no asyncRequest in stdout\n%s", r)
	}
	if posts(srv) != 1 {
		t.Fatalf("want 1 POST, fake saw %d", posts(srv))
	}
	body := sentBody(t, srv)
	if got, _ := json.Marshal(body["targetLangs"]); string(got) != `["de","fr","es"]` {
		t.Errorf("targetLangs sent: %s", got)
	}
	for k, want := range map[string]any{"path": "docs/a.html", "preTranslate": true, "semanticMarkup": true,
		"useProjectFileImportSettings": true, "callbackUrl": "https://hooks.example.com/phrase?x=1&y=2"} {
		if body[k] != want {
			t.Errorf("%s sent: %v, want %v", k, body[k], want)
		}
	}
	for _, req := range srv.Requests() {
		if strings.HasSuffix(req.Path, "/jobs/connectorTask") {
			if !strings.Contains(req.RawQuery, "downloadTaskId=7Bd1yR0") || !strings.Contains(req.RawQuery, "continuous=true") {
				t.Errorf("query sent: %s", req.RawQuery)
			}
			if got := req.Header.Get("Authorization"); !strings.HasPrefix(got, "ApiToken ") {
				t.Errorf("Authorization sent: %q", got)
			}
		}
	}
}

func TestCreateTableOutput(t *testing.T) {
	srv := fake(t)
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "-o", "table", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr")
	wantCode(t, r, exitOK)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 4 {
		t.Fatalf("want a header, 2 jobs and the async line\n%s", r)
	}
	header := strings.Fields(lines[0])
	if strings.Join(header, " ") != "UID TARGET LANG STATUS FILENAME DUE" {
		t.Errorf("header %q", lines[0])
	}
	// Columns are aligned: the target language starts at the same offset on every job line.
	col := strings.Index(lines[0], "TARGET LANG")
	for i, lang := range []string{"de", "fr"} {
		if got := lines[1+i][col : col+2]; got != lang {
			t.Errorf("line %d: %q at the TARGET LANG column, want %q\n%s", i+1, got, lang, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "async request ") {
		t.Errorf("no async request line\n%s", r)
	}
}

func TestCreateDataWithFlagOverrides(t *testing.T) {
	srv := fake(t)
	data := `{"targetLangs":["it"],"path":"from/data.html","preTranslate":true,"semanticMarkup":true}`

	c := newCLI(t, tokenEnv(srv))
	c.stdin = data
	r := c.run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", "-", "--target-lang", "de", "--pre-translate=false")
	wantCode(t, r, exitOK)
	body := sentBody(t, srv)
	if got, _ := json.Marshal(body["targetLangs"]); string(got) != `["de"]` {
		t.Errorf("targetLangs: %s (the flag must override --data)", got)
	}
	if body["preTranslate"] != false {
		t.Errorf("preTranslate: %v (an explicit --pre-translate=false must override --data)", body["preTranslate"])
	}
	if body["path"] != "from/data.html" || body["semanticMarkup"] != true {
		t.Errorf("fields of --data not given as flags must be kept: %v", body)
	}

	// From a file, with no flag beside it.
	file := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", file)
	wantCode(t, r, exitOK)
	if got, _ := json.Marshal(sentBody(t, srv)["targetLangs"]); string(got) != `["it"]` {
		t.Errorf("targetLangs from the file: %s", got)
	}
}

func TestCreateDueIsSentAsUTCSeconds(t *testing.T) {
	srv := fake(t)
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--due", "2099-12-01T18:00:00.75+01:00")
	wantCode(t, r, exitOK)
	if got := sentBody(t, srv)["due"]; got != "2099-12-01T17:00:00Z" {
		t.Errorf("due sent: %v", got)
	}

	before := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second)
	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--due", "+3d")
	wantCode(t, r, exitOK)
	due, _ := sentBody(t, srv)["due"].(string)
	parsed, err := time.Parse("2006-01-02T15:04:05Z", due)
	if err != nil {
		t.Fatalf("due sent %q: %v", due, err)
	}
	if parsed.Before(before) || parsed.After(before.Add(time.Minute)) {
		t.Errorf("due +3d sent as %s, want about %s", due, before)
	}
}

func TestCreateUsageAndValidationErrorsSendNothing(t *testing.T) {
	srv := fake(t)
	cases := map[string][]string{
		"duplicate language":   {"--target-lang", "de,de"},
		"no target language":   {},
		"bad due":              {"--target-lang", "de", "--due", "next tuesday"},
		"due in the past":      {"--target-lang", "de", "--due", "2001-01-01T00:00:00Z"},
		"two import settings":  {"--target-lang", "de", "--use-project-file-import-settings", "--import-settings-uid", "X"},
		"relative callbackUrl": {"--target-lang", "de", "--callback-url", "/hook"},
		"unknown flag":         {"--target-lang", "de", "--bogus"},
		"positional argument":  {"--target-lang", "de", "extra"},
		"missing --data file":  {"--data", filepath.Join(t.TempDir(), "missing.json")},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := newCLI(t, tokenEnv(srv)).run(append([]string{"create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID}, args...)...)
			wantCode(t, r, exitUsage)
			if r.stdout != "" {
				t.Errorf("stdout should be empty\n%s", r)
			}
			if lines := strings.Count(strings.TrimSpace(r.stderr), "\n") + 1; r.stderr == "" || lines > 4 {
				t.Errorf("want a short error on stderr\n%s", r)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("usage and validation errors must send nothing; the fake saw %d requests", n)
	}

	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,de")
	if !strings.Contains(r.stderr, "/targetLangs") {
		t.Errorf("the validation error should name the JSON path\n%s", r)
	}
	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--target-lang", "de")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "project-uid") {
		t.Errorf("a missing --project-uid should be named\n%s", r)
	}
}

func TestCreateBadDataIsReportedWithPaths(t *testing.T) {
	srv := fake(t)
	c := newCLI(t, tokenEnv(srv))
	c.stdin = `{"targetLangs": "de"}`
	r := c.run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", "-")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "targetLangs") {
		t.Errorf("want the offending field on stderr\n%s", r)
	}
	c.stdin = `not json`
	r = c.run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", "-", "--target-lang", "de")
	wantCode(t, r, exitUsage)
	if posts(srv) != 0 {
		t.Fatalf("sent %d POSTs", posts(srv))
	}
}

func TestCreateAPIErrorExits1WithStatusAndErrorCode(t *testing.T) {
	srv := fake(t)
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "xx")
	wantCode(t, r, exitAPI)
	for _, want := range []string{"400", phrasetest.CodeUnknownTargetLang} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q\n%s", want, r)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout should be empty\n%s", r)
	}

	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", "NoSuchProject", "--target-lang", "de")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stderr, "404") || !strings.Contains(r.stderr, phrasetest.CodeProjectNotFound) {
		t.Errorf("stderr should carry 404 and the errorCode\n%s", r)
	}

	env := tokenEnv(srv)
	env[envToken] = "wrong-token"
	r = newCLI(t, env).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stderr, "401") || !strings.Contains(r.stderr, phrasetest.CodeAuthUnauthorized) {
		t.Errorf("stderr should carry 401 and AuthUnauthorized\n%s", r)
	}
	if strings.Contains(r.stdout+r.stderr, "wrong-token") {
		t.Errorf("the token must not be printed\n%s", r)
	}
}

func TestCreateDryRunSendsNothing(t *testing.T) {
	srv := fake(t)
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--dry-run", "--project-uid", srv.ProjectUID,
		"--target-lang", "de,fr", "--download-task-id", "T1", "--due", "2099-01-02T03:04:05Z")
	wantCode(t, r, exitOK)
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("--dry-run sent %d requests", n)
	}
	var p struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
		Body    map[string]any    `json:"body"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("stdout: %v\n%s", err, r)
	}
	if p.Method != "POST" || p.URL != srv.URL+"/api2/v1/projects/"+srv.ProjectUID+"/jobs/connectorTask?downloadTaskId=T1" {
		t.Errorf("request line: %s %s", p.Method, p.URL)
	}
	if auth := p.Headers["Authorization"]; !strings.HasPrefix(auth, "ApiToken ") || strings.Contains(auth, srv.Token) {
		t.Errorf("Authorization %q: want the scheme with the credential redacted", auth)
	}
	if p.Body["due"] != "2099-01-02T03:04:05Z" {
		t.Errorf("body: %v", p.Body)
	}
	if strings.Contains(r.stdout+r.stderr, srv.Token) {
		t.Errorf("the token was printed\n%s", r)
	}

	// -o table prints it as an HTTP message; no credentials are needed.
	r = newCLI(t, map[string]string{envURL: srv.URL}).run("create", "--download-task-id", "DL", "--dry-run", "-o", "table", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitOK)
	if !strings.HasPrefix(r.stdout, "POST "+srv.URL+"/api2/v1/projects/") || !strings.Contains(r.stdout, `"targetLangs"`) {
		t.Errorf("want an HTTP message\n%s", r)
	}

	// An invalid request is refused with exit 2, still sending nothing.
	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--dry-run", "--project-uid", srv.ProjectUID, "--target-lang", "de,de")
	wantCode(t, r, exitUsage)
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("--dry-run sent %d requests", n)
	}
}

func TestCreateRetries429And503HonouringRetryAfter(t *testing.T) {
	srv := fake(t, phrasetest.WithRateLimited(1, "1"))
	start := time.Now()
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr")
	wantCode(t, r, exitOK)
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond {
		t.Errorf("the retry came after %s, before Retry-After: 1", elapsed)
	}
	if posts(srv) != 2 {
		t.Errorf("want 2 POSTs (429, then 201), fake saw %d", posts(srv))
	}
	if n := len(srv.Jobs()); n != 2 {
		t.Errorf("want 2 jobs, the fake holds %d", n)
	}

	srv = fake(t, phrasetest.WithUnavailable(2, "0"))
	r = newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitOK)
	if posts(srv) != 3 || len(srv.Jobs()) != 1 {
		t.Errorf("want 3 POSTs and 1 job, got %d and %d", posts(srv), len(srv.Jobs()))
	}
}

func TestCreateLostResponseIsNotResent(t *testing.T) {
	srv := fake(t, phrasetest.WithLostResponse(1))
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait")
	wantCode(t, r, exitUnknown) // jobs may exist: not a failure to retry
	if posts(srv) != 1 {
		t.Fatalf("the POST whose answer was lost must not be resent: the fake saw %d", posts(srv))
	}
	if len(srv.Jobs()) != 2 {
		t.Errorf("the fake created %d jobs", len(srv.Jobs()))
	}
	if !strings.Contains(strings.ToLower(r.stderr), "unknown") {
		t.Errorf("stderr should say the outcome is unknown\n%s", r)
	}
	if !strings.Contains(strings.ToLower(r.stderr), "list") {
		t.Errorf("stderr should say how to check (list the project's jobs)\n%s", r)
	}
}
