package phrasetest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func TestCallsWithoutAValidTokenAnswer401(t *testing.T) {
	srv := newServer(t)
	cases := map[string]struct {
		header string
		query  string
	}{
		"no header":          {},
		"wrong token":        {header: "ApiToken nope"},
		"empty token":        {header: "ApiToken "},
		"unknown scheme":     {header: "Basic " + srv.Token},
		"bare token":         {header: srv.Token},
		"legacy query token": {query: "?token=" + srv.Token},
		"password as token":  {header: "ApiToken " + srv.Password},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var hdr []string
			if tc.header != "" {
				hdr = []string{"Authorization", tc.header}
			}
			r := do(t, srv, "GET", "/api2/v1/async/900001"+tc.query, "", hdr...)
			wantError(t, r, http.StatusUnauthorized, phrasetest.CodeAuthUnauthorized)
			hdr = append(hdr, "Content-Type", "application/json")
			r = do(t, srv, "POST", jobsPath(srv.ProjectUID)+tc.query, createBody("de"), hdr...)
			wantError(t, r, http.StatusUnauthorized, phrasetest.CodeAuthUnauthorized)
		})
	}
	if n := len(srv.Jobs()); n != 0 {
		t.Errorf("unauthenticated requests created %d jobs", n)
	}
}

func TestStaticTokenWorksAsApiTokenAndBearer(t *testing.T) {
	srv := newServer(t, phrasetest.WithToken("s3cret"))
	for _, scheme := range []string{"ApiToken", "Bearer", "apitoken"} {
		c := newClient(t, srv, authAs(scheme, "s3cret"))
		resp, err := c.CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID, nil,
			api.JobCreateRequestDto{TargetLangs: []string{"de"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != http.StatusCreated {
			t.Errorf("%s: status %d, body %s", scheme, resp.StatusCode(), resp.Body)
		}
	}
}

func TestLoginIssuesATokenWithPhraseDates(t *testing.T) {
	clock := newClock()
	srv := newServer(t, phrasetest.WithClock(clock.Now), phrasetest.WithCredentials("jane", "pw"))
	c := newClient(t, srv)
	resp, err := c.LoginWithResponse(t.Context(), api.LoginDto{UserName: "jane", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
		t.Fatalf("login: %d %s", resp.StatusCode(), resp.Body)
	}
	wantPhraseDates(t, resp.Body, 2)
	got := resp.JSON200
	if got.Token == nil || len(*got.Token) < 20 || *got.Token == srv.Token {
		t.Errorf("token = %v, want a fresh random token", deref(got.Token))
	}
	if got.Expires == nil || !got.Expires.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("expires = %v, want %v", deref(got.Expires), t0.Add(24*time.Hour))
	}
	if got.LastInvalidateAllSessionsPerformed == nil {
		t.Error("lastInvalidateAllSessionsPerformed is missing")
	}
	u := got.User
	if u == nil || u.Id == nil || u.Uid == nil || deref(u.UserName) != "jane" || u.FirstName == nil ||
		u.LastName == nil || u.Email == nil || deref(u.Role) != api.UserRolePROJECTMANAGER {
		t.Errorf("user = %+v, want every field, userName jane, role PROJECT_MANAGER", u)
	}

	// The token works as ApiToken, not as Bearer (Bearer is for OAuth tokens).
	tok := *got.Token
	jobs := func(scheme string) int {
		r := do(t, srv, "POST", jobsPath(srv.ProjectUID), createBody("de"),
			"Authorization", scheme+" "+tok, "Content-Type", "application/json")
		return r.status
	}
	if s := jobs("ApiToken"); s != http.StatusCreated {
		t.Errorf("ApiToken <login token>: %d, want 201", s)
	}
	if s := jobs("Bearer"); s != http.StatusUnauthorized {
		t.Errorf("Bearer <login token>: %d, want 401", s)
	}
}

func TestLoginRefusals(t *testing.T) {
	srv := newServer(t)
	json := []string{"Content-Type", "application/json"}
	wantError(t, do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"demo","password":"wrong"}`, json...),
		http.StatusUnauthorized, phrasetest.CodeAuthInvalidCredentials)
	wantError(t, do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"someone","password":"demo-password"}`, json...),
		http.StatusUnauthorized, phrasetest.CodeAuthInvalidCredentials)
	e := wantError(t, do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"demo"}`, json...),
		http.StatusBadRequest, phrasetest.CodeMissingField)
	if e.ErrorDetails == nil || len(e.ErrorDetails) != 1 {
		t.Errorf("errorDetails = %v, want one naming password", e.ErrorDetails)
	}
	wantError(t, do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":`, json...),
		http.StatusBadRequest, phrasetest.CodeInvalidRequestBody)
	wantError(t, do(t, srv, "POST", "/api2/v1/auth/login", `userName=demo&password=demo-password`,
		"Content-Type", "application/x-www-form-urlencoded"),
		http.StatusUnsupportedMediaType, phrasetest.CodeUnsupportedMediaType)
}

// login logs in as the demo user and returns the token.
func login(t *testing.T, srv *phrasetest.Server) string {
	t.Helper()
	resp, err := newClient(t, srv).LoginWithResponse(t.Context(), api.LoginDto{UserName: srv.Username, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Token == nil {
		t.Fatalf("login: %d %s", resp.StatusCode(), resp.Body)
	}
	return *resp.JSON200.Token
}

// pollStatus GETs an async request that does not exist: 404 means the token was accepted.
func pollStatus(t *testing.T, srv *phrasetest.Server, tok string) int {
	t.Helper()
	return do(t, srv, "GET", "/api2/v1/async/1", "", "Authorization", "ApiToken "+tok).status
}

func TestLoginTokenExpiresAfterTTL(t *testing.T) {
	clock := newClock()
	srv := newServer(t, phrasetest.WithClock(clock.Now), phrasetest.WithTokenTTL(time.Hour))
	resp, err := newClient(t, srv).LoginWithResponse(context.Background(), api.LoginDto{UserName: srv.Username, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.JSON200.Expires; got == nil || !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("expires = %v, want login time + 1h", deref(got))
	}
	tok := *resp.JSON200.Token
	clock.Advance(59 * time.Minute)
	if s := pollStatus(t, srv, tok); s != http.StatusNotFound {
		t.Fatalf("before expiry: %d, want the token accepted", s)
	}
	clock.Advance(time.Minute)
	r := do(t, srv, "GET", "/api2/v1/async/1", "", "Authorization", "ApiToken "+tok)
	wantError(t, r, http.StatusUnauthorized, phrasetest.CodeAuthUnauthorized)
	// The static token does not expire.
	if s := pollStatus(t, srv, srv.Token); s != http.StatusNotFound {
		t.Errorf("static token after a day: %d", s)
	}
}

func TestLoginTokenStopsAfterNCalls(t *testing.T) {
	srv := newServer(t, phrasetest.WithTokenExpiresAfterCalls(2))
	tok := login(t, srv)
	for i := range 2 {
		if s := pollStatus(t, srv, tok); s != http.StatusNotFound {
			t.Fatalf("call %d: %d, want the token accepted", i+1, s)
		}
	}
	r := do(t, srv, "GET", "/api2/v1/async/1", "", "Authorization", "ApiToken "+tok)
	wantError(t, r, http.StatusUnauthorized, phrasetest.CodeAuthUnauthorized)
	if s := pollStatus(t, srv, tok); s != http.StatusUnauthorized {
		t.Errorf("after it died the token came back: %d", s)
	}
	// Logging in again gives a working token; the static token is never affected.
	tok2 := login(t, srv)
	if tok2 == tok {
		t.Error("a second login gave the same token")
	}
	if s := pollStatus(t, srv, tok2); s != http.StatusNotFound {
		t.Errorf("new token: %d", s)
	}
	for range 5 {
		if s := pollStatus(t, srv, srv.Token); s != http.StatusNotFound {
			t.Fatalf("static token: %d", s)
		}
	}
}
