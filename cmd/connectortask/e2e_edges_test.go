package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// Issue 14, "the CLI after a day of real use": each point through the built binary.

func wantAll(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, text)
		}
	}
}

func wantNone(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(text, s) {
			t.Errorf("%s has %q:\n%s", what, s, text)
		}
	}
}

func TestE2EEveryProblemAtOnceFlagsIncluded(t *testing.T) {
	srv := fake(t)
	r := runBin(t, tokenEnv(srv), "", "--timeout", "0s", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID,
		"--path", strings.Repeat("p", 300), "--due", "tomorrow", "--callback-url", "ftp://x",
		"--target-lang", "de fr,it", "--wait", "--wait-timeout", "5x", "--progress", "sometimes", "--continuous=maybe")
	wantCode(t, r, exitUsage)
	if r.stdout != "" {
		t.Errorf("stdout should be empty\n%s", r)
	}
	wantAll(t, "stderr", r.stderr, "(8 problems); nothing was sent",
		`--continuous: "maybe" is not true or false`,
		`--timeout: 0s is not a positive duration`,
		`--wait-timeout: "5x" is not a duration`,
		`--progress: "sometimes"`,
		`--due: "tomorrow" is not a due date`,
		"/callbackUrl: not an absolute http(s) URL",
		"/path: longer than 255 characters",
		`/targetLangs/0: "de fr" is not a language code`)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake received %d requests, want none", n)
	}

	// The issue's own example, and a missing --project-uid and target language together.
	r = runBin(t, tokenEnv(srv), "", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de",
		"--path", strings.Repeat("p", 300), "--due", "tomorrow", "--callback-url", "ftp://x")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, "(3 problems)", "--due:", "/callbackUrl:", "/path:")
	r = runBin(t, tokenEnv(srv), "", "create", "--due", "+3x")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, "(3 problems)", "--project-uid: required flag not set", "--target-lang: no target language", "--due:")
	wantNone(t, "stderr", r.stderr, "null is not allowed")

	// A --dry-run that does not parse must not turn into a real run, in batch mode too.
	r = runBin(t, tokenEnv(srv), "", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--dry-run=yes please")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, `--dry-run: "yes please" is not true or false`)
	r = runBin(t, tokenEnv(srv), "", "--timeout", "1x", "create", "--batch", tasksFile(t, numbered(2)...), "--project-uid", srv.ProjectUID,
		"--target-lang", "de", "--dry-run=maybe")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, "(2 problems)", `--dry-run: "maybe"`, `--timeout: "1x"`)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake received %d requests, want none", n)
	}
}

func TestE2EDueNowIsRefused(t *testing.T) {
	srv := fake(t)
	for _, due := range []string{"+0d", "+0s", "+0h"} {
		r := runBin(t, tokenEnv(srv), "", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--due", due)
		wantCode(t, r, exitUsage)
		wantAll(t, "stderr", r.stderr, "/due: due ", "is now, not in the future", "give a date in the future")
		if r.stdout != "" {
			t.Errorf("stdout should be empty\n%s", r)
		}
	}
	r := runBin(t, nil, "", "create", "--dry-run", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--due", "+0d")
	wantCode(t, r, exitUsage)
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("the fake received %d requests, want none", n)
	}
	r = runBin(t, tokenEnv(srv), "", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--due", "+1h")
	wantCode(t, r, exitOK)
	if posts(srv) != 1 {
		t.Errorf("want 1 POST, got %d", posts(srv))
	}
}

func TestE2ELanguageCodes(t *testing.T) {
	dir := t.TempDir()
	body := filepath.Join(dir, "body.json")
	_ = os.WriteFile(body, []byte(`{"targetLangs":["de fr","x/y","😀","pt_br","zh_hant_tw","sr-Latn"],
		"assignments":[{"targetLang":"a b"},{"targetLang":"pt_br"}]}`), 0o600)
	r := runBin(t, nil, "", "validate", body)
	wantCode(t, r, exitUsage)
	var rep struct {
		Valid    bool
		Problems []struct{ Path, Message, Fix string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	got := map[string]bool{}
	for _, p := range rep.Problems {
		if strings.Contains(p.Message, "not a language code") {
			got[p.Path] = true
			if p.Fix == "" {
				t.Errorf("%s: no fix", p.Path)
			}
		}
	}
	for _, path := range []string{"/targetLangs/0", "/targetLangs/1", "/targetLangs/2", "/assignments/0/targetLang"} {
		if !got[path] {
			t.Errorf("no language-code problem at %s\n%s", path, r)
		}
	}
	for _, path := range []string{"/targetLangs/3", "/targetLangs/4", "/targetLangs/5", "/assignments/1/targetLang"} {
		if got[path] {
			t.Errorf("a plausible code was refused at %s\n%s", path, r)
		}
	}
	wantAll(t, "stderr", r.stderr, `/targetLangs/0: "de fr" is not a language code: it contains whitespace (give one language per entry, e.g. "de", "fr")`)

	// The same rule before sending, flags or --data: nothing reaches the fake.
	srv := fake(t)
	r = runBin(t, tokenEnv(srv), "", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,x/y")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, `/targetLangs/1: "x/y" is not a language code: it contains a slash`)
	r = runBin(t, tokenEnv(srv), `{"targetLangs":["de\tfr"]}`, "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", "-")
	wantCode(t, r, exitUsage)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake received %d requests, want none", n)
	}
}

func TestE2EDuplicateKeys(t *testing.T) {
	dup := "{\"targetLangs\": [\"de\"],\n \"due\": \"2099-01-01T00:00:00Z\",\n \"targetLangs\": [\"fr\"]}"
	r := runBin(t, nil, dup, "validate", "-")
	wantCode(t, r, exitUsage)
	wantAll(t, "stdout", r.stdout, `"path": "/targetLangs"`, "appears twice")
	wantAll(t, "stderr", r.stderr, `/targetLangs: key "targetLangs" appears twice in one object (lines 1 and 3)`)

	srv := fake(t)
	r = runBin(t, tokenEnv(srv), dup, "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", "-")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, "nothing was sent", `key "targetLangs" appears twice`)
	r = runBin(t, nil, dup, "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--data", "-", "--dry-run")
	wantCode(t, r, exitUsage)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake received %d requests, want none", n)
	}
	r = runBin(t, nil, `{"targetLangs":["de"],"due":"2099-01-01T00:00:00Z"}`, "validate", "-")
	wantCode(t, r, exitOK)
}

func TestE2EMessagesSpeakCLI(t *testing.T) {
	srv := fake(t)
	r := runBin(t, map[string]string{envToken: srv.Token}, "", "--base-url", "https://jane:Xq9-secret@phrase.example.com/web",
		"create", "--download-task-id", "DL", "--project-uid", "P", "--target-lang", "de")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, "--base-url carries a user name or password", envToken, envUsername, envPassword, "--token-file")
	wantNone(t, "stderr", r.stderr, "wrapper:", "WithCredentials", "WithAPIToken", "Xq9-secret")

	r = runBin(t, map[string]string{envURL: srv.URL, envToken: "Zq7\nWv3"}, "", "async", "get", "1")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, envToken+" holds a control character")
	wantNone(t, "stderr", r.stderr, "wrapper:", "WithAPIToken", "Zq7", "Wv3")

	r = runBin(t, map[string]string{envURL: "ftp://phrase.example.com/web", envToken: "t"}, "", "async", "get", "1")
	wantCode(t, r, exitUsage)
	wantAll(t, "stderr", r.stderr, envURL+` "ftp://phrase.example.com/web": want an absolute https:// URL`)
	wantNone(t, "stderr", r.stderr, "wrapper:", "base URL")
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake received %d requests, want none", n)
	}

	// mock on a busy port: another --addr, not --timeout.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r = runBin(t, nil, "", "mock", "--addr", l.Addr().String())
	wantCode(t, r, exitAPI)
	wantAll(t, "stderr", r.stderr, l.Addr().String()+" is already in use", "give another --addr", "--addr 127.0.0.1:0")
	wantNone(t, "stderr", r.stderr, "--timeout", "--base-url")
	if r.stdout != "" {
		t.Errorf("no URL may be printed for a mock that is not serving\n%s", r)
	}
}

func TestE2EVersionFlagAndCompletion(t *testing.T) {
	r := runBin(t, nil, "", "--version")
	wantCode(t, r, exitOK)
	if !regexp.MustCompile(`^connectortask version \S+, commit \S+( \(modified\))?, go1\.\d+`).MatchString(r.stdout) || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("--version: want one line\n%s", r)
	}
	r = runBin(t, nil, "", "--help")
	wantAll(t, "--help", r.stdout, "--version")

	r = runBin(t, nil, "", "completion", "tcsh")
	wantCode(t, r, exitUsage)
	if r.stdout != "" {
		t.Errorf("stdout should be empty (no help page)\n%s", r)
	}
	wantAll(t, "stderr", r.stderr, `completion "tcsh": no completion script for this shell`, "bash, zsh, fish, powershell")
	for _, sh := range completionShells {
		r = runBin(t, nil, "", "completion", sh)
		wantCode(t, r, exitOK)
		wantAll(t, "completion "+sh, r.stdout, "connectortask")
	}
}

// mockFaultFlags are the mock's fault flags; its help must show an example of each.
var mockFaultFlags = []string{"--rate-limited", "--retry-after", "--rate-limit", "--rate-window", "--unavailable",
	"--lost-responses", "--lost-requests", "--latency", "--token-ttl", "--token-expires-after-calls", "--unknown-enums",
	"--async-pending-polls", "--async-failure", "--async-never-finishes", "--seed"}

func TestE2EMockHelpDocumentsEveryFault(t *testing.T) {
	r := runBin(t, nil, "", "mock", "--help")
	wantCode(t, r, exitOK)
	_, examples, ok := strings.Cut(r.stdout, "Examples:")
	if !ok {
		t.Fatalf("no examples\n%s", r.stdout)
	}
	examples, _, _ = strings.Cut(examples, "Flags:")
	for _, f := range mockFaultFlags {
		if !regexp.MustCompile(`connectortask mock .*` + regexp.QuoteMeta(f) + `\b`).MatchString(examples) {
			t.Errorf("mock --help has no example of %s", f)
		}
	}
	wantAll(t, "mock --help", r.stdout, "The first line on stdout is its API root URL")
}

func TestE2EMockURLLineAndFaults(t *testing.T) {
	project := phrasetest.DefaultProjectUID
	create := []string{"create", "--download-task-id", "DL", "--project-uid", project, "--target-lang", "de"}
	tokenAt := func(root string) map[string]string {
		return map[string]string{envURL: root, envToken: phrasetest.DefaultToken}
	}

	t.Run("429 with Retry-After, then created", func(t *testing.T) {
		m, root := startMock(t, "--rate-limited", "2", "--retry-after", "0")
		if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/web$`).MatchString(root) {
			t.Fatalf("first stdout line %q is not the root URL", root)
		}
		r := runBin(t, tokenAt(root), "", append([]string{"-v"}, create...)...)
		wantCode(t, r, exitOK)
		if n := strings.Count(r.stderr, "status=429"); n != 2 {
			t.Errorf("want 2 answers 429 in the -v log, got %d\n%s", n, r.stderr)
		}
		wantAll(t, "-v log", r.stderr, "status=201")
		stopped := m.signal(syscall.SIGINT)
		wantCode(t, stopped, exitOK)
		if stopped.stdout != root+"\n" {
			t.Errorf("the mock's stdout should be its URL alone, got %q", stopped.stdout)
		}
		wantAll(t, "mock stderr", stopped.stderr, "fault: the first 2 job-creating POSTs answer 429 (Retry-After: 0)")
	})
	t.Run("503 then created", func(t *testing.T) {
		_, root := startMock(t, "--unavailable", "1", "--retry-after", "0")
		r := runBin(t, tokenAt(root), "", append([]string{"-v"}, create...)...)
		wantCode(t, r, exitOK)
		wantAll(t, "-v log", r.stderr, "status=503", "status=201")
	})
	t.Run("lost answer is an unknown outcome", func(t *testing.T) {
		_, root := startMock(t, "--lost-responses", "1")
		r := runBin(t, tokenAt(root), "", create...)
		wantCode(t, r, exitUnknown)
		wantAll(t, "stderr", r.stderr, "unknown")
	})
	t.Run("expiring login tokens", func(t *testing.T) {
		_, root := startMock(t, "--token-expires-after-calls", "1", "--async-pending-polls", "0")
		env := map[string]string{envURL: root, envUsername: phrasetest.DefaultUsername, envPassword: phrasetest.DefaultPassword}
		r := runBin(t, env, "", append([]string{"-v"}, append(create, "--wait")...)...)
		wantCode(t, r, exitOK)
		if n := strings.Count(r.stderr, "/auth/login"); n < 2 {
			t.Errorf("want a second login, the -v log shows %d\n%s", n, r.stderr)
		}
	})
	t.Run("unknown enums and a failed async request", func(t *testing.T) {
		_, root := startMock(t, "--unknown-enums", "--async-failure", "ImportFailed:bad file", "--async-pending-polls", "0", "--seed", "7")
		r := runBin(t, tokenAt(root), "", append(create, "--wait")...)
		wantCode(t, r, exitAPI)
		wantAll(t, "stdout", r.stdout, phrasetest.UnknownJobStatus, "ImportFailed")
		wantAll(t, "stderr", r.stderr, "ImportFailed")
	})
	t.Run("latency, token TTL and a rate limit are announced", func(t *testing.T) {
		m, _ := startMock(t, "--latency", "10ms", "--token-ttl", "30s", "--rate-limit", "600", "--rate-window", "10s", "--async-never-finishes")
		stopped := m.signal(syscall.SIGTERM)
		wantCode(t, stopped, exitOK)
		wantAll(t, "mock stderr", stopped.stderr, "fault: every request waits 10ms", "fault: login tokens expire 30s after the login",
			"fault: more than 600 requests a minute answer 429", "sliding window of 10s", "fault: async requests never finish")
	})
	t.Run("bad fault flags, all at once", func(t *testing.T) {
		r := runBin(t, nil, "", "mock", "--addr", "127.0.0.1:0", "--rate-limited", "-1", "--latency", "0s", "--rate-window", "5s", "--async-failure", ":x")
		wantCode(t, r, exitUsage)
		wantAll(t, "stderr", r.stderr, "--rate-limited: -1 is negative", "--latency: 0s", "--rate-window: given without --rate-limit", "--async-failure: no errorCode")
		if r.stdout != "" {
			t.Errorf("stdout should be empty\n%s", r)
		}
	})
}

func TestE2EProgressForLogs(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncPendingPolls(1)) // one pause of ~2s between two polls
	wait := []string{"create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--wait", "--progress-interval", "100ms"}
	cases := []struct {
		name  string
		ci    string
		args  []string
		lines bool
	}{
		{"always", "", []string{"--progress", "always"}, true},
		{"auto in CI", "true", nil, true},
		{"auto outside CI", "", nil, false},
		{"never in CI", "true", []string{"--progress", "never"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := tokenEnv(srv)
			if tc.ci != "" {
				env["CI"] = tc.ci
			}
			r := runBin(t, env, "", append(wait, tc.args...)...)
			wantCode(t, r, exitOK)
			if decodeJobs(t, r).AsyncRequest.AsyncResponse == nil {
				t.Errorf("the wait should have finished\n%s", r)
			}
			n := strings.Count(r.stderr, "waiting for async request ")
			switch {
			case tc.lines && n < 2:
				t.Errorf("want plain progress lines at a steady interval, got %d\n%s", n, r)
			case !tc.lines && r.stderr != "":
				t.Errorf("want no progress\n%s", r)
			}
			wantNone(t, "stderr", r.stderr, "\r", "\x1b")
		})
	}
	t.Run("batch", func(t *testing.T) {
		file := tasksFile(t, numbered(3)...)
		r := runBin(t, tokenEnv(srv), "", "create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de",
			"--progress", "always", "--progress-interval", "50ms")
		wantCode(t, r, exitOK)
		wantAll(t, "stderr", r.stderr, "batch: 3/3 lines, 0 failed")
		wantNone(t, "stderr", r.stderr, "\r", "\x1b")
		r = runBin(t, tokenEnv(srv), "", "create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de")
		wantCode(t, r, exitOK)
		wantNone(t, "stderr", r.stderr, "batch: 3/3")
	})
}

func TestE2EAsyncGetWaitTimeoutSaysWhatItSaw(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncNeverFinishes(), phrasetest.WithLatency(50*time.Millisecond))
	id := createOne(t, srv)
	r := runBin(t, tokenEnv(srv), "", "async", "get", id, "--wait", "--wait-timeout", "1ms")
	wantCode(t, r, exitTimeout)
	if r.stdout != "" {
		t.Errorf("no state was seen: stdout should be empty\n%s", r)
	}
	wantAll(t, "stderr", r.stderr, "no state was seen", "raise --wait-timeout", "connectortask async get "+id)

	r = runBin(t, tokenEnv(srv), "", "async", "get", id, "--wait", "--wait-timeout", "400ms")
	wantCode(t, r, exitTimeout)
	var last struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &last); err != nil || last.ID != id {
		t.Errorf("want the last state seen on stdout (%v)\n%s", err, r)
	}
	wantNone(t, "stderr", r.stderr, "no state was seen")
}

func TestE2ECtrlCDuringWait(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncNeverFinishes())
	// start starts the binary and returns once it has polled (so its signal handler is set).
	start := func(args ...string) *proc {
		t.Helper()
		before := srv.CountRequests("GET", "")
		p := startBin(t, tokenEnv(srv), args...)
		deadline := time.Now().Add(20 * time.Second)
		for srv.CountRequests("GET", "") <= before {
			if time.Now().After(deadline) {
				t.Fatal("the wait never polled")
			}
			time.Sleep(5 * time.Millisecond)
		}
		return p
	}
	r := start("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait").signal(syscall.SIGINT)
	wantCode(t, r, 130)
	out := decodeJobs(t, r)
	if len(out.Jobs) != 2 || out.AsyncRequest == nil || out.AsyncRequest.Id == nil {
		t.Fatalf("the created jobs must be on stdout\n%s", r)
	}
	wantAll(t, "stderr", r.stderr, "interrupted", "while waiting for async request "+*out.AsyncRequest.Id,
		"the jobs were created and are on stdout", "connectortask async get "+*out.AsyncRequest.Id+" --wait")
	if posts(srv) != 1 {
		t.Errorf("want 1 POST, got %d", posts(srv))
	}

	// The table says the wait was interrupted, not "not awaited".
	r = start("-o", "table", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de", "--wait").signal(syscall.SIGINT)
	wantCode(t, r, 130)
	wantAll(t, "stdout", r.stdout, "wait interrupted")
	wantNone(t, "stdout", r.stdout, "not awaited")

	// async get --wait; SIGTERM is 128+15.
	r = start("async", "get", *out.AsyncRequest.Id, "--wait").signal(syscall.SIGTERM)
	wantCode(t, r, 143)
	wantAll(t, "stderr", r.stderr, "interrupted")
}

func TestE2EOfflineHelpHidesNetworkFlags(t *testing.T) {
	network := []string{"--base-url", "--region", "--token-file", "--timeout", "--verbose"}
	for _, cmd := range []string{"validate", "spec", "version"} {
		r := runBin(t, nil, "", cmd, "--help")
		wantCode(t, r, exitOK)
		wantNone(t, cmd+" --help", r.stdout, network...)
	}
	r := runBin(t, nil, "", "spec", "--help")
	wantNone(t, "spec --help", r.stdout, "--output")
	r = runBin(t, nil, "", "mock", "--help")
	wantNone(t, "mock --help", r.stdout, append(network, "--output")...)
	r = runBin(t, nil, "", "demo", "--help")
	wantNone(t, "demo --help", r.stdout, "--base-url", "--region", "--token-file")
	wantAll(t, "demo --help", r.stdout, "--verbose", "--timeout")
	// They still parse, for scripts that pass them everywhere.
	r = runBin(t, nil, `{"targetLangs":["de"]}`, "--base-url", "https://x.example.com/web", "validate", "-")
	wantCode(t, r, exitOK)
	// And commands that talk to Phrase still show them.
	for _, cmd := range [][]string{{"create"}, {"async", "get"}, {"login"}} {
		r := runBin(t, nil, "", append(cmd, "--help")...)
		wantAll(t, strings.Join(cmd, " ")+" --help", r.stdout, network...)
	}
	r = runBin(t, nil, "", "create", "--help")
	wantAll(t, "create --help", r.stdout, "--progress", "--progress-interval")
}
