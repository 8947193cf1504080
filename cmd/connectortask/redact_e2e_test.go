package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// buildCLI builds the binary under test.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "connectortask")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// sessionToken is the token echoServer's login hands out.
const sessionToken = "sessSECRET5d1e8b3a7c2f"

// echoServer answers a login with sessionToken, and every other request with status, echoing
// every request header and the body back in the answer's body (as errorDescription and as
// fields of its own) and in a header.
func echoServer(t *testing.T, status int) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"token":"` + sessionToken + `","expires":"2030-01-01T00:00:00+0000"}`))
			return
		}
		echo := fmt.Sprintf("%s %s headers=%v body=%s", r.Method, r.URL, r.Header, body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", strings.Join(r.Header.Values("Authorization"), ","))
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"errorCode": "Echo", "errorDescription": echo, "headers": r.Header, "body": string(body),
			"authorization": r.Header.Get("Authorization"),
			// The credential alone, without the scheme in front of it.
			"bareToken": strings.TrimPrefix(strings.TrimPrefix(r.Header.Get("Authorization"), "ApiToken "), "Bearer "),
		})
	}))
	t.Cleanup(ts.Close)
	return ts.URL + phrasetest.BasePath
}

// TestNoSecretLeavesTheBuiltBinary runs the built binary against a server that echoes every
// header and body back, in every status (2xx included): the API token, the password and the
// connector tokens of --data and of batch lines never appear on stdout, on stderr, in the
// results or in the journal (issue 10.6); nor does the token a login hands out, but where
// login prints it.
func TestNoSecretLeavesTheBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildCLI(t)
	const (
		token      = "tokSECRET4f8a2c9e1b7d"
		password   = "pwSECRET9c3e7a1f5b2d"
		dataCT     = "ctSECRETdata7e2a9c4f"
		lineCT     = "ctSECRETline3b8d1f6a"
		projectUID = "Pr2wE4rT6yU8iO0p"
	)
	secrets := []string{token, password, dataCT, lineCT, sessionToken}
	dir := t.TempDir()
	data := filepath.Join(dir, "body.json")
	tokenFile := filepath.Join(dir, "token")
	lines := filepath.Join(dir, "tasks.jsonl")
	for name, content := range map[string]string{
		data:      `{"targetLangs":["de"],"remoteFile":{"connectorToken":"` + dataCT + `","remoteFolder":"f","remoteFileName":"a.html"}}`,
		tokenFile: token + "\n",
		lines: `{"downloadTaskId":"d1"}` + "\n" +
			`{"body":{"targetLangs":["de"],"remoteFile":{"connectorToken":"` + lineCT + `","remoteFolder":"f","remoteFileName":"b.html"}}}` + "\n",
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runs := 0
	for _, status := range []int{200, 201, 400, 401, 403, 404, 500} {
		root := echoServer(t, status)
		tokenEnv := []string{envURL + "=" + root, envToken + "=" + token}
		passEnv := []string{envURL + "=" + root, "PHRASE_TMS_USERNAME=demo", envPassword + "=" + password}
		journal := filepath.Join(dir, fmt.Sprintf("sends-%d.journal", status))
		for _, c := range []struct {
			env  []string
			args []string
		}{
			{tokenEnv, []string{"-v", "create", "--project-uid", projectUID, "--data", data, "--download-task-id", "d0"}},
			{passEnv, []string{"-v", "create", "--project-uid", projectUID, "--data", data, "--download-task-id", "d0"}},
			{tokenEnv, []string{"create", "--dry-run", "--project-uid", projectUID, "--data", data}},
			{[]string{envURL + "=" + root}, []string{"-v", "--token-file", tokenFile, "create", "--batch", lines, "--project-uid", projectUID,
				"--target-lang", "de", "--journal", journal}},
			{passEnv, []string{"-v", "create", "--batch", lines, "--project-uid", projectUID, "--target-lang", "de"}},
			{passEnv, []string{"-v", "login"}},
			{passEnv, []string{"-v", "async", "get", "900001"}},
			{tokenEnv, []string{"-v", "async", "get", "900001", "--wait", "--wait-timeout", "1s"}},
		} {
			if status >= 500 && (c.env[len(c.env)-1] == passEnv[2] || c.args[1] == "async") {
				continue // retried with backoff for seconds; the token runs cover 5xx
			}
			cmd := exec.Command(bin, c.args...)
			cmd.Env = append(os.Environ(), c.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			began := time.Now()
			select {
			case <-done:
				if d := time.Since(began); d > 2*time.Second {
					t.Logf("status %d %v: %s", status, c.args, d)
				}
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("%d %v: did not finish", status, c.args)
			}
			runs++
			if c.args[1] == "login" {
				// login prints the token it obtained: that is what it is for.
				stdout.Reset()
			}
			journalText, _ := os.ReadFile(journal)
			for _, s := range secrets {
				for what, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "journal": string(journalText)} {
					if strings.Contains(text, s) {
						t.Errorf("status %d, %v: %s holds the secret %s:\n%s", status, c.args, what, s, text)
					}
				}
			}
			if status == 201 && len(c.env) == 2 && c.env[1] == tokenEnv[1] && c.args[1] == "create" && c.args[2] == "--project-uid" && !strings.Contains(stdout.String(), "[REDACTED]") {
				t.Errorf("status 201, %v: the echo should be on stdout, redacted:\n%s", c.args, stdout.String())
			}
		}
	}
	t.Logf("%d runs of the binary, no secret in any output", runs)
}

// TestSchemeFilter: the credential after ApiToken or Bearer is replaced; prose and the
// placeholders of help and spec are not.
func TestSchemeFilter(t *testing.T) {
	for in, want := range map[string]string{
		"Authorization: ApiToken sess5d1e8b3a7c2f\n":         "Authorization: ApiToken [REDACTED]\n",
		`map[Authorization:[Bearer eyJhbGciOi.J9x]]` + "\n":  `map[Authorization:[Bearer [REDACTED]]]` + "\n",
		"a=ApiToken%20abc123def456&b\n":                      "a=ApiToken%20[REDACTED]&b\n",
		"sent as `Authorization: Bearer <token>`.\n":         "sent as `Authorization: Bearer <token>`.\n",
		"scheme: bearer\n      description: An access\n":     "scheme: bearer\n      description: An access\n",
		"Bearer authentication, ApiToken [REDACTED] stays\n": "Bearer authentication, ApiToken [REDACTED] stays\n",
	} {
		var b bytes.Buffer
		if _, err := (schemeFilter{&b}).Write([]byte(in)); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%q: got %q, want %q", in, b.String(), want)
		}
	}
}
