package wrapper

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// authMode is the kind of credentials a Client was given.
type authMode int

const (
	authNone        authMode = iota
	authAPIToken             // WithAPIToken: "ApiToken <token>", never renewed
	authBearer               // WithBearerToken: "Bearer <token>", never renewed
	authCredentials          // WithCredentials: log in, cache, renew on expiry and on 401
)

// tokenMargin is how long before its expiry a cached login token is replaced.
const tokenMargin = time.Minute

// redacted replaces secrets wherever the wrapper shows a header or a body.
const redacted = "[REDACTED]"

// authenticator decides the Authorization header of every request but login, and for
// credentials owns the cached token. Its String never shows a secret.
type authenticator struct {
	c        *Client
	mode     authMode
	static   string // the token of WithAPIToken or WithBearerToken
	userName string
	password string

	mu       sync.Mutex
	token    string    // cached login token; "" when none
	renewAt  time.Time // when to replace token (shortly before it expires); zero: not until a 401
	inflight *loginCall
}

// loginCall is one login under way; callers who need a token meanwhile wait for it.
type loginCall struct {
	done chan struct{}
	resp *api.LoginResponseDto
	err  error
}

func newAuthenticator(c *Client, s settings) *authenticator {
	a := &authenticator{c: c}
	switch {
	case s.apiToken != "":
		a.mode, a.static = authAPIToken, s.apiToken
	case s.bearerToken != "":
		a.mode, a.static = authBearer, s.bearerToken
	case s.userName != "":
		a.mode, a.userName, a.password = authCredentials, s.userName, s.password
	}
	return a
}

// String names the kind of credentials, never their value.
func (a *authenticator) String() string {
	switch a.mode {
	case authAPIToken:
		return "ApiToken " + redacted
	case authBearer:
		return "Bearer " + redacted
	case authCredentials:
		return "login as " + a.userName
	}
	return "none"
}

// GoString is String, so that %#v prints no secret.
func (a *authenticator) GoString() string { return a.String() }

// redactedHeader is the Authorization header as a preview shows it.
func (a *authenticator) redactedHeader() string {
	switch a.mode {
	case authBearer:
		return "Bearer " + redacted
	case authAPIToken, authCredentials:
		return "ApiToken " + redacted
	}
	return ""
}

// header returns the Authorization value for a request, logging in first when the client has
// credentials and no valid token; token is the bare token used (for invalidate after a 401).
func (a *authenticator) header(ctx context.Context, isLogin bool) (value, token string, err error) {
	if isLogin {
		return "", "", nil
	}
	switch a.mode {
	case authAPIToken:
		return "ApiToken " + a.static, a.static, nil
	case authBearer:
		return "Bearer " + a.static, a.static, nil
	case authCredentials:
		t, err := a.currentToken(ctx)
		if err != nil {
			return "", "", err
		}
		return "ApiToken " + t, t, nil
	}
	return "", "", nil
}

// currentToken returns the cached token, or logs in (once for all concurrent callers).
func (a *authenticator) currentToken(ctx context.Context) (string, error) {
	token, _, err := a.sharedLogin(ctx, true)
	return token, err
}

// forceLogin logs in even when a token is cached (joining a login already under way).
func (a *authenticator) forceLogin(ctx context.Context) (*api.LoginResponseDto, error) {
	if a.mode != authCredentials {
		return nil, errors.New("log in: the client has no user name and password (use WithCredentials)")
	}
	_, resp, err := a.sharedLogin(ctx, false)
	return resp, err
}

// sharedLogin returns the cached token when useCache allows and it is still fresh; otherwise
// it joins the login under way or starts one, so that concurrent callers share one login. The
// cache check and the join happen under one lock, so no caller starts a second login just
// after another finished. When the leader's context ended first, a caller whose context is
// still live logs in itself.
func (a *authenticator) sharedLogin(ctx context.Context, useCache bool) (string, *api.LoginResponseDto, error) {
	for {
		a.mu.Lock()
		if useCache && a.token != "" && (a.renewAt.IsZero() || a.c.now().Before(a.renewAt)) {
			t := a.token
			a.mu.Unlock()
			return t, nil, nil
		}
		call, leader := a.joinOrStart()
		a.mu.Unlock()
		if leader {
			a.run(ctx, call)
		}
		select {
		case <-call.done:
		case <-ctx.Done():
			return "", nil, ctx.Err()
		}
		if call.err != nil && !leader && isContextErr(call.err) && ctx.Err() == nil {
			continue
		}
		if call.err != nil {
			return "", nil, call.err
		}
		return *call.resp.Token, call.resp, nil
	}
}

// joinOrStart returns the login under way, or a new one that the caller (leader) must run.
// a.mu must be held.
func (a *authenticator) joinOrStart() (call *loginCall, leader bool) {
	if a.inflight != nil {
		return a.inflight, false
	}
	a.inflight = &loginCall{done: make(chan struct{})}
	return a.inflight, true
}

// run performs the login of call and publishes its result.
func (a *authenticator) run(ctx context.Context, call *loginCall) {
	resp, err := a.c.doLogin(ctx, a.userName, a.password)
	now := a.c.now()
	a.mu.Lock()
	call.resp, call.err = resp, err
	if err == nil {
		a.c.secrets.Add(*resp.Token)
		if a.c.secretHook != nil {
			a.c.secretHook(*resp.Token)
		}
		a.token = *resp.Token
		a.renewAt = time.Time{}
		if resp.Expires != nil && !resp.Expires.IsZero() {
			// Replace the token a minute before it expires; for a short-lived token, halfway.
			margin := min(tokenMargin, resp.Expires.Sub(now)/2)
			a.renewAt = resp.Expires.Add(-max(margin, 0))
		}
	}
	a.inflight = nil
	a.mu.Unlock()
	close(call.done)
}

// invalidate forgets the cached token after Phrase refused it, unless another caller has
// already replaced it.
func (a *authenticator) invalidate(token string) {
	a.mu.Lock()
	if a.token == token {
		a.token = ""
		a.renewAt = time.Time{}
	}
	a.mu.Unlock()
}

// renews reports whether a 401 can be cured by logging in again.
func (a *authenticator) renews() bool { return a.mode == authCredentials }

// isContextErr reports whether err is a cancelled or expired context.
func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// isLoginRequest reports whether req is the login call, which carries no Authorization.
func isLoginRequest(req *http.Request) bool {
	return req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/api2/v1/auth/login")
}
