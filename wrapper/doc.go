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
//	if err != nil {
//		return err
//	}
//	out, err := client.CreateJobs(ctx, projectUID, downloadTaskID,
//		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
//	if err != nil {
//		return err // an *UnknownOutcomeError means jobs may exist: see Errors
//	}
//	log.Printf("created jobs %v (request id %s)", out.JobUIDs(), out.Response.RequestID)
//
//	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute) // the one bound of the wait
//	defer cancel()
//	done, err := client.WaitAsyncRequest(ctx, out.AsyncRequestID())
//	if err != nil {
//		return err
//	}
//	log.Printf("imported at %s", done.AsyncResponse.DateCreated)
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
// CreateJobs validates the request before sending anything (see ValidateRequest): against the
// request schema of openapi.yaml, compiled into the package at generation time (nothing is parsed
// at start-up), and against
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
// and Phrase's colon-less offsets (2026-12-01T17:00:00+0000) are read. WithDefaultDueOffset
// sets a due date on requests that have none at all (no due, no step due, and no
// workflowSettings, with which a top-level due would conflict).
//
// # Errors
//
// First the case that matters most. A job-creating POST whose answer was lost (a 5xx other than
// 503, a connection lost after sending, a timeout) returns an *UnknownOutcomeError: Phrase may
// or may not have created the jobs, and the wrapper has not resent it, because Phrase has no
// idempotency key. Find out before doing anything else:
//
//	client, err := wrapper.New(wrapper.WithAPIToken(os.Getenv("PHRASE_TMS_TOKEN")))
//	if err != nil {
//		return err
//	}
//	body := api.JobCreateRequestDto{TargetLangs: []string{"de"}}
//	_, err = client.CreateJobs(ctx, projectUID, downloadTaskID, body)
//	switch wrapper.OutcomeOf(err) {
//	case wrapper.OutcomeUnknown:
//		var unknown *wrapper.UnknownOutcomeError
//		if errors.As(err, &unknown) {
//			found, rerr := client.Reconcile(ctx, unknown, wrapper.ReconcileOptions{})
//			if rerr != nil {
//				return rerr
//			}
//			// found.Result: ReconcileCreated (found.Jobs), ReconcileNotCreated (send once
//			// more), or ReconcileAmbiguous (found.Candidates: a person decides)
//			fmt.Println(found.Result, found.Reason)
//		}
//	case wrapper.OutcomeFailed: // nothing was created: fix the cause and send again
//	}
//	return err
//
// OutcomeOf classifies any error as OutcomeCreated, OutcomeFailed (safe to send again after
// fixing the cause) or OutcomeUnknown. An *UnknownOutcomeError does not unwrap to its cause:
// errors.As(err, &apiErr) and errors.Is(err, context.DeadlineExceeded) are false for it, so code
// that retries 5xx answers or timeouts cannot resend it by accident; the cause is in its Err
// field. Reconcile lists the
// project's jobs (ListJobs) and states its rule and limits in its documentation.
//
// The other errors are typed too; use errors.As:
//
//   - *ValidationError: the request is invalid; nothing was sent.
//   - *APIError: a non-2xx answer, with Phrase's errorCode, errorDescription and details, or
//     the start of a non-JSON body (a proxy's HTML page) in Body, and Retry-After.
//   - *CreatedUnreadableError: Phrase answered 201, so the jobs exist, but the answer could not
//     be read. Do not send the request again; OutcomeOf says OutcomeCreated.
//   - *AsyncRequestError: the asynchronous request finished with an errorCode.
//   - *WaitTimeoutError: the context's deadline passed while WaitAsyncRequest waited; the
//     request goes on in Phrase. It satisfies errors.Is(err, context.DeadlineExceeded).
//
// CheckResponse turns a response of the generated client into an *APIError.
//
// # Retries
//
// 429 and 503 answers are retried with exponential backoff and full jitter, honouring
// Retry-After (seconds or an HTTP date, never below RetryPolicy.BaseDelay), bounded by
// RetryPolicy (attempts, total time, longest wait) and by the context (no wait past its
// deadline: the last answer is returned). Reads (GET) and login are also retried after other
// 5xx answers and network errors.
//
// The job-creating POST leaves the wrapper again only after 429 or 503, after a 401 with a
// renewed login, after a connection error that provably happened before anything was written
// (a failed dial or DNS lookup, a header net/http refused), or after an HTTP/2 refusal that
// proves the server did not process it (RST_STREAM REFUSED_STREAM, GOAWAY below its stream),
// each counted and logged as an attempt. Nothing below the wrapper can send it twice: the
// copy given to the http.Client cannot be rewound (so HTTP/2 cannot replay it after a reset or
// GOAWAY), a second write within one attempt is detected (net/http/httptrace) and ends as an
// *UnknownOutcomeError, and no redirect is followed on any call, also through WithHTTPClient
// (*RedirectError; any redirect to the POST is an unknown outcome). After any other failure it
// may have created jobs and it is not resent. TestFaultSuite and
// cmd/connectortask's TestFaultSuiteThroughTheBinary check this over HTTP/1.1 and HTTP/2.
//
// Each attempt is bounded by WithAttemptTimeout (60s by default); the default HTTP client also
// bounds connecting, the TLS handshake and the wait for response headers. Response bodies are
// read with a size bound (32 MiB for a 2xx answer: one refused by its Content-Length is not read,
// and reading costs at most about twice an answer's size, never more than the bound plus 1 MiB
// for an over-long one) and always drained and closed, so connections are reused. WithRateLimit
// paces requests on the client side.
//
// # Secrets
//
// The Error() string of every error the wrapper returns and every log record have the secrets
// it knows replaced by "[REDACTED]": the API or bearer token, the password, every login token,
// and the connector token and Authorization value of the request concerned, also when an error
// answer echoes them (JSON- and URL-escaped forms included). The options refuse a token or
// password with a control character, and validation a connector token with one, naming the
// option or field, never the value; nothing is sent.
//
// # Reading answers
//
// Unknown fields and enum values Phrase adds in later releases are accepted: enum types are
// strings, and a value the spec does not list is kept as it came.
//
// # Logging, tracing and support tickets
//
// WithLogger receives the client's decisions at Info and Warn (logins, retries with their
// reason and wait, the end of retrying, unknown outcomes, a request the HTTP client below wrote
// twice) and one Debug record per HTTP exchange; never a header or a body, and errors in
// records are redacted as above. Every answer's request id and headers are kept for a support
// ticket to Phrase: APIError.RequestID and Header on failure, CreateJobsResult.Response on
// success.
//
// WithTransport adds middleware over the client's tuned transport (its timeouts stay), such as
// OpenTelemetry's otelhttp.NewTransport for a client span per attempt; start a span around the
// call to group its attempts. WithRetryHook is called before each retry, with the call's
// context, to add an event to that span or count retries. README.md shows both with
// OpenTelemetry.
package wrapper
