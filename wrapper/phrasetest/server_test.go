package phrasetest_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestNewServerDefaults(t *testing.T) {
	srv := newServer(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") && !strings.HasPrefix(srv.URL, "http://[::1]:") {
		t.Errorf("URL = %q, want a loopback address", srv.URL)
	}
	if !strings.HasSuffix(srv.URL, "/web") {
		t.Errorf("URL = %q, want it to end in /web", srv.URL)
	}
	if srv.URL != "http://"+srv.Addr()+"/web" {
		t.Errorf("URL = %q, Addr = %q", srv.URL, srv.Addr())
	}
	if srv.Token != phrasetest.DefaultToken || srv.Username != phrasetest.DefaultUsername ||
		srv.Password != phrasetest.DefaultPassword || srv.ProjectUID != phrasetest.DefaultProjectUID {
		t.Errorf("defaults = %q %q %q %q", srv.Token, srv.Username, srv.Password, srv.ProjectUID)
	}
	if want := []string{"de", "fr", "es", "it", "ja"}; !slices.Equal(srv.TargetLangs, want) {
		t.Errorf("TargetLangs = %v, want %v", srv.TargetLangs, want)
	}
	if n := len(srv.Jobs()); n != 0 {
		t.Errorf("Jobs() has %d jobs before any request", n)
	}
}

func TestStartRefusesNonLoopbackHosts(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0", "example.com:0", "no-port"} {
		srv, err := phrasetest.Start(addr)
		if err == nil {
			srv.Close()
			t.Errorf("Start(%q) succeeded, want an error", addr)
		}
	}
}

func TestStartListensOnLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		srv, err := phrasetest.Start(addr, phrasetest.WithToken("tok"))
		if err != nil {
			t.Fatalf("Start(%q): %v", addr, err)
		}
		r := do(t, srv, "GET", "/api2/v1/async/1", "", "Authorization", "ApiToken tok")
		wantError(t, r, http.StatusNotFound, phrasetest.CodeAsyncRequestNotFound)
		srv.Close()
		srv.Close() // a second Close does nothing
	}
}

func TestUnknownPathsAnswer404WithPhraseErrorBody(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/api2/v1/nothing", "/api2/v2/projects/x/jobs/connectorTask", "/"} {
		r := do(t, srv, "GET", path, "", "Authorization", "ApiToken "+srv.Token)
		wantError(t, r, http.StatusNotFound, phrasetest.CodeNotFound)
	}
	// Outside /web too.
	base := strings.TrimSuffix(srv.URL, "/web")
	resp, err := srv.Client().Get(base + "/api2/v1/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("path without /web: status %d, want 404", resp.StatusCode)
	}
}

func TestWrongMethodAnswers405WithPhraseErrorBody(t *testing.T) {
	srv := newServer(t)
	for path, allow := range map[string]string{
		"/api2/v1/auth/login":    "POST",
		jobsPath(srv.ProjectUID): "POST",
		"/api2/v1/async/1":       "GET, HEAD",
	} {
		method := "GET"
		if allow != "POST" {
			method = "DELETE"
		}
		r := do(t, srv, method, path, "")
		wantError(t, r, http.StatusMethodNotAllowed, phrasetest.CodeMethodNotAllowed)
		if got := r.header.Get("Allow"); got != allow {
			t.Errorf("%s %s: Allow = %q, want %q", method, path, got, allow)
		}
	}
}

func TestHandlerCanBeMountedElsewhere(t *testing.T) {
	srv := newServer(t)
	other := httptest.NewServer(srv.Handler())
	defer other.Close()
	c, err := api.NewClientWithResponses(other.URL+"/web", api.WithHTTPClient(other.Client()))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.LoginWithResponse(t.Context(), api.LoginDto{UserName: srv.Username, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil || resp.JSON200.Token == nil {
		t.Fatalf("login through the mounted handler: %d %s", resp.StatusCode(), resp.Body)
	}
	if n := srv.CountRequests("POST", "/auth/login"); n != 1 {
		t.Errorf("the Server recorded %d logins, want 1 (state is shared)", n)
	}
}

func TestWithProjectReplacesTheDefaultThenAdds(t *testing.T) {
	srv := newServer(t,
		phrasetest.WithProject("P1", "de"),
		phrasetest.WithProject("P2"),
		phrasetest.WithProject("P1", "pt_br", "de"),
	)
	if srv.ProjectUID != "P1" || !slices.Equal(srv.TargetLangs, []string{"pt_br", "de"}) {
		t.Fatalf("default project = %s %v, want P1 [pt_br de]", srv.ProjectUID, srv.TargetLangs)
	}
	auth := []string{"Authorization", "ApiToken " + srv.Token, "Content-Type", "application/json"}
	r := do(t, srv, "POST", jobsPath(phrasetest.DefaultProjectUID), createBody("de"), auth...)
	wantError(t, r, http.StatusNotFound, phrasetest.CodeProjectNotFound)
	if r := do(t, srv, "POST", jobsPath("P1"), createBody("pt_br"), auth...); r.status != http.StatusCreated {
		t.Errorf("P1 pt_br: %d %s", r.status, r.body)
	}
	r = do(t, srv, "POST", jobsPath("P1"), createBody("fr"), auth...)
	wantError(t, r, http.StatusBadRequest, phrasetest.CodeUnknownTargetLang)
	// P2 got the default languages.
	if r := do(t, srv, "POST", jobsPath("P2"), createBody("ja", "it"), auth...); r.status != http.StatusCreated {
		t.Errorf("P2 ja it: %d %s", r.status, r.body)
	}
}
