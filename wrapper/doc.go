// Package wrapper is the Go client of Phrase TMS's connectorTask call: it creates jobs in a
// project from the file a connector downloaded (POST
// /api2/v1/projects/{projectUid}/jobs/connectorTask), logs in, and follows the asynchronous
// request that imports the jobs. It is built to run unattended: it validates before sending,
// retries only what is safe to retry, and says so when it cannot know what happened.
//
// The generated client of package api does the HTTP; this package decorates it (authentication,
// User-Agent, retries, pacing, logging) and decides the policy. Client.API returns the decorated
// generated client for calls this package does not wrap.
//
// # Getting started
//
//	client, err := wrapper.New(
//		wrapper.WithRegion(wrapper.RegionUS),          // default: RegionEU
//		wrapper.WithCredentials("jane.doe", password), // or WithAPIToken, WithBearerToken
//		wrapper.WithDefaultDueOffset(72*time.Hour),    // when a request has no due date
//	)
//	...
//	out, err := client.CreateJobsFromDownloadTask(ctx, projectUID,
//		&api.CreateJobFromAsyncDownloadTaskParams{DownloadTaskId: &downloadTaskID},
//		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
//	...
//	done, err := client.WaitAsyncRequest(ctx, *out.AsyncRequest.Id)
//
// A Client is safe for concurrent use; create one and share it, so that callers share its
// login token and connections. For tests and demos, package wrapper/phrasetest is a fake of
// Phrase: pass its Server.URL to WithBaseURL.
//
// # Authentication
//
// Every call but login carries an Authorization header, never a token in the URL:
//
//   - WithAPIToken: "ApiToken <token>", as given.
//   - WithBearerToken: "Bearer <token>", an OAuth access token, as given.
//   - WithCredentials: the client logs in (POST /api2/v1/auth/login) when a call first needs a
//     token, keeps the token in memory until one minute before its expires, and sends it as
//     "ApiToken <token>". When a call answers 401 (Phrase invalidated the session), the client
//     logs in once more and replays that call once; Phrase refuses such a call before acting,
//     so replaying even the job-creating POST is safe. Concurrent calls share one login.
//
// A static or bearer token that Phrase refuses is an *APIError with status 401; it is not
// renewed. Secrets (passwords, tokens, connector tokens) never appear in errors, logs,
// previews or the Client's String.
//
// # Validation
//
// CreateJobsFromDownloadTask validates the request before sending anything (see
// ValidateRequest): against the request schema of openapi.yaml, compiled into the package at
// generation time (nothing is parsed at start-up), and against
// rules the spec cannot express (neither due nor top-level assignments together with
// workflowSettings; importSettings and useProjectFileImportSettings not both; no duplicate
// target languages; assignments only for listed languages; an absolute http(s) callbackUrl; no
// due date in the past). Every problem is
// reported at once in a *ValidationError, each with its JSON path and a fix. ValidateRequestJSON
// does the same for raw JSON, reporting syntax errors, wrong types and unknown fields too.
// WithoutValidation turns this off.
//
// # Dates
//
// Every date-time is sent in UTC with whole seconds and a "Z" (api.DateTime writes them so),
// and Phrase's colon-less offsets (2026-12-01T17:00:00+0000) are read. ParseTime reads what a
// user types (RFC 3339 with any offset, Phrase's form, or "+72h", "+3d") for the CLI and for Go
// callers alike. WithDefaultDueOffset sets a due date on requests that have none at all (no
// due, no step due, and no workflowSettings, with which a top-level due would conflict).
//
// # Errors
//
// Errors are typed; use errors.As:
//
//   - *ValidationError: the request is invalid; nothing was sent.
//   - *APIError: a non-2xx answer, with Phrase's errorCode, errorDescription and details, or
//     the start of a non-JSON body (a proxy's HTML page) in Body, and Retry-After.
//   - *UnknownOutcomeError: the job-creating POST may have reached Phrase, but no usable answer
//     came back (a 5xx other than 503, a lost connection after sending, a timeout). Jobs may
//     have been created. Look at the project's jobs before trying again; the wrapper never
//     resends such a request, because Phrase has no idempotency key.
//   - *AsyncRequestError: the asynchronous request finished with an errorCode.
//   - *WaitTimeoutError: WaitAsyncRequest gave up waiting; the request goes on in Phrase.
//
// CheckResponse turns a response of the generated client into an *APIError.
//
// # Retries
//
// 429 and 503 answers are retried with exponential backoff and full jitter, honouring
// Retry-After (seconds or an HTTP date), bounded by RetryPolicy (attempts, total time, longest
// wait) and by the context. Reads (GET) are also retried after other 5xx answers and network
// errors. The job-creating POST is resent only after 429 or 503, after a 401 with a renewed
// login, or after a connection error that provably happened before anything was written (a
// failed dial or DNS lookup); after any other failure it may have created jobs and it is not
// resent. Each attempt is bounded by WithAttemptTimeout (60s by default); the default HTTP
// client also bounds connecting, the TLS handshake and the wait for response headers. Response
// bodies are read with a size bound and always drained and closed, so connections are reused.
// WithRateLimit paces requests on the client side.
//
// # Reading answers
//
// Unknown fields and enum values Phrase adds in later releases are accepted: enum types are
// strings, and a value the spec does not list is kept as it came.
//
// # Logging
//
// WithLogger receives one Debug record per HTTP exchange (method, path, status, duration,
// attempt, and the error when there is no response). Nothing else is logged, and never a
// header or a body.
package wrapper
