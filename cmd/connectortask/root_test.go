package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestPlainHTTPRefusedForNonLoopbackHosts(t *testing.T) {
	for _, root := range []string{"http://cloud.memsource.com/web", "http://10.0.0.8:8080/web"} {
		ct := &countingTransport{}
		c := newCLI(t, map[string]string{envToken: "tok"})
		c.clientOpts = append(c.clientOpts, wrapper.WithHTTPClient(&http.Client{Transport: ct}))
		r := c.run("--base-url", root, "create", "--download-task-id", "DL", "--project-uid", "P", "--target-lang", "de")
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, "http") {
			t.Errorf("the error should explain the refusal\n%s", r)
		}
		if ct.count() != 0 {
			t.Errorf("%s: %d requests left the process", root, ct.count())
		}
	}
	// The same from the environment; and async get, which needs no body.
	r := newCLI(t, map[string]string{envURL: "http://phrase.example.com/web", envToken: "tok"}).run("async", "get", "1")
	wantCode(t, r, exitUsage)
}

func TestRootSelectionFlagsWinOverEnvironment(t *testing.T) {
	dry := []string{"create", "--download-task-id", "DL", "--dry-run", "--project-uid", "P", "--target-lang", "de"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default is EU", nil, nil, "https://cloud.memsource.com/web/"},
		{"env region", map[string]string{envRegion: "us"}, nil, "https://us.cloud.memsource.com/web/"},
		{"env URL beats env region", map[string]string{envRegion: "us", envURL: "http://127.0.0.1:9/web"}, nil, "http://127.0.0.1:9/web/"},
		{"region flag beats env region", map[string]string{envRegion: "us"}, []string{"--region", "eu"}, "https://cloud.memsource.com/web/"},
		{"region flag beats env URL", map[string]string{envURL: "http://127.0.0.1:9/web"}, []string{"--region", "us"}, "https://us.cloud.memsource.com/web/"},
		{"base-url flag beats region flag", nil, []string{"--region", "us", "--base-url", "http://localhost:7/web"}, "http://localhost:7/web/"},
		{"base-url flag beats env URL", map[string]string{envURL: "https://a.example.com/web"}, []string{"--base-url", "http://[::1]:7/web"}, "http://[::1]:7/web/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newCLI(t, tc.env).run(append(tc.args, dry...)...)
			wantCode(t, r, exitOK)
			if !strings.Contains(r.stdout, `"url": "`+tc.want) {
				t.Errorf("want the URL to start with %s\n%s", tc.want, r)
			}
		})
	}
	r := newCLI(t, nil).run(append([]string{"--region", "mars"}, dry...)...)
	wantCode(t, r, exitUsage)
}

func TestBaseURLFlagWinsOverEnvAgainstTheFake(t *testing.T) {
	srv := fake(t)
	env := tokenEnv(srv)
	env[envURL] = "http://127.0.0.1:1/web" // nothing listens there
	r := newCLI(t, env).run("--base-url", srv.URL, "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitOK)

	// Without the flag, the environment's root is used: a network failure, exit 1.
	r = newCLI(t, env).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitAPI)
	if posts(srv) != 1 {
		t.Errorf("want 1 POST, got %d", posts(srv))
	}
}

func TestTokenFile(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "token")
	if err := os.WriteFile(good, []byte("\n  "+srv.Token+"  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n\t"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The file wins over a wrong token in the environment.
	env := map[string]string{envURL: srv.URL, envToken: "stale-token"}
	r := newCLI(t, env).run("--token-file", good, "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitOK)

	r = newCLI(t, env).run("create", "--download-task-id", "DL", "--token-file", empty, "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "empty") {
		t.Errorf("want the empty file named\n%s", r)
	}
	r = newCLI(t, env).run("create", "--download-task-id", "DL", "--token-file", filepath.Join(dir, "missing"), "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitUsage)
	if posts(srv) != 1 {
		t.Errorf("want 1 POST, got %d", posts(srv))
	}
}

func TestCredentialsMissingOrHalf(t *testing.T) {
	srv := fake(t)
	for name, env := range map[string]map[string]string{
		"none":          {envURL: srv.URL},
		"username only": {envURL: srv.URL, envUsername: "demo"},
		"password only": {envURL: srv.URL, envPassword: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			r := newCLI(t, env).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
			wantCode(t, r, exitUsage)
			if !strings.Contains(r.stderr, envToken) && !strings.Contains(r.stderr, envPassword) {
				t.Errorf("the error should say which variables to set\n%s", r)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
	// With a user name and password, the CLI logs in by itself.
	r := newCLI(t, passwordEnv(srv)).run("create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de")
	wantCode(t, r, exitOK)
	if srv.CountRequests("POST", "/auth/login") != 1 {
		t.Errorf("want one login")
	}
}

func TestVerboseRunNeverPrintsSecrets(t *testing.T) {
	srv := fake(t, phrasetest.WithTokenExpiresAfterCalls(2), phrasetest.WithRateLimited(1, "0"))
	root, captured := captureTokens(t, srv)
	env := map[string]string{envURL: root, envUsername: srv.Username, envPassword: srv.Password}
	c := newCLI(t, env)
	var all strings.Builder
	for _, args := range [][]string{
		{"-v", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,fr", "--wait"},
		{"-v", "create", "--download-task-id", "DL", "--dry-run", "--project-uid", srv.ProjectUID, "--target-lang", "de"},
		{"-v", "-o", "table", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "it", "--wait"},
		{"-v", "login"},
		{"-v", "create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de,de"},
		{"-v", "create", "--download-task-id", "DL", "--project-uid", "Nope", "--target-lang", "de"},
	} {
		r := c.run(args...)
		all.WriteString(r.stdout)
		all.WriteString(r.stderr)
	}
	// The static token, through -v too.
	r := newCLI(t, map[string]string{envURL: srv.URL, envToken: srv.Token}).run("-v", "async", "get", "1")
	all.WriteString(r.stdout + r.stderr)

	out := all.String()
	if !strings.Contains(out, "/jobs/connectorTask") {
		t.Fatalf("-v should log each HTTP exchange on stderr; got:\n%s", out)
	}
	tokens := captured.list()
	if len(tokens) < 2 {
		t.Fatalf("want at least 2 logins (one re-login), captured %d", len(tokens))
	}
	secrets := append(tokens, srv.Password, srv.Token)
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("a secret (%.4s…) appears in the output:\n%s", s, out)
		}
	}
}

func TestUsageErrorsAndHelp(t *testing.T) {
	c := newCLI(t, nil)
	for _, args := range [][]string{
		{"bogus"},
		{"--bogus"},
		{"-o", "yaml", "version"},
		{"--timeout", "0s", "version"},
		{"validate"},
		{"async", "get"},
		{"async", "bogus"},
		{"login", "extra"},
	} {
		r := c.run(args...)
		wantCode(t, r, exitUsage)
		if r.stderr == "" {
			t.Errorf("%v: no error on stderr", args)
		}
	}
	for _, cmd := range []string{"create", "validate", "async get", "login", "spec", "mock", "demo", "version"} {
		r := c.run(append(strings.Fields(cmd), "--help")...)
		wantCode(t, r, exitOK)
		if !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("%s --help has no examples:\n%s", cmd, r.stdout)
		}
	}
	r := c.run("completion", "bash")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "connectortask") {
		t.Errorf("completion bash printed no script")
	}
}
