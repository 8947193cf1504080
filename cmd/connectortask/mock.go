package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

const mockLong = `Serve the embedded fake of Phrase TMS (package wrapper/phrasetest) until interrupted (Ctrl-C or
SIGTERM). It answers the three calls of the spec (login, connectorTask, async) like Phrase
does, with one demo project, and listens on loopback only: it accepts well-known demo
credentials, so it must not be reachable from other machines.

The first line on stdout is its API root URL (e.g. http://127.0.0.1:41234/web), and nothing
else goes to stdout: a script reads that line to find the port that --addr 127.0.0.1:0 picked.
The demo credentials, the project and the faults in force go to stderr. They belong to the
fake, not to any Phrase account: token phrasetest-static-token, or user demo with password
demo-password.

Faults, for testing a client's retries and error handling in any language (each is off unless
given; counts are per run of the mock):
  --rate-limited N         the first N job-creating POSTs answer 429 ApiLimitReached with
                           Retry-After (--retry-after), creating nothing
  --rate-limit N           every request beyond N within the window (--rate-window, 1m)
                           answers 429 ApiLimitReached with Retry-After (the seconds until the
                           window has room), as Phrase does beyond 6,000 requests a minute
  --unavailable N          the first N requests other than login answer 503
                           ServiceUnavailable with Retry-After (--retry-after), doing nothing
  --lost-responses N       the first N job-creating POSTs create their jobs, then answer 502
                           with an HTML body, as a proxy that lost Phrase's answer; a client
                           that resends creates the jobs twice
  --lost-requests N        the first N job-creating POSTs are lost before Phrase acts: nothing
                           is created, and they answer the same 502 page (only the project's
                           jobs tell the two apart: create --reconcile)
  --latency D              every request waits D before it is handled
  --token-ttl D            login tokens expire D after the login (then 401 AuthUnauthorized)
  --token-expires-after-calls N
                           a login token stops working after N calls (401): the client must
                           log in again; the static token is not affected
  --unknown-enums          answers carry enum values and fields the spec does not list yet
  --async-pending-polls N  an async request is pending for N polls, finished on poll N+1
  --async-failure CODE[:DESCRIPTION]
                           async requests finish with that errorCode
  --async-never-finishes   async requests stay pending (a client's wait must time out)
  --seed N                 ids (job uids, async ids, tokens) the same on every run`

const mockExample = `  # In one terminal:
  connectortask mock

  # In another, with the URL and token it printed:
  export PHRASE_TMS_URL=http://127.0.0.1:8080/web PHRASE_TMS_TOKEN=phrasetest-static-token
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr --wait

  # In CI, on a free port, the URL read from the first line on stdout:
  connectortask mock --addr 127.0.0.1:0 > mock.url & mock=$!
  until [ -s mock.url ]; do sleep 0.1; done; export PHRASE_TMS_URL=$(head -n1 mock.url)
  pytest tests/; kill $mock

  # Test a client's retries: the first 2 job-creating POSTs answer 429 with Retry-After: 3,
  # then the first request other than login answers 503:
  connectortask mock --rate-limited 2 --retry-after 3
  connectortask mock --unavailable 1 --retry-after 1

  # A rate limit of 100 requests per 10 seconds (429 with Retry-After beyond it):
  connectortask mock --rate-limit 600 --rate-window 10s

  # Lost answers (the jobs exist, the client sees a 502), slow answers, expiring logins:
  connectortask mock --lost-responses 1
  connectortask mock --lost-requests 1 --lost-responses 1
  connectortask mock --latency 2s
  connectortask mock --token-ttl 30s
  connectortask mock --token-expires-after-calls 3

  # Values a later Phrase may send (a client must not break on them):
  connectortask mock --unknown-enums

  # Async requests that take 5 polls, that fail, or that never finish:
  connectortask mock --async-pending-polls 5
  connectortask mock --async-failure ImportFailed:"the file could not be imported"
  connectortask mock --async-never-finishes

  # On another port, with the same ids on every run:
  connectortask mock --addr 127.0.0.1:9090 --seed 42`

// mockFlags are the mock's flags: where to listen and the faults to inject.
type mockFlags struct {
	addr               string
	rateLimited        int
	rateLimit          int
	rateWindow         time.Duration
	unavailable        int
	retryAfter         string
	lostResponses      int
	lostRequests       int
	latency            time.Duration
	tokenTTL           time.Duration
	tokenExpiresAfter  int
	unknownEnums       bool
	asyncPendingPolls  int
	asyncFailure       string
	asyncNeverFinishes bool
	seed               uint64
}

func (a *app) newMockCmd() *cobra.Command {
	m := &mockFlags{}
	cmd := &cobra.Command{
		Use:     "mock [--addr 127.0.0.1:8080] [fault flags]",
		Short:   "Serve a fake Phrase TMS on loopback, with faults on demand, for testing clients",
		Long:    mockLong,
		Example: mockExample,
		Args:    cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error { return a.mock(cmd, m) })
	fl := cmd.Flags()
	fl.StringVar(&m.addr, "addr", "127.0.0.1:8080", "loopback host:port to listen on (port 0 picks a free one)")
	fl.IntVar(&m.rateLimited, "rate-limited", 0, "the first `N` job-creating POSTs answer 429 with Retry-After")
	fl.IntVar(&m.rateLimit, "rate-limit", 0, "answer 429 with Retry-After to every request beyond `N` per --rate-window")
	fl.DurationVar(&m.rateWindow, "rate-window", time.Minute, "the sliding window of --rate-limit; the limit scales with it")
	fl.IntVar(&m.unavailable, "unavailable", 0, "the first `N` requests other than login answer 503 with Retry-After")
	fl.StringVar(&m.retryAfter, "retry-after", "1", "the Retry-After header of --rate-limited and --unavailable (seconds or an HTTP date; \"\" for none)")
	fl.IntVar(&m.lostResponses, "lost-responses", 0, "the first `N` job-creating POSTs create their jobs, then answer 502 (a lost answer)")
	fl.IntVar(&m.lostRequests, "lost-requests", 0, "the first `N` job-creating POSTs are lost before Phrase acts: nothing is created, and they answer 502")
	fl.DurationVar(&m.latency, "latency", 0, "every request waits this long before it is handled")
	fl.DurationVar(&m.tokenTTL, "token-ttl", phrasetest.DefaultTokenTTL, "login tokens expire this long after the login")
	fl.IntVar(&m.tokenExpiresAfter, "token-expires-after-calls", 0, "a login token answers 401 after `N` calls; the client must log in again")
	fl.BoolVar(&m.unknownEnums, "unknown-enums", false, "answers carry enum values and fields the spec does not list yet")
	fl.IntVar(&m.asyncPendingPolls, "async-pending-polls", phrasetest.DefaultAsyncPendingPolls, "an async request is pending for `N` polls, finished on the next")
	fl.StringVar(&m.asyncFailure, "async-failure", "", "async requests finish with this errorCode (`CODE[:DESCRIPTION]`)")
	fl.BoolVar(&m.asyncNeverFinishes, "async-never-finishes", false, "async requests stay pending forever")
	fl.Uint64Var(&m.seed, "seed", 0, "make the ids the same on every run (0: random ids)")
	hideInheritedFlags(cmd, append(networkFlags, "output")...) // the mock is the server
	return cmd
}

// faultOptions turns the fault flags into phrasetest options, every problem at once.
func (m *mockFlags) faultOptions(fl *pflag.FlagSet) ([]phrasetest.Option, []string, error) {
	var (
		opts  []phrasetest.Option
		said  []string // the faults in force, for stderr
		probs []wrapper.Problem
	)
	count := func(name string, n int) bool {
		if n < 0 {
			probs = append(probs, wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%d is negative", n), Fix: "give a count of 0 or more"})
			return false
		}
		return n > 0
	}
	positive := func(name string, d time.Duration) bool {
		if !fl.Changed(name) {
			return false
		}
		if d <= 0 {
			probs = append(probs, wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%s is not a positive duration", d), Fix: "give a duration such as 500ms or 30s"})
			return false
		}
		return true
	}
	if strings.ContainsAny(m.retryAfter, "\r\n\x00") {
		probs = append(probs, wrapper.Problem{Path: "--retry-after", Message: "contains a line break", Fix: "give a number of seconds such as 3"})
	}
	retry := "Retry-After: " + m.retryAfter
	if m.retryAfter == "" {
		retry = "no Retry-After"
	}
	if count("rate-limited", m.rateLimited) {
		opts = append(opts, phrasetest.WithRateLimited(m.rateLimited, m.retryAfter))
		said = append(said, theFirst(m.rateLimited, "job-creating POST")+" answer"+verbS(m.rateLimited)+" 429 ("+retry+")")
	}
	if count("rate-limit", m.rateLimit) {
		opts = append(opts, phrasetest.WithRequestRateLimit(m.rateLimit))
		said = append(said, fmt.Sprintf("more than %d requests a minute answer 429 with Retry-After", m.rateLimit))
		if positive("rate-window", m.rateWindow) {
			opts = append(opts, phrasetest.WithRequestRateWindow(m.rateWindow))
			said[len(said)-1] += fmt.Sprintf(", counted over a sliding window of %s", m.rateWindow)
		}
	} else if fl.Changed("rate-window") {
		probs = append(probs, wrapper.Problem{Path: "--rate-window", Message: "given without --rate-limit", Fix: "add --rate-limit N, e.g. --rate-limit 600 --rate-window 10s"})
	}
	if count("unavailable", m.unavailable) {
		opts = append(opts, phrasetest.WithUnavailable(m.unavailable, m.retryAfter))
		said = append(said, theFirst(m.unavailable, "request")+" other than login answer"+verbS(m.unavailable)+" 503 ("+retry+")")
	}
	if count("lost-responses", m.lostResponses) {
		opts = append(opts, phrasetest.WithLostResponse(m.lostResponses))
		said = append(said, theFirst(m.lostResponses, "job-creating POST")+" create"+verbS(m.lostResponses)+" jobs, then answer"+verbS(m.lostResponses)+" 502 (a lost answer)")
	}
	if count("lost-requests", m.lostRequests) {
		opts = append(opts, phrasetest.WithLostRequest(m.lostRequests))
		said = append(said, theFirst(m.lostRequests, "job-creating POST")+" get"+verbS(m.lostRequests)+" lost before Phrase acts (502, nothing created)")
	}
	if positive("latency", m.latency) {
		opts = append(opts, phrasetest.WithLatency(m.latency))
		said = append(said, fmt.Sprintf("every request waits %s", m.latency))
	}
	if positive("token-ttl", m.tokenTTL) {
		opts = append(opts, phrasetest.WithTokenTTL(m.tokenTTL))
		said = append(said, fmt.Sprintf("login tokens expire %s after the login", m.tokenTTL))
	}
	if count("token-expires-after-calls", m.tokenExpiresAfter) {
		opts = append(opts, phrasetest.WithTokenExpiresAfterCalls(m.tokenExpiresAfter))
		said = append(said, fmt.Sprintf("a login token answers 401 after %d call%s", m.tokenExpiresAfter, plural(m.tokenExpiresAfter)))
	}
	if m.unknownEnums {
		opts = append(opts, phrasetest.WithUnknownEnumsAndFields())
		said = append(said, "answers carry enum values and fields the spec does not list")
	}
	if fl.Changed("async-pending-polls") {
		if count("async-pending-polls", m.asyncPendingPolls) || m.asyncPendingPolls == 0 {
			opts = append(opts, phrasetest.WithAsyncPendingPolls(m.asyncPendingPolls))
			said = append(said, fmt.Sprintf("async requests finish on poll %d", m.asyncPendingPolls+1))
		}
	}
	if fl.Changed("async-failure") {
		code, desc, _ := strings.Cut(m.asyncFailure, ":")
		if strings.TrimSpace(code) == "" {
			probs = append(probs, wrapper.Problem{Path: "--async-failure", Message: "no errorCode", Fix: "give CODE or CODE:DESCRIPTION, e.g. ImportFailed:bad file"})
		} else {
			opts = append(opts, phrasetest.WithAsyncFailure(code, desc))
			said = append(said, "async requests finish with errorCode "+code)
		}
	}
	if m.asyncNeverFinishes {
		opts = append(opts, phrasetest.WithAsyncNeverFinishes())
		said = append(said, "async requests never finish")
	}
	if m.seed != 0 {
		opts = append(opts, phrasetest.WithSeed(m.seed))
		said = append(said, "ids from seed "+strconv.FormatUint(m.seed, 10))
	}
	return opts, said, flagsOnlyError(probs)
}

func (a *app) mock(cmd *cobra.Command, m *mockFlags) error {
	host, _, err := net.SplitHostPort(m.addr)
	if err != nil {
		return usagef("--addr %q: want host:port, e.g. 127.0.0.1:8080", m.addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--addr %q: the fake listens on loopback only (127.0.0.1, ::1 or localhost)", m.addr)
	}
	opts, faults, err := m.faultOptions(cmd.Flags())
	if err != nil {
		return err
	}
	srv, err := phrasetest.Start(m.addr, append(opts, a.fakeOpts...)...)
	if err != nil {
		if addrInUse(err) {
			return withHint(fmt.Errorf("mock: %s is already in use by another program", m.addr),
				"give another --addr, e.g. --addr %s, or --addr %s for a free port (its URL is the first line on stdout)",
				net.JoinHostPort(host, "9090"), net.JoinHostPort(host, "0"))
		}
		return err
	}
	defer srv.Close()

	// The URL first, alone on stdout, for scripts; the rest is for people, on stderr.
	if _, err := fmt.Fprintln(a.stdout, srv.URL); err != nil {
		return err
	}
	w := a.stderr
	fmt.Fprintf(w, "connectortask mock: a fake Phrase TMS is serving at %s (Ctrl-C to stop)\n", srv.URL)
	fmt.Fprintf(w, "  demo credentials of the fake (not a real account):\n")
	fmt.Fprintf(w, "    export %s=%s\n", envURL, srv.URL)
	fmt.Fprintf(w, "    export %s=%s\n", envToken, srv.Token)
	fmt.Fprintf(w, "    # or: export %s=%s %s=%s\n", envUsername, srv.Username, envPassword, srv.Password)
	fmt.Fprintf(w, "  project %s, target languages %s\n", srv.ProjectUID, strings.Join(srv.TargetLangs, ", "))
	for _, f := range faults {
		fmt.Fprintf(w, "  fault: %s\n", f)
	}
	fmt.Fprintf(w, "  try: connectortask create --project-uid %s --target-lang %s --wait\n", srv.ProjectUID, strings.Join(firstN(srv.TargetLangs, 2), ","))

	<-cmd.Context().Done()
	fmt.Fprintln(w, "connectortask mock: stopped")
	return nil
}

// theFirst is "the first job-creating POST" or "the first 3 job-creating POSTs".
func theFirst(n int, noun string) string {
	if n == 1 {
		return "the first " + noun
	}
	return fmt.Sprintf("the first %d %ss", n, noun)
}

// verbS is the -s of a verb whose subject is theFirst(n, ...).
func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

func firstN(s []string, n int) []string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
