package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/redact"
)

// modulePath is this module's import path; the default User-Agent names it.
const modulePath = "github.com/seed-a960d6a4/connectortask"

// defaultAttemptTimeout bounds one HTTP attempt unless WithAttemptTimeout says otherwise.
const defaultAttemptTimeout = 60 * time.Second

// Client calls Phrase TMS: it creates jobs from a connector's download task, logs in, and reads
// and waits for asynchronous requests. Create it with New. A Client is safe for concurrent use
// and should be reused: it holds the login token and the connections.
//
// The generated client of package api does the HTTP; Client decorates it (authentication,
// User-Agent, retries, logging, pacing) and adds validation, defaults and typed errors. API
// returns the decorated generated client for calls the wrapper does not wrap.
type Client struct {
	baseURL        string
	hc             *http.Client
	userAgent      string
	now            func() time.Time
	logger         *slog.Logger
	attemptTimeout time.Duration
	retry          RetryPolicy
	limiter        *rate.Limiter
	defaultDue     time.Duration
	validate       bool
	auth           *authenticator
	api            *api.ClientWithResponses
	secrets        *redact.Set                       // the token or password, and every login token obtained
	retryHook      func(context.Context, RetryEvent) // WithRetryHook; nil when not set
	secretHook     func(secret string)               // WithSecretHook; nil when not set

	// sleep waits d or until ctx is done; tests replace it to observe waits without waiting.
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns a Client configured by opts. Without options it talks to the EU data centre,
// unauthenticated (only Login-free calls such as phrasetest's would then work; pass
// WithAPIToken, WithCredentials or WithBearerToken for Phrase).
//
// New fails on a base URL that is not absolute, not http(s), carries user information, a query
// or a fragment, or uses plain http:// for a host that is not loopback; on more than one kind of
// credentials; and on invalid option values.
func New(opts ...Option) (*Client, error) {
	s := settings{region: RegionEU, attemptTimeout: defaultAttemptTimeout}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.authCount > 1 {
		return nil, errors.New("wrapper: conflicting credentials: use only one of WithAPIToken, WithCredentials and WithBearerToken")
	}
	raw := s.region.BaseURL()
	if s.baseURL != "" {
		raw = s.baseURL
	}
	base, err := checkBaseURL(raw)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:        base,
		hc:             s.httpClient,
		userAgent:      s.userAgent,
		now:            s.now,
		logger:         s.logger,
		attemptTimeout: s.attemptTimeout,
		retry:          s.retry.withDefaults(),
		defaultDue:     s.defaultDue,
		validate:       !s.noValidation,
		sleep:          sleepCtx,
		secrets:        &redact.Set{},
		retryHook:      s.retryHook,
		secretHook:     s.secretHook,
	}
	c.secrets.Add(s.apiToken, s.bearerToken, s.password)
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	}
	if c.hc, err = wrapTransport(c.hc, s.transportWraps); err != nil {
		return nil, err
	}
	c.hc = noRedirects(c.hc) // a copy: the caller's client keeps its own CheckRedirect
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if s.perMinute > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(float64(s.perMinute)/60), 1)
	}
	c.auth = newAuthenticator(c, s)
	c.api, err = api.NewClientWithResponses(base, api.WithHTTPClient(&transport{c: c}))
	if err != nil {
		return nil, fmt.Errorf("wrapper: %w", err)
	}
	return c, nil
}

// String describes the client without any secret, e.g.
// `wrapper.Client{https://cloud.memsource.com/web, auth: ApiToken [REDACTED]}`.
func (c *Client) String() string {
	return fmt.Sprintf("wrapper.Client{%s, auth: %s}", c.baseURL, c.auth)
}

// GoString is String, so that %#v prints no secret either.
func (c *Client) GoString() string { return c.String() }

// BaseURL returns the API root including /web, e.g. https://cloud.memsource.com/web.
func (c *Client) BaseURL() string { return c.baseURL }

// API returns the generated client, decorated: every call made through it carries the
// User-Agent and the Authorization header (logging in when needed), is retried as RetryPolicy
// describes (a POST other than login only after 429/503 or a provable non-send), paced and
// logged. Its responses' bodies are read with a size bound. Turn a non-2xx response into an
// *APIError with CheckResponse.
func (c *Client) API() *api.ClientWithResponses { return c.api }

// CreateJobs creates jobs in project projectUID, one per target language of body.TargetLangs
// (and workflow step), from one file: the file of the connector's asynchronous download task
// downloadTaskID or, when downloadTaskID is "", the remote file body.RemoteFile names.
// It sends POST /api2/v1/projects/{projectUID}/jobs/connectorTask?downloadTaskId=….
//
//	out, err := client.CreateJobs(ctx, "PRJ", "DL-1", api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
//	if err != nil { ... }
//	for _, job := range out.Jobs { ... }
//	done, err := client.WaitAsyncRequest(ctx, out.AsyncRequestID())
//
// Before sending, it applies WithDefaultDueOffset and validates the request (see
// ValidateRequest; a *ValidationError means nothing was sent). It always refuses, even
// WithoutValidation, an empty projectUID and a request that names no file at all (neither a
// downloadTaskID nor body.RemoteFile): a job needs a file, so Phrase could only refuse it or
// create jobs of nothing. That rule is ours, inferred; Phrase does not document it.
//
// On success (201 Created) it returns Phrase's answer with the Response (status, request id,
// headers, body as sent). Errors:
//
//   - *ValidationError: the request is invalid; nothing was sent.
//   - *APIError: Phrase refused the request (4xx), or kept answering 429/503 beyond the retry
//     policy; no jobs were created.
//   - *UnknownOutcomeError: the request may have reached Phrase but no usable answer came back
//     (a 5xx, a broken connection, a redirect, a 2xx other than 201, an answer other than a
//     201 whose body broke off); jobs may exist. It was not resent. Check the project's jobs
//     before trying again.
//   - *CreatedUnreadableError: Phrase answered 201, so the jobs exist, but the answer could not
//     be read (not JSON, or its body broke off). Do not send the request again.
//   - the context's error, or a network error that happened before anything was sent.
func (c *Client) CreateJobs(ctx context.Context, projectUID, downloadTaskID string, body api.JobCreateRequestDto, opts ...CreateOption) (*CreateJobsResult, error) {
	_, encoded, err := c.prepareCreate(projectUID, downloadTaskID, body)
	if err != nil {
		return nil, err
	}
	ctx = withRequestSecrets(ctx, bodySecrets(&body)...)
	params := createParams(downloadTaskID, opts)
	sent := c.now()
	resp, err := c.api.CreateJobFromAsyncDownloadTaskWithBody(ctx, projectUID, params, "application/json", bytes.NewReader(encoded))
	if err != nil {
		if created := createdUnreadable(projectUID, err); created != nil {
			created.Response = redactor{set: c.secrets, extra: bodySecrets(&body)}.response(created.Response)
			c.noteCreateOutcome(ctx, projectUID, created)
			return nil, created
		}
		err = c.describeUnknown(err, projectUID, params, &body, sent)
		c.noteCreateOutcome(ctx, projectUID, err)
		return nil, err
	}
	data, apiErr := c.readResponse(resp)
	if apiErr != nil {
		if apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusServiceUnavailable {
			err := c.describeUnknown(&UnknownOutcomeError{Err: apiErr}, projectUID, params, &body, sent)
			c.noteCreateOutcome(ctx, projectUID, err)
			return nil, err
		}
		return nil, apiErr
	}
	red := redactor{set: c.secrets, extra: bodySecrets(&body)}
	if resp.StatusCode != http.StatusCreated {
		// Only 201 is Phrase's answer to a create that succeeded; another 2xx (from a proxy,
		// say) proves neither that the jobs exist nor that they do not.
		err := c.describeUnknown(&UnknownOutcomeError{Err: &unexpectedStatusError{Response: red.response(newResponse(resp, data))}}, projectUID, params, &body, sent)
		c.noteCreateOutcome(ctx, projectUID, err)
		return nil, err
	}
	out := &CreateJobsResult{Response: red.response(newResponse(resp, data))}
	if err := json.Unmarshal(data, &out.JobListDto); err != nil {
		err := &CreatedUnreadableError{ProjectUID: projectUID, Response: out.Response, Err: err}
		c.noteCreateOutcome(ctx, projectUID, err)
		return nil, err
	}
	return out, nil
}

// prepareCreate checks the project uid and the source, applies the default due date, encodes
// the body once and validates those bytes: what CreateJobs sends (the same bytes, so nothing
// is encoded twice on the hot path) and PreviewCreateJobs shows.
func (c *Client) prepareCreate(projectUID, downloadTaskID string, body api.JobCreateRequestDto) (api.JobCreateRequestDto, []byte, error) {
	if p := pathIDProblem("projectUid", projectUID, "pass the uid of the project to create the jobs in"); p != nil {
		return body, nil, &ValidationError{Problems: []Problem{*p}}
	}
	// The source rule holds even WithoutValidation; its problem is reported with the others.
	var ps []Problem
	if p, ok := sourceProblem(downloadTaskID, &body); !ok {
		ps = append(ps, p)
	}
	now := c.now()
	body = c.applyDefaults(body, now)
	encoded, err := json.Marshal(body)
	if err != nil {
		return body, nil, encodeProblem(err)
	}
	if c.validate {
		if err := validateEncoded(&body, encoded, now); err != nil {
			var invalid *ValidationError
			if !errors.As(err, &invalid) {
				return body, nil, err
			}
			ps = append(ps, invalid.Problems...)
		}
	}
	if err := problemsErr(ps); err != nil {
		return body, nil, err
	}
	return body, encoded, nil
}

// applyDefaults returns body with the default due date set when WithDefaultDueOffset asks for
// it: only when there is no due date at all, and no workflowSettings (a top-level due conflicts
// with them).
func (c *Client) applyDefaults(body api.JobCreateRequestDto, now time.Time) api.JobCreateRequestDto {
	if c.defaultDue <= 0 || hasAnyDue(&body) || body.WorkflowSettings != nil {
		return body
	}
	body.Due = api.NewDateTimePtr(now.Add(c.defaultDue))
	return body
}

// hasAnyDue reports whether body has a due date, top-level or on a workflow step.
func hasAnyDue(body *api.JobCreateRequestDto) bool {
	if body.Due != nil && !body.Due.IsZero() {
		return true
	}
	if body.WorkflowSettings != nil {
		for _, s := range *body.WorkflowSettings {
			if s.Due != nil && !s.Due.IsZero() {
				return true
			}
		}
	}
	return false
}

// Login logs in with the user name and password of WithCredentials
// (POST /api2/v1/auth/login), caches the token for the calls that follow, and returns
// Phrase's answer. Calls log in by themselves when needed; call Login to check credentials
// early or to learn the user. A login already under way is joined rather than repeated. It
// fails when the client has no credentials.
func (c *Client) Login(ctx context.Context) (*api.LoginResponseDto, error) {
	return c.auth.forceLogin(ctx)
}

// doLogin sends one login request (with the transport's retries) and returns the answer.
func (c *Client) doLogin(ctx context.Context, userName, password string) (*api.LoginResponseDto, error) {
	resp, err := c.api.Login(ctx, api.LoginDto{UserName: userName, Password: password})
	if err != nil {
		return nil, fmt.Errorf("log in as %s: %w", userName, err)
	}
	data, apiErr := c.readResponse(resp)
	if apiErr != nil {
		return nil, fmt.Errorf("log in as %s: %w", userName, apiErr)
	}
	var out api.LoginResponseDto
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("log in as %s: reading the answer: %w", userName, err)
	}
	if out.Token == nil || *out.Token == "" {
		return nil, fmt.Errorf("log in as %s: the answer carries no token", userName)
	}
	if c.logger.Enabled(ctx, slog.LevelInfo) {
		attrs := []slog.Attr{slog.String("user", userName)}
		if out.Expires != nil {
			attrs = append(attrs, slog.Time("expires", out.Expires.Time))
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "phrase: logged in", attrs...)
	}
	return &out, nil
}

// AsyncRequest reads an asynchronous request once (GET /api2/v1/async/{id}). It has finished
// when AsyncResponse is not nil, and failed when AsyncResponse.ErrorCode is set; see
// WaitAsyncRequest to wait for that. A non-2xx answer is an *APIError.
func (c *Client) AsyncRequest(ctx context.Context, id string) (*api.AsyncRequestDto, error) {
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("async request: empty id")
	}
	if p := pathIDProblem("asyncRequestId", id, "pass the id of CreateJobs' asyncRequest"); p != nil {
		return nil, &ValidationError{Problems: []Problem{*p}}
	}
	resp, err := c.api.GetAsyncRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	data, apiErr := c.readResponse(resp)
	if apiErr != nil {
		return nil, apiErr
	}
	var out api.AsyncRequestDto
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("async request %s: reading the answer: %w", id, err)
	}
	return &out, nil
}

// readResponse returns the (already buffered) body of a 2xx response, or the *APIError of any
// other; the body is always closed.
func (c *Client) readResponse(resp *http.Response) ([]byte, *APIError) {
	var data []byte
	if mb, ok := resp.Body.(*memBody); ok {
		data = mb.data // buffered by the transport: no second copy
	} else {
		data, _ = io.ReadAll(resp.Body)
	}
	_ = resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return data, nil
	}
	e := newAPIError(resp, data, c.now())
	c.redactor(resp).apiError(e)
	return nil, e
}

// redactor returns the redactor of the Client and of the request resp answers.
func (c *Client) redactor(resp *http.Response) redactor {
	r := redactor{set: c.secrets}
	if mb, ok := resp.Body.(*memBody); ok {
		r.extra = mb.secrets
	}
	return r
}

// checkBaseURL validates an API root and returns it without a trailing slash.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("wrapper: base URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("wrapper: base URL %q: want an absolute https:// URL such as %s", redactURL(u), RegionEU.BaseURL())
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("wrapper: base URL %q has no host", redactURL(u))
	}
	if u.User != nil {
		return "", errors.New("wrapper: base URL carries user information; pass credentials with WithCredentials or WithAPIToken instead")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("wrapper: base URL %q must not have a query or a fragment", redactURL(u))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("wrapper: base URL %q uses plain http for a host that is not loopback; use https so that credentials are not sent in clear text", redactURL(u))
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// isLoopback reports whether host is localhost or a loopback address (127.0.0.0/8, ::1).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DefaultUserAgent returns the User-Agent sent unless WithUserAgent replaces it:
// "connectortask/<version> (+https://github.com/seed-a960d6a4/connectortask)", with the
// module's version from the build information ("(devel)" in a build from a working tree).
func DefaultUserAgent() string {
	return "connectortask/" + moduleVersion() + " (+https://" + modulePath + ")"
}

// moduleVersion returns this module's version as the build recorded it.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	version := ""
	if bi.Main.Path == modulePath {
		version = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			version = d.Version
			if d.Replace != nil && d.Replace.Version != "" {
				version = d.Replace.Version
			}
		}
	}
	if version == "" {
		return "(devel)"
	}
	return version
}

// defaultHTTPClient returns the client used unless WithHTTPClient says otherwise: a transport
// of its own (a clone of http.DefaultTransport, so proxies from the environment still work)
// with bounds on connecting, the TLS handshake and the wait for response headers.
func defaultHTTPClient() *http.Client {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConns: 100, IdleConnTimeout: 90 * time.Second}
	}
	tr.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = 60 * time.Second
	tr.ExpectContinueTimeout = time.Second
	tr.MaxIdleConnsPerHost = 8
	return &http.Client{Transport: tr}
}

// bytesBody returns a fresh reader over data, for a response body already read.
func bytesBody(data []byte) io.ReadCloser { return &memBody{Reader: bytes.NewReader(data), data: data} }

// memBody is a response body the transport has already read into memory.
type memBody struct {
	*bytes.Reader
	data    []byte
	secrets []string // of the request answered, beyond the Client's: for redacting errors
}

// Close does nothing: there is no connection behind a memBody.
func (*memBody) Close() error { return nil }
