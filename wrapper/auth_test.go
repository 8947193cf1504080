package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loginServer is a fake Phrase for auth tests: login hands out tok-1, tok-2, ... with the given
// lifetime; other calls succeed only with a token that valid() accepts.
type loginServer struct {
	*wire
	logins  atomic.Int32
	ttl     time.Duration
	now     func() time.Time
	delay   time.Duration
	mu      sync.Mutex
	refused map[string]bool // tokens answered with 401
}

func newLoginServer(t *testing.T, now func() time.Time) *loginServer {
	ls := &loginServer{now: now, refused: map[string]bool{}}
	ls.wire = newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			time.Sleep(ls.delay)
			var dto struct{ UserName, Password string }
			_ = json.NewDecoder(strings.NewReader(string(ls.requests()[n-1].Body))).Decode(&dto)
			if dto.UserName != "jane" || dto.Password != "pw" {
				writeError(w, 401, "AuthInvalidCredentials", "Invalid credentials.")
				return
			}
			id := ls.logins.Add(1)
			body := map[string]any{"token": fmt.Sprintf("tok-%d", id), "user": map[string]any{"userName": "jane"}}
			if ls.ttl > 0 {
				body["expires"] = ls.now().Add(ls.ttl).UTC().Format("2006-01-02T15:04:05-0700")
			}
			writeJSON(w, 200, body)
			return
		}
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "ApiToken ")
		ls.mu.Lock()
		bad := tok == "" || ls.refused[tok]
		ls.mu.Unlock()
		if bad {
			writeError(w, 401, "AuthUnauthorized", "Authentication failed.")
			return
		}
		if r.Method == http.MethodPost {
			writeCreated(w)
			return
		}
		writeJSON(w, 200, map[string]any{"id": "1"})
	})
	return ls
}

func (ls *loginServer) refuse(tok string) {
	ls.mu.Lock()
	ls.refused[tok] = true
	ls.mu.Unlock()
}

// authOf returns the Authorization headers of the non-login requests, in order.
func (ls *loginServer) authOf() []string {
	var out []string
	for _, r := range ls.requests() {
		if !strings.HasSuffix(r.Path, "/auth/login") {
			out = append(out, r.Header.Get("Authorization"))
		}
	}
	return out
}

func TestStaticAPITokenOnEveryCall(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPost {
			writeCreated(w)
			return
		}
		writeJSON(w, 200, map[string]any{"id": "1"})
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("static-tok"))
	ctx := context.Background()
	if _, err := c.CreateJobs(ctx, "P", "DL-1", validBody()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AsyncRequest(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.requests() {
		if got := r.Header.Get("Authorization"); got != "ApiToken static-tok" {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, got)
		}
		if strings.Contains(strings.ToLower(r.Query), "token") {
			t.Errorf("%s %s: query %q (no token in the URL)", r.Method, r.Path, r.Query)
		}
	}
	if srv.count("POST", "/auth/login") != 0 {
		t.Error("a static token must not log in")
	}
}

func TestBearerToken(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, map[string]any{"id": "1"}) })
	c, _ := newTestClient(t, srv.base(), WithBearerToken("oauth-xyz"))
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].Header.Get("Authorization"); got != "Bearer oauth-xyz" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestStaticToken401IsNotRetried(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeError(w, 401, "AuthUnauthorized", "no") })
	c, _ := newTestClient(t, srv.base(), WithAPIToken("bad"))
	_, err := c.AsyncRequest(context.Background(), "1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.ErrorCode != "AuthUnauthorized" {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestLoginOnFirstNeedAndCached(t *testing.T) {
	ls := newLoginServer(t, time.Now)
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"))
	if n := len(ls.requests()); n != 0 {
		t.Fatalf("New sent %d requests", n)
	}
	ctx := context.Background()
	for range 3 {
		if _, err := c.AsyncRequest(ctx, "1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateJobs(ctx, "P", "DL-1", validBody()); err != nil {
		t.Fatal(err)
	}
	reqs := ls.requests()
	if !strings.HasSuffix(reqs[0].Path, "/auth/login") || reqs[0].Header.Get("Authorization") != "" {
		t.Errorf("first request = %s %q", reqs[0].Path, reqs[0].Header.Get("Authorization"))
	}
	var login map[string]any
	_ = json.Unmarshal(reqs[0].Body, &login)
	if login["userName"] != "jane" || login["password"] != "pw" {
		t.Errorf("login body = %s", reqs[0].Body)
	}
	if n := ls.logins.Load(); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
	for _, a := range ls.authOf() {
		if a != "ApiToken tok-1" {
			t.Errorf("Authorization = %q", a)
		}
	}
}

func TestTokenRenewedShortlyBeforeExpiry(t *testing.T) {
	start := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	now, set := fixedClock(start)
	ls := newLoginServer(t, now)
	ls.ttl = time.Hour
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"), WithClock(now))
	ctx := context.Background()
	call := func() {
		t.Helper()
		if _, err := c.AsyncRequest(ctx, "1"); err != nil {
			t.Fatal(err)
		}
	}
	call()
	set(start.Add(58 * time.Minute)) // 2 minutes before expiry: still good
	call()
	if n := ls.logins.Load(); n != 1 {
		t.Fatalf("logins before the margin = %d, want 1", n)
	}
	set(start.Add(59*time.Minute + 30*time.Second)) // within the last minute: renew
	call()
	if n := ls.logins.Load(); n != 2 {
		t.Fatalf("logins after the margin = %d, want 2", n)
	}
	if got := ls.authOf(); got[len(got)-1] != "ApiToken tok-2" {
		t.Errorf("last Authorization = %q", got[len(got)-1])
	}
}

func TestReloginOnceOn401AndReplayOnce(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			ls := newLoginServer(t, time.Now)
			c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"))
			ctx := context.Background()
			if _, err := c.AsyncRequest(ctx, "1"); err != nil { // logs in: tok-1
				t.Fatal(err)
			}
			ls.refuse("tok-1") // Phrase invalidated the session
			var err error
			if method == http.MethodGet {
				_, err = c.AsyncRequest(ctx, "1")
			} else {
				_, err = c.CreateJobs(ctx, "P", "DL-1", validBody())
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := ls.logins.Load(); n != 2 {
				t.Errorf("logins = %d, want 2", n)
			}
			got := ls.authOf()
			want := []string{"ApiToken tok-1", "ApiToken tok-1", "ApiToken tok-2"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Authorization headers = %q, want %q", got, want)
			}
		})
	}
}

func TestReloginOn401NotForever(t *testing.T) {
	ls := newLoginServer(t, time.Now)
	ls.refuse("tok-1")
	ls.refuse("tok-2")
	ls.refuse("tok-3")
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if n := ls.logins.Load(); n != 2 {
		t.Errorf("logins = %d, want 2 (first need, then once after the 401)", n)
	}
	if n := ls.count("POST", "/connectorTask"); n != 2 {
		t.Errorf("job POSTs = %d, want 2 (the call and one replay)", n)
	}
}

func TestConcurrentCallersShareOneLogin(t *testing.T) {
	ls := newLoginServer(t, time.Now)
	ls.delay = 30 * time.Millisecond // keep the login in flight while the others arrive
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"))
	const callers = 40
	// callAll makes callers concurrent calls and fails the test on any error.
	callAll := func() {
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for range callers {
			wg.Go(func() {
				_, err := c.AsyncRequest(context.Background(), "1")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	callAll()
	if n := ls.logins.Load(); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}

	// All callers' token is refused at once: still a single new login.
	ls.refuse("tok-1")
	callAll()
	if n := ls.logins.Load(); n != 2 {
		t.Errorf("logins after a shared 401 = %d, want 2", n)
	}
}

func TestWaiterSurvivesLeaderCancel(t *testing.T) {
	ls := newLoginServer(t, time.Now)
	ls.delay = 50 * time.Millisecond
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"))
	leaderCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.AsyncRequest(leaderCtx, "1")
		done <- err
	}()
	time.Sleep(10 * time.Millisecond) // the leader's login is in flight
	waiter := make(chan error, 1)
	go func() {
		_, err := c.AsyncRequest(context.Background(), "1")
		waiter <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("leader err = %v", err)
	}
	if err := <-waiter; err != nil {
		t.Errorf("waiter err = %v, want success with a login of its own", err)
	}
}

func TestBadCredentialsSendNothingElse(t *testing.T) {
	ls := newLoginServer(t, time.Now)
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "wrong-SECRET"))
	_, err := c.CreateJobs(context.Background(), "P", "DL-1", validBody())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != "AuthInvalidCredentials" {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong-SECRET") {
		t.Errorf("error shows the password: %v", err)
	}
	if n := ls.count("POST", "/connectorTask"); n != 0 {
		t.Errorf("job POSTs = %d, want 0", n)
	}
	if n := ls.count("POST", "/auth/login"); n != 1 {
		t.Errorf("logins = %d, want 1 (a refused login is not retried)", n)
	}
}

func TestExplicitLogin(t *testing.T) {
	ls := newLoginServer(t, time.Now)
	c, _ := newTestClient(t, ls.base(), WithCredentials("jane", "pw"))
	resp, err := c.Login(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if *resp.Token != "tok-1" || *resp.User.UserName != "jane" {
		t.Errorf("resp = %+v", resp)
	}
	if _, err := c.AsyncRequest(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if n := ls.logins.Load(); n != 1 {
		t.Errorf("logins = %d, want 1 (the explicit login's token is reused)", n)
	}
	c2, _ := newTestClient(t, ls.base(), WithAPIToken("x"))
	if _, err := c2.Login(context.Background()); err == nil {
		t.Error("Login without credentials: no error")
	}
}
