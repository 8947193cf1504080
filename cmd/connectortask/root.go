package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/internal/redact"
	"github.com/seed-a960d6a4/connectortask/internal/userinput"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// Environment variables the CLI reads. Flags win over them.
const (
	envURL      = "PHRASE_TMS_URL"
	envRegion   = "PHRASE_TMS_REGION"
	envToken    = "PHRASE_TMS_TOKEN"
	envUsername = "PHRASE_TMS_USERNAME"
	envPassword = "PHRASE_TMS_PASSWORD"
)

// Exit codes: the contract other tooling is written against.
const (
	exitOK      = 0 // success
	exitAPI     = 1 // the API answered with an error, or the network failed
	exitUsage   = 2 // usage or validation error; nothing was sent
	exitTimeout = 3 // --wait timed out; the jobs were created and are on stdout
	exitUnknown = 4 // outcome unknown: jobs may have been created; nothing was resent (outcome_exit.go)
)

// app is one invocation of the CLI: its streams, environment, global flags and the test knobs.
type app struct {
	stdin     io.Reader
	stdout    io.Writer // redacted (output_redact.go)
	stderr    io.Writer // redacted; safe for concurrent writes (slog records, progress, the mock)
	rawStdout io.Writer // what stdout wraps, to tell which file it is
	rawStderr io.Writer // what stderr wraps, to tell whether it is a terminal
	secrets   *redact.Set
	// showLoginToken: `login --show-token` prints the token a login hands out.
	showLoginToken bool
	flush          func() // writes what the redacting writers hold back
	getenv         func(string) string
	now            func() time.Time

	// Global flags.
	baseURL   string
	region    string
	tokenFile string
	timeout   time.Duration
	output    string
	verbose   bool

	// Knobs for tests (never set by main): extra options appended to every client, every wait,
	// and the fakes that demo and mock start.
	clientOpts []wrapper.Option
	waitOpts   []wrapper.WaitOption
	fakeOpts   []phrasetest.Option
	// demoPoll is the poll interval of the demo's wait.
	demoPoll time.Duration

	// offline is set by validate, whose invalid body was never going to be sent.
	offline bool

	// flagProblems are the problems of the flags found before the command ran (values that do
	// not parse, -o, --timeout: problems.go), which create reports together with its own.
	flagProblems []wrapper.Problem

	// progress and progressEvery are --progress and --progress-interval (progress.go).
	progress      string
	progressEvery time.Duration

	// rootSource and tokenSource name where the API root and the token came from (a flag or
	// an environment variable), for errors in the CLI's words (messages.go).
	rootSource, tokenSource string

	// answers are Phrase's answers as it sent them, for printing them unchanged (answers.go).
	answers answers

	// started is set once a command's RunE begins: an error before that (unknown command or
	// flag, wrong number of arguments) is a usage error.
	started bool
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	secrets := &redact.Set{}
	out, errOut, flush := redactedStreams(secrets, stdout, stderr)
	return &app{
		stdin:     stdin,
		stdout:    out,
		stderr:    &lockedWriter{w: errOut},
		rawStdout: stdout,
		rawStderr: stderr,
		secrets:   secrets,
		flush:     flush,
		getenv:    getenv,
		now:       time.Now,
		demoPoll:  200 * time.Millisecond,

		progress:      "auto",
		progressEvery: 10 * time.Second,
	}
}

// run executes the CLI with the given arguments (without the program name), streams and
// environment, and returns the process exit code. main is a thin shell around it, and tests
// call it (or app.execute) with captured streams and a fake environment.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return newApp(stdin, stdout, stderr, getenv).execute(ctx, args)
}

func (a *app) execute(ctx context.Context, args []string) int {
	defer a.flush()
	if len(args) == 1 && args[0] == "version" {
		// The common call, answered before cobra builds its tree of every command and flag:
		// a script that checks the version pays only for start-up (issue 13). It prints what
		// the version command prints (TestVersionFastPathPrintsWhatTheCommandPrints).
		if err := writeJSON(a.stdout, buildVersion()); err != nil {
			fmt.Fprintf(a.stderr, "connectortask: %v\n", err)
			return exitAPI
		}
		return exitOK
	}
	a.learnEnvSecrets()
	root := a.newRootCmd()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code := a.exitCode(err)
	a.printError(cmd, err, code)
	return code
}

const rootLong = `connectortask creates Phrase TMS jobs from a connector's asynchronous download task
(POST /api2/v1/projects/{projectUid}/jobs/connectorTask) and follows the asynchronous request
that creating them starts.

Environment (a flag wins over its variable):
  PHRASE_TMS_URL       API root including /web (--base-url), e.g. https://cloud.memsource.com/web
  PHRASE_TMS_REGION    eu or us (--region); the root then is the region's preset
  PHRASE_TMS_TOKEN     an API token from auth/login, sent as "Authorization: ApiToken <token>"
  PHRASE_TMS_USERNAME  with PHRASE_TMS_PASSWORD: the client logs in itself, keeps the token in
  PHRASE_TMS_PASSWORD  memory until shortly before it expires, and logs in again once on a 401
Credentials are never flag values: use the variables above or --token-file FILE. When both a
token and a user name and password are set, the token is used (login always uses the name and
password). --base-url wins over --region; a root given as a flag wins over one from the
environment. Plain http:// roots are refused unless the host is loopback.

Output: JSON on stdout (-o table for people); errors and progress on stderr.

Exit codes:
  0  success
  1  a failure whose outcome is known: the API answered with an error (stderr has the HTTP
     status and Phrase's errorCode and errorDescription), the call failed before anything was
     sent, or an awaited async request failed (the jobs are on stdout)
  2  usage or validation error; nothing was sent (every problem is listed at once: flags,
     body fields by JSON path)
  3  --wait timed out; the jobs were created and are on stdout
  4  outcome unknown: a job-creating request may have reached Phrase but no answer came back,
     so jobs may exist; nothing was resent. Look with 'jobs list', or use 'create --reconcile'
  130  interrupted (Ctrl-C) during --wait; the jobs were created and are on stdout
       (143 for SIGTERM)`

const rootExample = `  # See the whole flow against an in-process fake of Phrase TMS:
  connectortask demo

  # Create jobs in German and French from a connector download task, and wait for them:
  export PHRASE_TMS_TOKEN=...        # or PHRASE_TMS_USERNAME and PHRASE_TMS_PASSWORD
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr \
      --download-task-id 7Bd1yR0 --due +3d --wait

  # Check a request body offline:
  connectortask validate body.json`

func (a *app) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "connectortask",
		Short:         "Create Phrase TMS jobs from a connector download task, and follow them",
		Long:          rootLong,
		Example:       rootExample,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.flagProblems = a.checkFlags(cmd.Flags())
			if cmd.Annotations[collectsProblems] != "" {
				return nil // reported with the command's own problems
			}
			return flagsOnlyError(a.flagProblems)
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)

	pf := root.PersistentFlags()
	pf.StringVar(&a.baseURL, "base-url", "", "API root including /web, e.g. https://cloud.memsource.com/web (env "+envURL+"; default: the EU root)")
	pf.StringVar(&a.region, "region", "", "eu or us: use the region's preset API root (env "+envRegion+"; --base-url wins)")
	pf.StringVar(&a.tokenFile, "token-file", "", "read the API token from `FILE` (surrounding whitespace is trimmed); wins over "+envToken)
	pf.Var(newDurationValue(&a.timeout, 60*time.Second), "timeout", "bound on each HTTP attempt")
	pf.StringVarP(&a.output, "output", "o", "json", "output format: json or table")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "log one line per HTTP exchange on stderr (method, path, status, duration; secrets redacted)")
	_ = root.RegisterFlagCompletionFunc("region", cobra.FixedCompletions([]string{"eu", "us"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"json", "table"}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		a.newCreateCmd(),
		a.newValidateCmd(),
		a.newAsyncCmd(),
		a.newJobsCmd(),
		a.newLoginCmd(),
		a.newSpecCmd(),
		a.newMockCmd(),
		a.newDemoCmd(),
		a.newVersionCmd(),
	)
	a.addVersionFlag(root)
	a.fixCompletionCmd(root)
	return root
}

// runE marks the start of a command's own work, so that errors before it count as usage errors.
func (a *app) runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		return fn(cmd, args)
	}
}

// usageError is bad input found by the CLI itself: exit 2, nothing was sent.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

func (a *app) exitCode(err error) int {
	var (
		usage       *usageError
		invalid     *wrapper.ValidationError
		timeout     *wrapper.WaitTimeoutError
		interrupted *interruptedError
	)
	switch {
	case outcomeUnknown(err):
		return exitUnknown
	case errors.As(err, &interrupted):
		return interrupted.exitCode()
	case errors.As(err, &timeout):
		return exitTimeout
	case errors.As(err, &usage), errors.As(err, &invalid), !a.started:
		return exitUsage
	default:
		return exitAPI
	}
}

// hintError adds a line saying what to do next to an error, keeping the error for errors.As.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, format string, args ...any) error {
	return &hintError{err: err, hint: fmt.Sprintf(format, args...)}
}

// printError writes err for a person: one or two lines saying what is wrong and what to do.
func (a *app) printError(cmd *cobra.Command, err error, code int) {
	w := a.stderr
	var (
		hinted  *hintError
		invalid *wrapper.ValidationError
		apiErr  *wrapper.APIError
		unknown *wrapper.UnknownOutcomeError
		timeout *wrapper.WaitTimeoutError
		netErr  net.Error
	)
	hint := ""
	if errors.As(err, &hinted) {
		hint = hinted.hint
	}
	switch {
	case errors.As(err, &invalid):
		what := "the request is invalid (%d problem%s); nothing was sent:\n"
		if a.offline {
			what = "the body is invalid (%d problem%s):\n"
		}
		fmt.Fprintf(w, "connectortask: "+what, len(invalid.Problems), plural(len(invalid.Problems)))
		for _, p := range invalid.Problems {
			fmt.Fprintf(w, "  %s\n", a.cliWords(p.String()))
		}
	case errors.As(err, &timeout):
		fmt.Fprintf(w, "connectortask: %v\n", err)
		if hint == "" {
			hint = fmt.Sprintf("check later with: connectortask async get %s --wait", timeout.ID)
		}
	case errors.As(err, &unknown):
		msg := err.Error()
		if !strings.Contains(strings.ToLower(msg), "unknown") {
			msg = "outcome unknown: jobs may have been created: " + msg
		}
		fmt.Fprintf(w, "connectortask: %s\n", msg)
		if hint == "" {
			hint = unknownHint(unknown)
		}
	case errors.As(err, &apiErr):
		fmt.Fprintf(w, "connectortask: %s\n", apiErrorLine(apiErr, err))
		if hint == "" {
			hint = apiHint(apiErr)
		}
	case errors.As(err, &netErr):
		fmt.Fprintf(w, "connectortask: %v\n", err)
		if hint == "" {
			hint = "check the API root (--base-url, --region or " + envURL + ") and the network, or raise --timeout"
		}
	default:
		fmt.Fprintf(w, "connectortask: %s\n", a.cliWords(err.Error()))
		if hint == "" && code == exitUsage && !a.started && cmd != nil {
			hint = fmt.Sprintf("run '%s --help' for usage", cmd.CommandPath())
		}
	}
	if hint != "" {
		fmt.Fprintf(w, "  %s\n", hint)
	}
}

// apiErrorLine is the APIError's own message, completed with the status, errorCode and
// errorDescription should the message lack any of them.
func apiErrorLine(e *wrapper.APIError, err error) string {
	msg := err.Error()
	var missing []string
	if e.StatusCode != 0 && !strings.Contains(msg, strconv.Itoa(e.StatusCode)) {
		missing = append(missing, "HTTP "+strconv.Itoa(e.StatusCode))
	}
	if e.ErrorCode != "" && !strings.Contains(msg, e.ErrorCode) {
		missing = append(missing, "errorCode "+e.ErrorCode)
	}
	if e.ErrorDescription != "" && !strings.Contains(msg, e.ErrorDescription) {
		missing = append(missing, "errorDescription "+strconv.Quote(e.ErrorDescription))
	}
	if len(missing) > 0 {
		msg += " (" + strings.Join(missing, ", ") + ")"
	}
	return msg
}

func apiHint(e *wrapper.APIError) string {
	login := strings.Contains(e.URL, "/auth/login")
	async := strings.Contains(e.URL, "/async/")
	switch {
	case e.StatusCode == 401 && login:
		return "check " + envUsername + " and " + envPassword
	case e.StatusCode == 401:
		return "check the token (" + envToken + " or --token-file) or " + envUsername + "/" + envPassword
	case e.StatusCode == 403:
		return "the user may lack the rights for this project or call"
	case e.StatusCode == 404 && async:
		return "check the async request id (the asyncRequest.id that create printed) and the API root (--base-url or --region)"
	case e.StatusCode == 404:
		return "check --project-uid and the API root (--base-url or --region; it includes /web)"
	case e.StatusCode == 429 && e.RetryAfter > 0:
		return fmt.Sprintf("rate limited: try again in %s", e.RetryAfter)
	case e.StatusCode == 429:
		return "rate limited: try again in a minute"
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// authMode says which credentials a command needs.
type authMode int

const (
	authRequired authMode = iota // a token (flag, env) or a user name and password
	authOptional                 // as authRequired, but none is fine (--dry-run)
	authPassword                 // a user name and password (login)
)

// newClient builds the wrapper client from the global flags, the environment and the mode.
func (a *app) newClient(cmd *cobra.Command, mode authMode) (*wrapper.Client, error) {
	opts, err := a.rootOptions(cmd)
	if err != nil {
		return nil, err
	}
	creds, err := a.credentialOptions(cmd, mode)
	if err != nil {
		return nil, err
	}
	opts = append(opts, creds...)
	opts = append(opts, wrapper.WithAttemptTimeout(a.timeout))
	// A login's token joins the secrets kept out of every output (an answer may echo it), but
	// for `login --show-token`, whose point is to print it.
	if !a.showLoginToken {
		opts = append(opts, wrapper.WithSecretHook(func(secret string) { a.secrets.Add(secret) }))
	}
	if l := a.logger(); l != nil {
		opts = append(opts, wrapper.WithLogger(l))
	}
	opts = append(opts, a.clientOpts...)
	c, err := wrapper.New(opts...)
	if err != nil {
		return nil, &usageError{err: a.speakCLI(err)}
	}
	return c, nil
}

// rootOptions picks the API root: a flag wins over the environment, and a base URL over a region.
func (a *app) rootOptions(cmd *cobra.Command) ([]wrapper.Option, error) {
	flags := cmd.Flags()
	urlOpt := func(raw, source string) ([]wrapper.Option, error) {
		if strings.TrimSpace(raw) == "" {
			return nil, usagef("%s is empty: give the API root including /web, e.g. https://cloud.memsource.com/web", source)
		}
		return []wrapper.Option{wrapper.WithBaseURL(strings.TrimSpace(raw))}, nil
	}
	regionOpt := func(raw, source string) ([]wrapper.Option, error) {
		r, err := userinput.ParseRegion(strings.TrimSpace(raw))
		if err != nil {
			return nil, usagef("%s %q: want eu or us", source, raw)
		}
		return []wrapper.Option{wrapper.WithRegion(r)}, nil
	}
	switch {
	case flags.Changed("base-url"):
		a.rootSource = "--base-url"
		return urlOpt(a.baseURL, "--base-url")
	case flags.Changed("region"):
		return regionOpt(a.region, "--region")
	case a.getenv(envURL) != "":
		a.rootSource = envURL
		return urlOpt(a.getenv(envURL), envURL)
	case a.getenv(envRegion) != "":
		return regionOpt(a.getenv(envRegion), envRegion)
	default:
		return []wrapper.Option{wrapper.WithRegion(wrapper.RegionEU)}, nil
	}
}

func (a *app) credentialOptions(cmd *cobra.Command, mode authMode) ([]wrapper.Option, error) {
	user, pass := a.getenv(envUsername), a.getenv(envPassword)
	if mode == authPassword {
		if user == "" || pass == "" {
			return nil, usagef("login needs %s and %s in the environment (credentials are never flags)", envUsername, envPassword)
		}
		if err := checkCredentials(envPassword, pass); err != nil {
			return nil, err
		}
		return []wrapper.Option{wrapper.WithCredentials(user, pass)}, nil
	}
	if cmd.Flags().Changed("token-file") {
		tok, err := a.readTokenFile(a.tokenFile)
		if err != nil {
			return nil, err
		}
		a.tokenSource = "--token-file"
		return []wrapper.Option{wrapper.WithAPIToken(tok)}, nil
	}
	if tok := strings.TrimSpace(a.getenv(envToken)); tok != "" {
		if err := checkCredentials(envToken, tok); err != nil {
			return nil, err
		}
		return []wrapper.Option{wrapper.WithAPIToken(tok)}, nil
	}
	switch {
	case user != "" && pass != "":
		if err := checkCredentials(envPassword, pass); err != nil {
			return nil, err
		}
		return []wrapper.Option{wrapper.WithCredentials(user, pass)}, nil
	case user != "" || pass != "":
		return nil, usagef("%s and %s go together: set both (or %s, or --token-file)", envUsername, envPassword, envToken)
	case mode == authOptional:
		return nil, nil
	default:
		return nil, usagef("no credentials: set %s, or %s and %s, or give --token-file FILE", envToken, envUsername, envPassword)
	}
}

// logger is the -v logger: the wrapper's per-exchange Debug records, as text on stderr.
func (a *app) logger() *slog.Logger {
	if !a.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// stderrIsTerminal says whether progress lines are wanted: only on a terminal, never in logs.
func (a *app) stderrIsTerminal() bool {
	f, ok := a.rawStderr.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readInput reads a file, or stdin for "-".
func (a *app) readInput(name, what string) ([]byte, error) {
	if name == "-" {
		if a.stdin == nil {
			return nil, usagef("%s -: no standard input", what)
		}
		b, err := io.ReadAll(a.stdin)
		if err != nil {
			return nil, usagef("%s -: reading standard input: %v", what, err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("%s: %v", what, err)
	}
	return b, nil
}

// lockedWriter serialises writes from the command, the wrapper's logger and the fake.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
