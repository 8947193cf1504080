package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	connectortask "github.com/seed-a960d6a4/connectortask"
	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	valid := filepath.Join(dir, "valid.json")
	invalid := filepath.Join(dir, "invalid.json")
	_ = os.WriteFile(valid, []byte(`{"targetLangs":["de","fr"],"due":"2099-12-01T17:00:00Z"}`), 0o600)
	_ = os.WriteFile(invalid, []byte(`{"targetLangs":["de","de"],"due":"2099-12-01T17:00:00Z",
		"workflowSettings":[{"assignments":[]}],"callbackUrl":"not-a-url"}`), 0o600)

	c := newCLI(t, nil)
	r := c.run("validate", valid)
	wantCode(t, r, exitOK)
	var rep struct {
		Valid    bool `json:"valid"`
		Problems []struct{ Path, Message, Fix string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || !rep.Valid || len(rep.Problems) != 0 {
		t.Fatalf("want a valid report (%v)\n%s", err, r)
	}

	r = c.run("validate", invalid)
	wantCode(t, r, exitUsage)
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Valid || len(rep.Problems) < 3 {
		t.Fatalf("want an invalid report with every problem (%v)\n%s", err, r)
	}
	for _, path := range []string{"/targetLangs/1", "/callbackUrl", "/due"} {
		if !strings.Contains(r.stdout, path) || !strings.Contains(r.stderr, path) {
			t.Errorf("%s should be reported on stdout and stderr\n%s", path, r)
		}
	}

	c.stdin = `{"targetLangs": 5}`
	r = c.run("validate", "-")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "/targetLangs") {
		t.Errorf("want the path of the wrong type\n%s", r)
	}
	c.stdin = `{"targetLangs": [`
	r = c.run("validate", "-")
	wantCode(t, r, exitUsage)

	c.stdin = ""
	r = c.run("-o", "table", "validate", invalid)
	wantCode(t, r, exitUsage)
	if !strings.HasPrefix(r.stdout, "PATH") {
		t.Errorf("want a table\n%s", r)
	}
	r = c.run("validate", filepath.Join(dir, "missing.json"))
	wantCode(t, r, exitUsage)
}

// createOne creates jobs through the CLI and returns the async request id.
func createOne(t *testing.T, srv *phrasetest.Server) string {
	t.Helper()
	r := newCLI(t, tokenEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitOK)
	out := decodeJobs(t, r)
	if out.AsyncRequest == nil || out.AsyncRequest.Id == nil {
		t.Fatalf("no async request\n%s", r)
	}
	return *out.AsyncRequest.Id
}

func TestAsyncGet(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncPendingPolls(3))
	id := createOne(t, srv)
	c := newCLI(t, tokenEnv(srv))

	r := c.run("async", "get", id)
	wantCode(t, r, exitOK)
	var dto api.AsyncRequestDto
	if err := json.Unmarshal([]byte(r.stdout), &dto); err != nil || dto.Id == nil || *dto.Id != id {
		t.Fatalf("want the AsyncRequestDto (%v)\n%s", err, r)
	}
	if dto.AsyncResponse != nil {
		t.Errorf("the first poll should be pending\n%s", r)
	}

	r = c.run("async", "get", id, "--wait")
	wantCode(t, r, exitOK)
	dto = api.AsyncRequestDto{}
	if err := json.Unmarshal([]byte(r.stdout), &dto); err != nil || dto.AsyncResponse == nil {
		t.Fatalf("want the finished AsyncRequestDto (%v)\n%s", err, r)
	}

	r = c.run("-o", "table", "async", "get", id)
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "finished") {
		t.Errorf("want a table row\n%s", r)
	}

	r = c.run("async", "get", "999")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stderr, "404") {
		t.Errorf("want the status\n%s", r)
	}
}

func TestAsyncGetWaitFailureAndTimeout(t *testing.T) {
	srv := fake(t, phrasetest.WithAsyncFailure("ImportFailed", "bad file"))
	id := createOne(t, srv)
	r := newCLI(t, tokenEnv(srv)).run("async", "get", id, "--wait")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stdout, "ImportFailed") || !strings.Contains(r.stderr, "ImportFailed") {
		t.Errorf("want the failed request on stdout and its errorCode on stderr\n%s", r)
	}

	srv = fake(t, phrasetest.WithAsyncNeverFinishes())
	id = createOne(t, srv)
	r = newCLI(t, tokenEnv(srv)).run("async", "get", id, "--wait", "--wait-timeout", "100ms")
	wantCode(t, r, exitTimeout)
}

func TestLogin(t *testing.T) {
	srv := fake(t)
	root, captured := captureTokens(t, srv)
	env := map[string]string{envURL: root, envUsername: srv.Username, envPassword: srv.Password}
	r := newCLI(t, env).run("login")
	wantCode(t, r, exitOK)
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if out["user"] == nil || out["expires"] == nil {
		t.Errorf("want user and expires\n%s", r)
	}
	if _, ok := out["token"]; ok {
		t.Errorf("the token must not be printed without --show-token\n%s", r)
	}
	for _, tok := range captured.list() {
		if strings.Contains(r.stdout+r.stderr, tok) {
			t.Errorf("the token was printed\n%s", r)
		}
	}

	r = newCLI(t, env).run("login", "--show-token")
	wantCode(t, r, exitOK)
	tokens := captured.list()
	if len(tokens) != 2 || !strings.Contains(r.stdout, `"token": "`+tokens[1]+`"`) {
		t.Errorf("--show-token should print the token\n%s", r)
	}

	r = newCLI(t, map[string]string{envURL: srv.URL, envUsername: srv.Username, envPassword: "Xq9-not-it"}).run("login")
	wantCode(t, r, exitAPI)
	if !strings.Contains(r.stderr, phrasetest.CodeAuthInvalidCredentials) || strings.Contains(r.stderr, "Xq9-not-it") {
		t.Errorf("want the errorCode, without the password\n%s", r)
	}

	r = newCLI(t, map[string]string{envURL: srv.URL, envToken: srv.Token}).run("login")
	wantCode(t, r, exitUsage)
}

func TestSpecPrintsOpenAPIByteForByte(t *testing.T) {
	r := newCLI(t, nil).run("spec")
	wantCode(t, r, exitOK)
	if !bytes.Equal([]byte(r.stdout), connectortask.OpenAPISpec) || len(r.stdout) == 0 {
		t.Fatalf("spec output differs from openapi.yaml (%d vs %d bytes)", len(r.stdout), len(connectortask.OpenAPISpec))
	}
	onDisk, err := os.ReadFile("../../openapi.yaml")
	if err == nil && !bytes.Equal(onDisk, connectortask.OpenAPISpec) {
		t.Errorf("the embedded spec differs from openapi.yaml on disk")
	}
}

func TestVersion(t *testing.T) {
	r := newCLI(t, nil).run("version")
	wantCode(t, r, exitOK)
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	for _, k := range []string{"module", "version", "commit", "goVersion"} {
		if s, _ := v[k].(string); s == "" {
			t.Errorf("%s is empty\n%s", k, r)
		}
	}
	if !strings.HasPrefix(v["goVersion"].(string), "go") {
		t.Errorf("goVersion %v", v["goVersion"])
	}
}

func TestDemoInProcess(t *testing.T) {
	for _, output := range []string{"json", "table"} {
		r := newCLI(t, nil).run("-o", output, "demo")
		wantCode(t, r, exitOK)
		if output == "json" {
			out := decodeJobs(t, r)
			if len(out.Jobs) != 2 || out.AsyncRequest == nil || out.AsyncRequest.AsyncResponse == nil {
				t.Fatalf("want 2 jobs and the finished async request\n%s", r)
			}
		} else if !strings.Contains(r.stdout, "finished") {
			t.Fatalf("want the table with the finished async request\n%s", r)
		}
		if strings.Contains(r.stdout+r.stderr, phrasetest.DefaultPassword) {
			t.Errorf("the demo printed the password\n%s", r)
		}
	}
}

func TestMockServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live := &syncBuffer{}
	c := newCLI(t, nil)
	c.ctx = ctx
	c.stderr = live
	done := make(chan result, 1)
	go func() { done <- c.run("mock", "--addr", "127.0.0.1:0") }()

	var root, token string
	urlRE := regexp.MustCompile(`export ` + envURL + `=(\S+)`)
	tokRE := regexp.MustCompile(`export ` + envToken + `=(\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for root == "" || token == "" {
		if time.Now().After(deadline) {
			t.Fatalf("mock printed no URL and token: %s", live.String())
		}
		if m := urlRE.FindStringSubmatch(live.String()); m != nil {
			root = m[1]
		}
		if m := tokRE.FindStringSubmatch(live.String()); m != nil {
			token = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := newCLI(t, map[string]string{envURL: root, envToken: token}).run("create", "--download-task-id", "DL", "--project-uid", phrasetest.DefaultProjectUID, "--target-lang", "de", "--wait")
	wantCode(t, r, exitOK)

	cancel()
	select {
	case r := <-done:
		wantCode(t, r, exitOK)
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop when cancelled")
	}

	r = newCLI(t, nil).run("mock", "--addr", "0.0.0.0:0")
	wantCode(t, r, exitUsage)
	r = newCLI(t, nil).run("mock", "--addr", ":8080")
	wantCode(t, r, exitUsage)
}

// TestBinaryDemo builds the command and runs `demo` as a subprocess: the README's first command.
func TestBinaryDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "connectortask")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "demo")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := decodeJobs(t, result{stdout: stdout.String(), stderr: stderr.String()})
	if len(out.Jobs) != 2 || out.AsyncRequest == nil || out.AsyncRequest.AsyncResponse == nil {
		t.Fatalf("want 2 jobs and the finished async request\n%s", stdout.String())
	}

	// Exit codes survive the process boundary.
	cmd = exec.CommandContext(ctx, bin, "validate", "-")
	cmd.Stdin = strings.NewReader(`{"targetLangs":[]}`)
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != exitUsage {
		t.Errorf("validate of an invalid body: %v, want exit 2", err)
	}
}
