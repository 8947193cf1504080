package phrasetest

import (
	"slices"
	"time"
)

// Defaults of a Server started without options.
const (
	// DefaultToken is the static API token a Server accepts unless [WithToken] sets another.
	DefaultToken = "phrasetest-static-token"
	// DefaultUsername is the demo user's name for POST /api2/v1/auth/login.
	DefaultUsername = "demo"
	// DefaultPassword is the demo user's password for POST /api2/v1/auth/login.
	DefaultPassword = "demo-password"
	// DefaultProjectUID is the uid of the project a Server has unless [WithProject] is given.
	DefaultProjectUID = "Pr2wE4rT6yU8iO0p"
	// DefaultProjectName is the name of the default project.
	DefaultProjectName = "Winter campaign"
	// DefaultTokenTTL is how long a login token lives unless [WithTokenTTL] sets another.
	DefaultTokenTTL = 24 * time.Hour
	// DefaultAsyncPendingPolls is how many GETs of an asynchronous request answer with
	// asyncResponse null before the request finishes, unless [WithAsyncPendingPolls] is given.
	DefaultAsyncPendingPolls = 2
	// DefaultMaxBodyBytes bounds request bodies unless [WithMaxBodyBytes] sets another bound.
	DefaultMaxBodyBytes int64 = 1 << 20
)

// DefaultTargetLangs returns the target languages of the default project: de, fr, es, it, ja.
func DefaultTargetLangs() []string { return []string{"de", "fr", "es", "it", "ja"} }

// Option configures a Server; pass options to [NewServer] or [Start].
type Option func(*config)

// project is a project the fake knows.
type project struct {
	uid         string
	name        string
	targetLangs []string
}

// config is what the options set.
type config struct {
	clock    func() time.Time
	idSource func() string
	seed     *uint64

	projects        []project
	projectsCleared bool // the first WithProject replaced the default project

	username, password string
	token              string
	tokenTTL           time.Duration
	tokenMaxCalls      int

	rateLimited      int
	rateRetryAfter   string
	unavailable      int
	unavailableRetry string
	lostResponses    int
	lostRequests     int     // WithLostRequest, faults.go
	faultRate        float64 // WithRandomFaults
	faultSeed        uint64
	requestRate      *requestRate // WithRequestRateLimit, ratelimit.go

	asyncPendingPolls  int
	asyncFailCode      string
	asyncFailDesc      string
	asyncNeverFinishes bool

	unknownEnums bool
	maxBodyBytes int64
	latency      time.Duration
}

func defaultConfig() config {
	return config{
		clock:             time.Now,
		projects:          []project{{uid: DefaultProjectUID, name: DefaultProjectName, targetLangs: DefaultTargetLangs()}},
		username:          DefaultUsername,
		password:          DefaultPassword,
		token:             DefaultToken,
		tokenTTL:          DefaultTokenTTL,
		asyncPendingPolls: DefaultAsyncPendingPolls,
		maxBodyBytes:      DefaultMaxBodyBytes,
	}
}

// WithClock makes the Server read the time from now instead of time.Now: every date it writes
// (dateCreated, expires, ...) and every expiry it checks uses it. A test can move the clock
// forward to expire tokens without sleeping. now must be safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithIDSource makes every id the Server hands out (job uids, source file uids, asynchronous
// request ids, login tokens, provider uids) come from next, in the order the Server needs them.
// The Server calls next one call at a time, with its lock held; next should not repeat itself.
// It takes precedence over [WithSeed].
func WithIDSource(next func() string) Option {
	return func(c *config) {
		if next != nil {
			c.idSource = next
		}
	}
}

// WithSeed makes the Server's ids deterministic: two Servers with the same seed that see the
// same requests in the same order hand out the same ids. Without it (and without
// [WithIDSource]) ids are random.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = &seed }
}

// WithProject gives the Server a project with that uid and target languages (the default ones,
// [DefaultTargetLangs], when none are given). The first WithProject replaces the default
// project and becomes [Server.ProjectUID]; later ones add projects, or replace the one with the
// same uid.
func WithProject(uid string, targetLangs ...string) Option {
	return func(c *config) {
		if !c.projectsCleared {
			c.projects = nil
			c.projectsCleared = true
		}
		langs := slices.Clone(targetLangs)
		if len(langs) == 0 {
			langs = DefaultTargetLangs()
		}
		p := project{uid: uid, name: uid, targetLangs: langs}
		for i := range c.projects {
			if c.projects[i].uid == uid {
				c.projects[i] = p
				return
			}
		}
		c.projects = append(c.projects, p)
	}
}

// WithCredentials sets the user name and password POST /api2/v1/auth/login accepts (by
// default [DefaultUsername] and [DefaultPassword]).
func WithCredentials(user, pass string) Option {
	return func(c *config) { c.username, c.password = user, pass }
}

// WithToken sets the static API token the Server accepts as "ApiToken <tok>" or
// "Bearer <tok>" (by default [DefaultToken]). The static token never expires.
func WithToken(tok string) Option {
	return func(c *config) { c.token = tok }
}

// WithTokenTTL sets how long a login token lives (by default [DefaultTokenTTL]); the login
// answer's expires is the login time plus d, and a call after it answers 401 AuthUnauthorized.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) { c.tokenTTL = d }
}

// WithTokenExpiresAfterCalls makes every login token stop working after n authenticated calls:
// call n+1 with it answers 401 AuthUnauthorized, as when Phrase invalidates a user's sessions,
// so a client must log in again. The static token is not affected. n <= 0 turns it off.
func WithTokenExpiresAfterCalls(n int) Option {
	return func(c *config) { c.tokenMaxCalls = n }
}

// WithRateLimited makes the first n job-creating POSTs that pass authentication answer 429 with
// {"errorCode":"ApiLimitReached",...} and the header "Retry-After: <retryAfter>" (no header when
// retryAfter is empty). They create nothing.
func WithRateLimited(n int, retryAfter string) Option {
	return func(c *config) { c.rateLimited, c.rateRetryAfter = n, retryAfter }
}

// WithUnavailable makes the first n requests other than login answer 503 with
// {"errorCode":"ServiceUnavailable",...} and the header "Retry-After: <retryAfter>" (no header
// when retryAfter is empty), before authentication and routing, as a service in maintenance
// does. They do nothing. Login is exempt so that a test can count on n failures of the calls
// under test whether or not the client logs in first.
func WithUnavailable(n int, retryAfter string) Option {
	return func(c *config) { c.unavailable, c.unavailableRetry = n, retryAfter }
}

// WithLostResponse makes the first n job-creating POSTs that would succeed create their jobs
// and then answer 502 with an HTML body, as a proxy that lost Phrase's answer does. Resending
// such a request creates the jobs twice; [Server.Jobs] shows it.
func WithLostResponse(n int) Option {
	return func(c *config) { c.lostResponses = n }
}

// WithAsyncPendingPolls makes an asynchronous request answer with asyncResponse null for its
// first n GETs and finish on GET n+1 (by default [DefaultAsyncPendingPolls]; 0 finishes it on
// the first GET).
func WithAsyncPendingPolls(n int) Option {
	return func(c *config) { c.asyncPendingPolls = max(n, 0) }
}

// WithAsyncFailure makes asynchronous requests finish with that errorCode and errorDesc (and
// one errorDetails entry carrying them) instead of succeeding.
func WithAsyncFailure(errorCode, errorDesc string) Option {
	return func(c *config) { c.asyncFailCode, c.asyncFailDesc = errorCode, errorDesc }
}

// WithAsyncNeverFinishes makes asynchronous requests answer with asyncResponse null forever.
func WithAsyncNeverFinishes() Option {
	return func(c *config) { c.asyncNeverFinishes = true }
}

// WithUnknownEnumsAndFields makes answers carry what a later Phrase release might send: enum
// values the spec does not list ([UnknownJobStatus], [UnknownAsyncAction], [UnknownUserRole],
// [UnknownWarningDomain], [UnknownProviderType]; a warning and a provider are added to carry
// the last two) and fields it does not describe ([UnknownFieldName] in every object, error
// bodies included, and [UnknownObjectFieldName] at the top). Readers must tolerate both.
func WithUnknownEnumsAndFields() Option {
	return func(c *config) { c.unknownEnums = true }
}

// WithMaxBodyBytes bounds request bodies to n bytes (by default [DefaultMaxBodyBytes]); a
// larger body answers 413 with errorCode [CodeRequestTooLarge] and does nothing.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBodyBytes = n
		}
	}
}

// WithLatency makes every request wait d before it is handled. Close and the request's
// cancellation end the wait early.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = d }
}
