package wrapper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client; pass options to New. An Option that cannot be honoured makes New
// return an error rather than be silently ignored.
type Option func(*settings) error

// settings is what the options collect; New turns it into a Client.
type settings struct {
	region         Region
	baseURL        string
	httpClient     *http.Client
	attemptTimeout time.Duration
	userAgent      string

	apiToken    string
	bearerToken string
	userName    string
	password    string
	authCount   int // how many credential options were given; more than one is a conflict

	now          func() time.Time
	logger       *slog.Logger
	defaultDue   time.Duration
	retry        RetryPolicy
	noValidation bool
	perMinute    int

	retryHook      func(context.Context, RetryEvent)           // WithRetryHook
	secretHook     func(secret string)                         // WithSecretHook
	transportWraps []func(http.RoundTripper) http.RoundTripper // WithTransport, innermost first
}

// Region is a Phrase TMS data centre. Each has its own host; an account lives in one of them.
type Region string

const (
	// RegionEU is the European data centre, https://cloud.memsource.com/web (the default).
	RegionEU Region = "eu"
	// RegionUS is the US data centre, https://us.cloud.memsource.com/web.
	RegionUS Region = "us"
)

// BaseURL returns the API root of the region, including the /web path prefix, or "" for a
// Region that is not one of the constants.
func (r Region) BaseURL() string {
	switch r {
	case RegionEU:
		return "https://cloud.memsource.com/web"
	case RegionUS:
		return "https://us.cloud.memsource.com/web"
	}
	return ""
}

// String returns the region's name ("eu", "us").
func (r Region) String() string { return string(r) }

// WithRegion picks the data centre; the default is RegionEU. WithBaseURL wins over it.
func WithRegion(r Region) Option {
	return func(s *settings) error {
		if r.BaseURL() == "" {
			return fmt.Errorf("wrapper: unknown region %q: want %q or %q", string(r), RegionEU, RegionUS)
		}
		s.region = r
		return nil
	}
}

// WithBaseURL sets the API root, including Phrase's /web prefix (for example
// https://cloud.memsource.com/web, or the URL of a phrasetest.Server). It wins over WithRegion.
// The URL must be absolute https; plain http is accepted only for loopback hosts (127.0.0.0/8,
// ::1, localhost), so that tokens and passwords never cross a network in clear text. A URL with
// user information, a query or a fragment is refused.
func WithBaseURL(rawURL string) Option {
	return func(s *settings) error {
		s.baseURL = rawURL
		return nil
	}
}

// WithHTTPClient sets the *http.Client every attempt goes through. The default is a client of
// its own (never http.DefaultClient) whose transport bounds connecting (30s), the TLS handshake
// (10s) and the wait for response headers (60s). The wrapper adds authentication, the
// User-Agent, retries and logging around hc without changing hc. It sends through a copy of hc
// whose CheckRedirect refuses every redirect (see RedirectError); hc's Transport is used as is.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("wrapper: WithHTTPClient(nil)")
		}
		s.httpClient = hc
		return nil
	}
}

// WithAttemptTimeout bounds one HTTP attempt, from sending the request to reading the whole
// response (default 60s; 0 or less means no bound of the wrapper's own). Retries each get a
// fresh bound; the context passed to a call bounds them all.
//
// When the job-creating POST times out after it was sent, its outcome is unknown and the call
// returns an *UnknownOutcomeError; it is not resent.
func WithAttemptTimeout(d time.Duration) Option {
	return func(s *settings) error {
		s.attemptTimeout = d
		return nil
	}
}

// WithUserAgent replaces the User-Agent header sent with every request. Phrase asks clients to
// send a descriptive one; the default names this module and its version, e.g.
// "connectortask/v1.2.3 (+https://github.com/seed-a960d6a4/connectortask)".
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(ua) == "" {
			return errors.New("wrapper: WithUserAgent: empty User-Agent")
		}
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("wrapper: WithUserAgent: User-Agent contains a line break")
		}
		s.userAgent = ua
		return nil
	}
}

// WithAPIToken authenticates every call with a static API token, sent as
// "Authorization: ApiToken <token>". A 401 is returned as an *APIError; the wrapper cannot renew
// a static token. Use only one of WithAPIToken, WithCredentials and WithBearerToken.
func WithAPIToken(token string) Option {
	return func(s *settings) error {
		if err := checkSecret("WithAPIToken", token); err != nil {
			return err
		}
		s.apiToken = token
		s.authCount++
		return nil
	}
}

// WithCredentials authenticates with a user name and password. The client logs in on the first
// call that needs a token (POST /api2/v1/auth/login), keeps the token in memory until one minute
// before its expiry, and, when a call answers 401, logs in once more and replays that call once.
// Concurrent calls share one login. The password is kept only in memory and never appears in
// errors or logs. Use only one of WithAPIToken, WithCredentials and WithBearerToken.
func WithCredentials(userName, password string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(userName) == "" {
			return errors.New("wrapper: WithCredentials: empty user name")
		}
		if password == "" {
			return errors.New("wrapper: WithCredentials: empty password")
		}
		if err := checkNoControl("wrapper: WithCredentials: the user name", userName); err != nil {
			return err
		}
		if err := checkNoControl("wrapper: WithCredentials: the password", password); err != nil {
			return err
		}
		s.userName, s.password = userName, password
		s.authCount++
		return nil
	}
}

// WithBearerToken authenticates every call with an OAuth 2.0 access token, sent as
// "Authorization: Bearer <token>". Like a static API token, it is not renewed by the wrapper.
// Use only one of WithAPIToken, WithCredentials and WithBearerToken.
func WithBearerToken(token string) Option {
	return func(s *settings) error {
		if err := checkSecret("WithBearerToken", token); err != nil {
			return err
		}
		s.bearerToken = token
		s.authCount++
		return nil
	}
}

// checkSecret refuses tokens that cannot be sent in a header (empty, or with a control
// character such as \x01, DEL or a line break), without echoing them: New fails, nothing is sent.
func checkSecret(option, token string) error {
	if strings.TrimSpace(token) == "" {
		return fmt.Errorf("wrapper: %s: empty token", option)
	}
	return checkNoControl("wrapper: "+option+": the token", token)
}

// WithClock replaces time.Now for the decisions that depend on the wall clock: whether a cached
// token has expired, whether a due date lies in the past, the default due date, and Retry-After
// given as an HTTP date. Waiting itself always uses real timers.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return errors.New("wrapper: WithClock(nil)")
		}
		s.now = now
		return nil
	}
}

// WithLogger receives the client's records. The decisions are logged at Info and Warn:
//
//   - Info "phrase: logged in" (user, expires): a login, the first or a renewed one;
//   - Info "phrase: retrying" (method, path, attempt, reason, wait, request_id): a retry after
//     429 or 503, or after a 401 answered by a fresh login ("401 Unauthorized: logged in
//     again"); Warn for a retry after a network error or another 5xx (reads only);
//   - Warn "phrase: giving up retrying" (status, why, request_id): the retry policy ends
//     retrying, and the answer is returned as an *APIError;
//   - Warn "phrase: outcome unknown: …" (project_uid, error): a job-creating POST may have
//     created jobs (an *UnknownOutcomeError), and Warn "phrase: jobs created, but the answer
//     could not be read" (a *CreatedUnreadableError).
//
// and every HTTP exchange (attempt) at Debug: method, path, status (0 when no response came),
// duration, attempt, request_id and, on failure, error. Headers and bodies are never logged,
// so neither the Authorization header, the password, a token nor a connectorToken can appear;
// an error attribute has every secret the client knows replaced (see the package doc, Secrets).
// A Warn record reports a request the HTTP client below wrote twice. The default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("wrapper: WithLogger(nil)")
		}
		s.logger = l
		return nil
	}
}

// WithDefaultDueOffset sets a due date of now+d on requests that have neither a due date nor a
// due date on any workflow step. It is not applied when the request has workflowSettings:
// Phrase refuses a top-level due together with workflowSettings, and which step should get the
// date is the caller's decision. The date is sent in UTC with whole seconds. 0 turns it off
// (the default); a negative d is an error.
func WithDefaultDueOffset(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("wrapper: WithDefaultDueOffset(%s): the offset must not be negative", d)
		}
		s.defaultDue = d
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy. Zero fields take their default values; set
// MaxAttempts to 1 to turn retries off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.MaxAttempts < 0 || p.MaxElapsed < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
			return errors.New("wrapper: WithRetryPolicy: negative values are not allowed")
		}
		s.retry = p
		return nil
	}
}

// WithoutValidation skips the validation of job-creating requests before they are sent (the
// request schema of openapi.yaml and the rules of ValidateRequest). Phrase then judges the request itself.
func WithoutValidation() Option {
	return func(s *settings) error {
		s.noValidation = true
		return nil
	}
}

// WithRateLimit paces the client's requests to at most perMinute per minute (attempts and
// retries included), spread evenly. Phrase allows 6,000 per minute per user; pacing below that
// avoids 429s when many calls share one account. 0 turns pacing off (the default).
func WithRateLimit(perMinute int) Option {
	return func(s *settings) error {
		if perMinute < 0 {
			return fmt.Errorf("wrapper: WithRateLimit(%d): must not be negative", perMinute)
		}
		s.perMinute = perMinute
		return nil
	}
}

// WithSecretHook calls fn with every secret the client obtains while it runs: each token a login
// hands out (WithCredentials). The client keeps them out of its own errors and log records; a
// program that prints what Phrase answered (an answer may echo a token) passes fn to its own
// redaction, so that the token is kept out of its output too. The secrets given to the options
// are not passed: the caller has them. fn is called before the token is first used, from the
// goroutine that logged in; it must be safe for concurrent use.
func WithSecretHook(fn func(secret string)) Option {
	return func(s *settings) error {
		if fn == nil {
			return errors.New("wrapper: WithSecretHook(nil)")
		}
		s.secretHook = fn
		return nil
	}
}
