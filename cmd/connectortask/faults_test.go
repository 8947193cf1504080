package main

// The fault suite through the built binary (issue 10): the create rows of wrapper's
// TestFaultSuite, run as a user runs them (`create --data body.json -v`, environment
// credentials, HTTP/2 trusted through SSL_CERT_FILE), asserting the POSTs the server received,
// the exit code, and that no secret appears on stdout or stderr.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/seed-a960d6a4/connectortask/internal/faultserver"
)

// exitUnknownOutcome is the exit code of a create whose outcome is unknown (jobs may exist).
const exitUnknownOutcome = exitUnknown

const (
	cliToken     = "tok-SECRET-cli-1234"
	cliPassword  = "pw-SECRET-cli-5678"
	cliLogin     = "lt-SECRET-cli-def0"
	cliConnector = "ct-SECRET-cli-9abc"
)

type cliFault struct {
	name     string
	h2       bool
	action   faultserver.Action
	redirect int // a redirect status: action is built with the target's URL
	outcome  string
	posts    int
}

// Outcomes of a create, and the exit code of each.
const (
	outCreated = "created"
	outFailed  = "failed"
	outUnknown = "unknown"
)

func exitFor(outcome string) int {
	switch outcome {
	case outCreated:
		return exitOK
	case outUnknown:
		return exitUnknownOutcome
	}
	return exitAPI
}

func cliFaults() []cliFault {
	status := func(code int, header ...string) faultserver.Action {
		h := http.Header{}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		return faultserver.Action{Status: code, Header: h, Body: `{"errorCode":"E","errorDescription":"status"}`}
	}
	fs := []cliFault{
		{name: "h1/reset before the body", action: faultserver.Action{Kind: faultserver.ResetBeforeBody}, outcome: outUnknown, posts: 1},
		{name: "h1/reset after the body", action: faultserver.Action{Kind: faultserver.ResetAfterBody}, outcome: outUnknown, posts: 1},
	}
	for _, h2 := range []bool{false, true} {
		p := "h1/"
		if h2 {
			p = "h2/"
		}
		fs = append(fs,
			cliFault{name: p + "ok", h2: h2, action: faultserver.Action{Status: 201, Body: cliCreated}, outcome: outCreated, posts: 1},
			cliFault{name: p + "close without answer", h2: h2, action: faultserver.Action{Kind: faultserver.CloseAfterBody}, outcome: outUnknown, posts: 1},
			cliFault{name: p + "hang past the timeout", h2: h2, action: faultserver.Action{Kind: faultserver.Hang}, outcome: outUnknown, posts: 1},
			cliFault{name: p + "500 after creating", h2: h2, action: status(500), outcome: outUnknown, posts: 1},
			cliFault{name: p + "502 after creating", h2: h2, action: status(502), outcome: outUnknown, posts: 1},
			cliFault{name: p + "504 after creating", h2: h2, action: status(504), outcome: outUnknown, posts: 1},
			cliFault{name: p + "503 Retry-After 0", h2: h2, action: status(503, "Retry-After", "0"), outcome: outCreated, posts: 2},
			cliFault{name: p + "echo 400", h2: h2, action: faultserver.Action{Kind: faultserver.Echo, Status: 400}, outcome: outFailed, posts: 1},
			cliFault{name: p + "echo 500", h2: h2, action: faultserver.Action{Kind: faultserver.Echo, Status: 500}, outcome: outUnknown, posts: 1},
		)
		for _, code := range []int{301, 302, 303, 307, 308} {
			// Any redirect to the POST may follow an action: outcome unknown.
			fs = append(fs, cliFault{name: p + "redirect " + http.StatusText(code), h2: h2, redirect: code, outcome: outUnknown, posts: 1})
		}
	}
	for _, code := range []http2.ErrCode{http2.ErrCodeProtocol, http2.ErrCodeRefusedStream, http2.ErrCodeCancel, http2.ErrCodeInternal} {
		for _, k := range []faultserver.Kind{faultserver.ResetBeforeBody, faultserver.ResetAfterBody} {
			f := cliFault{name: "h2/RST_STREAM " + code.String(), h2: true, action: faultserver.Action{Kind: k, Code: code}, outcome: outUnknown, posts: 1}
			if k == faultserver.ResetAfterBody {
				f.name += " after the body"
			} else {
				f.name += " before the body"
			}
			if code == http2.ErrCodeRefusedStream {
				f.outcome, f.posts = outCreated, 2
			}
			fs = append(fs, f)
		}
	}
	fs = append(fs,
		cliFault{name: "h2/GOAWAY below the stream", h2: true, action: faultserver.Action{Kind: faultserver.GoAwayBeforeBody}, outcome: outCreated, posts: 2},
		cliFault{name: "h2/GOAWAY at the stream", h2: true, action: faultserver.Action{Kind: faultserver.GoAwayAfterBody}, outcome: outUnknown, posts: 1},
		// Once the 201's headers arrived the jobs exist, whatever broke its body: one POST,
		// exit 0 with a warning (as batch marks the line ok).
		cliFault{name: "h1/201 with half its body, then reset", action: faultserver.Action{Kind: faultserver.PartialThenReset, Status: 201, Body: cliCreated}, outcome: outCreated, posts: 1},
		cliFault{name: "h2/201 with half its body, then RST_STREAM REFUSED_STREAM", h2: true, action: faultserver.Action{Kind: faultserver.PartialThenReset, Status: 201, Body: cliCreated, Code: http2.ErrCodeRefusedStream}, outcome: outCreated, posts: 1},
		cliFault{name: "h2/201 with half its body, then GOAWAY 0", h2: true, action: faultserver.Action{Kind: faultserver.PartialThenGoAway, Status: 201, Body: cliCreated}, outcome: outCreated, posts: 1},
		cliFault{name: "h1/201 not JSON", action: faultserver.Action{Status: 201, Body: "<html>created</html>"}, outcome: outCreated, posts: 1},
		// Only 201 is Phrase's "created"; another 2xx may come from anything in between.
		cliFault{name: "h1/200 to the create", action: faultserver.Action{Status: 200, Body: `{"errorCode":"E200","errorDescription":"scripted"}`}, outcome: outUnknown, posts: 1},
		cliFault{name: "h1/204 to the create", action: faultserver.Action{Status: 204}, outcome: outUnknown, posts: 1},
	)
	return fs
}

const cliCreated = `{"jobs":[{"uid":"J1","targetLang":"de","status":"NEW"}],"asyncRequest":{"id":"900","dateCreated":"2026-11-28T17:03:12+0000","action":"PRE_ANALYSE"}}`

func cliNormal(r *faultserver.Request) faultserver.Action {
	if strings.HasSuffix(r.Path, "/auth/login") {
		return faultserver.Action{Status: 200, Body: `{"token":"` + cliLogin + `","expires":"2099-01-01T00:00:00+0000"}`}
	}
	return faultserver.Action{Status: 201, Body: cliCreated}
}

func TestFaultSuiteThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "connectortask")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	body := filepath.Join(dir, "body.json")
	if err := os.WriteFile(body, []byte(`{"targetLangs":["de"],"remoteFile":{"connectorToken":"`+cliConnector+`","remoteFileName":"a.docx","remoteFolder":"/"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range cliFaults() {
		auths := []string{"token"}
		if passwordRow(f.name) {
			auths = append(auths, "password")
		}
		for _, auth := range auths {
			t.Run(f.name+"/"+auth, func(t *testing.T) { runCLIFault(t, bin, body, f, auth) })
		}
	}
}

// passwordRow picks the rows also run with a user name and password (the library's suite runs
// every row with both): those where the login's secrets could leak or the flow differs.
func passwordRow(name string) bool {
	for _, k := range []string{"/ok", "echo", "Permanent Redirect", "See Other", "PROTOCOL_ERROR after", "REFUSED_STREAM after", "500 after"} {
		if strings.Contains(name, k) {
			return true
		}
	}
	return false
}

func runCLIFault(t *testing.T, bin, body string, f cliFault, auth string) {
	target, err := faultserver.NewHTTP1(func(r *faultserver.Request, _ int) faultserver.Action { return cliNormal(r) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(target.Close)
	decide := func(r *faultserver.Request, n int) faultserver.Action {
		if n == 1 && strings.HasSuffix(r.Path, "/jobs/connectorTask") {
			if f.redirect != 0 {
				return faultserver.Action{Status: f.redirect, Header: http.Header{"Location": {target.URL + r.Path}}}
			}
			return f.action
		}
		return cliNormal(r)
	}
	var s *faultserver.Server
	if f.h2 {
		s, err = faultserver.NewHTTP2(decide)
	} else {
		s, err = faultserver.NewHTTP1(decide)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), envURL + "=" + s.URL + "/web"}
	if auth == "token" {
		env = append(env, envToken+"="+cliToken)
	} else {
		env = append(env, envUsername+"=user", envPassword+"="+cliPassword)
	}
	if f.h2 {
		certFile := filepath.Join(t.TempDir(), "cert.pem")
		if err := os.WriteFile(certFile, s.CertPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		env = append(env, "SSL_CERT_FILE="+certFile)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The hang rows wait the attempt timeout out; the others get room for a slow TLS handshake
	// on a busy machine.
	timeout := "15s"
	if f.action.Kind == faultserver.Hang {
		timeout = "3s"
	}
	cmd := exec.CommandContext(ctx, bin, "create", "--project-uid", "P", "--data", body, "--timeout", timeout, "-v")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	show := func() string { return "--- stdout:\n" + stdout.String() + "\n--- stderr:\n" + stderr.String() }
	if code != exitFor(f.outcome) {
		t.Errorf("exit %d, want %d (%s)\n%s", code, exitFor(f.outcome), f.outcome, show())
	}
	if n := s.Count("POST", "/jobs/connectorTask"); n != f.posts {
		t.Errorf("POSTs = %d, want %d\n%s", n, f.posts, show())
	}
	if n := s.Acted("POST", "/jobs/connectorTask"); n > 1 {
		t.Errorf("the server may have acted on %d POSTs", n)
	}
	if n := len(target.Requests()); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
	if unknown := strings.Contains(stderr.String(), "outcome unknown"); unknown != (f.outcome == outUnknown) {
		t.Errorf("stderr says \"outcome unknown\": %v, want %v\n%s", unknown, f.outcome == outUnknown, show())
	}
	if strings.Contains(f.name, "/201 ") {
		if want := "so the jobs exist, but its answer could not be read"; !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), "connectortask jobs list --project-uid P") {
			t.Errorf("stderr does not say %q and how to list the jobs\n%s", want, show())
		}
	}
	if strings.Contains(f.name, "/204 ") && (!strings.Contains(stderr.String(), "answered 204 No Content, not 201 Created") || strings.Contains(stderr.String(), "204 Created")) {
		t.Errorf("stderr does not say that 204 is not 201\n%s", show())
	}
	for _, secret := range []string{cliToken, cliPassword, cliLogin, cliConnector, "SECRET"} {
		if strings.Contains(stdout.String(), secret) || strings.Contains(stderr.String(), secret) {
			t.Errorf("the output shows a secret (%s)\n%s", secret, show())
		}
	}
}
