package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/jsondup"
	"github.com/seed-a960d6a4/connectortask/internal/userinput"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

type createFlags struct {
	projectUID        string
	targetLangs       []string
	downloadTaskID    string
	continuous        bool
	due               string
	path              string
	preTranslate      bool
	semanticMarkup    bool
	useProjectImport  bool
	importSettingsUID string
	callbackURL       string
	data              string
	wait              bool
	waitTimeout       time.Duration
	dryRun            bool
	reconcile         bool          // create_reconcile.go
	reconcileGrace    time.Duration // create_reconcile.go
	batch             batchFlags    // --batch and its flags (batch.go)
}

const createLong = `Create jobs from a connector's asynchronous download task:
POST /api2/v1/projects/{projectUid}/jobs/connectorTask.

The body (a JobCreateRequestDto) is built from the flags, or read whole with --data FILE (or
--data - for stdin); flags given beside --data override its fields. The request is validated
before anything is sent: every problem at once, a flag value that does not parse among them,
each with the flag or the JSON path and the fix; exit 2.

--due takes RFC 3339 with any offset (2026-12-01T17:00:00Z, 2026-12-01T18:00:00+01:00) or a
time relative to now (+72h, +90m, +3d); it is sent in UTC, whole seconds, with a Z. It must be
in the future (+0d is refused).

On success the 201 body (a JobListDto) is printed on stdout as Phrase sent it: its date-times
(2026-11-28T17:03:12+0000) and any field the spec does not list yet are kept. With --wait the
command then polls GET /api2/v1/async/{asyncRequestId} until the async request has finished,
and prints the same JobListDto with "asyncRequest" replaced by the full AsyncRequestDto. If the
async request finished with an errorCode the exit code is 1; if --wait-timeout passed first it
is 3; if interrupted (Ctrl-C) it is 130; whatever happens stdout carries the created jobs.

Progress (--wait, --batch) goes to stderr: live on a terminal; when stderr is a log, a plain
line every --progress-interval (10s) with --progress always, or by default when CI=true
(--progress auto); --progress never for none.

The POST is retried only on 429 and 503 (honouring Retry-After). After any other failure that
may have reached Phrase the outcome is unknown (exit 4): jobs may have been created, so list the
project's jobs (connectortask jobs list) before trying again. --reconcile does that itself: it
lists the jobs created since the request was sent and, when exactly one file's jobs in exactly
the requested target languages are there, prints them and exits 0; when there are none once
--reconcile-grace has passed since the request gave up (Phrase may still be working on it; the
command waits that long), it sends the request once more, now provably not a duplicate; when it
cannot tell (other jobs that could be this request's), it exits 4 and prints the candidates on
stderr. Without a remote file name in the body, jobs of the same target languages created at
the same time by someone else make the answer ambiguous, never a guess.

--dry-run validates and prints the request that would be sent (method, URL, headers with the
credential redacted, JSON body) and sends nothing: as a JSON object with -o json, as an HTTP
message with -o table. It needs no credentials.`

const createExample = `  # Jobs in German and French from a download task, due in three days:
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --target-lang de --target-lang fr \
      --download-task-id 7Bd1yR0 --due +3d

  # Same, and wait until Phrase has processed them (exit 3 after 5 minutes):
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr --wait --wait-timeout 5m

  # A full body from a file, with the due date overridden; show the request, send nothing:
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --data body.json --due 2026-12-01T17:00:00Z --dry-run

  # In CI: a plain progress line every 30s while waiting (the default when CI=true):
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --target-lang de --wait --progress always --progress-interval 30s

  # The body from stdin, output as a table:
  jq '.targetLangs += ["ja"]' body.json | connectortask create --project-uid Pr2wE4rT6yU8iO0p --data - -o table`

func (a *app) newCreateCmd() *cobra.Command {
	f := &createFlags{}
	cmd := &cobra.Command{
		Use:         "create --project-uid UID --target-lang LANG [flags]",
		Short:       "Create jobs from a connector download task (POST .../jobs/connectorTask)",
		Long:        createLong + "\n\n" + batchLong,
		Example:     createExample + "\n\n" + batchExample,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{collectsProblems: "true"},
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error { return a.create(cmd, f) })

	fl := cmd.Flags()
	fl.StringVar(&f.projectUID, "project-uid", "", "uid of the project to create the jobs in (required; with --batch the default of every line)")
	fl.StringSliceVar(&f.targetLangs, "target-lang", nil, "target language of a job, e.g. de; repeat it or separate with commas (de,fr)")
	fl.StringVar(&f.downloadTaskID, "download-task-id", "", "id of the connector's asynchronous download task (query downloadTaskId)")
	boolFlag(fl, &f.continuous, "continuous", "create continuous jobs (query continuous)")
	fl.StringVar(&f.due, "due", "", "due date: RFC 3339 (2026-12-01T17:00:00Z) or relative (+72h, +3d)")
	fl.StringVar(&f.path, "path", "", "path of the file in the project (at most 255 characters)")
	boolFlag(fl, &f.preTranslate, "pre-translate", "pre-translate the jobs")
	boolFlag(fl, &f.semanticMarkup, "semantic-markup", "use semantic markup")
	boolFlag(fl, &f.useProjectImport, "use-project-file-import-settings", "import with the project's file import settings")
	fl.StringVar(&f.importSettingsUID, "import-settings-uid", "", "uid of saved file import settings to import with")
	fl.StringVar(&f.callbackURL, "callback-url", "", "absolute http(s) URL Phrase calls when the async request finishes")
	fl.StringVar(&f.data, "data", "", "read a JobCreateRequestDto JSON body from `FILE` (- for stdin); other flags override its fields")
	boolFlag(fl, &f.wait, "wait", "wait for the async request to finish and print it with the jobs")
	fl.Var(newDurationValue(&f.waitTimeout, 10*time.Minute), "wait-timeout", "give up waiting after this long (exit 3)")
	boolFlag(fl, &f.dryRun, "dry-run", "validate and print the request, send nothing")
	a.addProgressFlags(cmd)
	a.addBatchFlags(cmd, &f.batch)
	a.addReconcileFlags(cmd, f)
	cmd.MarkFlagsMutuallyExclusive("use-project-file-import-settings", "import-settings-uid")
	_ = cmd.MarkFlagFilename("data", "json")
	return cmd
}

func (a *app) create(cmd *cobra.Command, f *createFlags) error {
	ctx := a.captureAnswers(cmd.Context())
	if cmd.Flags().Changed("batch") {
		if err := problemsError(append(a.flagProblems, a.progressProblems(cmd)...)); err != nil {
			return err
		}
		return a.createBatch(cmd, f)
	}
	if err := checkNoBatchFlags(cmd); err != nil {
		return err
	}
	projectUID := strings.TrimSpace(f.projectUID)
	body, err := a.createInput(cmd, f)
	if err != nil {
		return err
	}
	// Without --download-task-id the body must name the file in remoteFile; the wrapper refuses
	// a request that names neither (a *ValidationError, exit 2).
	downloadTaskID := strings.TrimSpace(f.downloadTaskID)
	var opts []wrapper.CreateOption
	if cmd.Flags().Changed("continuous") {
		opts = append(opts, wrapper.Continuous(f.continuous))
	}

	if f.reconcile && f.dryRun {
		return usagef("--reconcile looks for what a sent request created, and --dry-run sends nothing: leave one of them out")
	}
	if f.dryRun {
		client, err := a.newClient(cmd, authOptional)
		if err != nil {
			return err
		}
		preview, err := client.PreviewCreateJobs(ctx, projectUID, downloadTaskID, body, opts...)
		if err != nil {
			return err
		}
		return a.printPreview(preview)
	}

	client, err := a.newClient(cmd, authRequired)
	if err != nil {
		return err
	}
	out, err := client.CreateJobs(ctx, projectUID, downloadTaskID, body, opts...)
	if err != nil && f.reconcile {
		out, err = a.reconcileCreate(ctx, client, f, err, projectUID, downloadTaskID, opts, body)
		if out == nil && err == nil {
			return nil // created, found by reconciling, and printed
		}
	}
	var unreadable *wrapper.CreatedUnreadableError
	if errors.As(err, &unreadable) {
		return a.createdUnreadable(unreadable, projectUID)
	}
	if err != nil {
		return err
	}
	list := &out.JobListDto
	if !f.wait {
		return a.printJobs(jobsResult{list: list})
	}
	return a.waitAndPrint(ctx, client, list, f.waitTimeout)
}

// waitAndPrint waits for the async request the create started and prints the jobs with it. The
// jobs go to stdout whatever happens, so that nothing created is lost.
func (a *app) waitAndPrint(ctx context.Context, client *wrapper.Client, list *api.JobListDto, waitTimeout time.Duration, extra ...wrapper.WaitOption) error {
	if list.AsyncRequest == nil || list.AsyncRequest.Id == nil || *list.AsyncRequest.Id == "" {
		if err := a.printJobs(jobsResult{list: list}); err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, "connectortask: warning: the response names no async request, so there was nothing to wait for")
		return nil
	}
	id := *list.AsyncRequest.Id
	// The context is the wait's one bound (a *WaitTimeoutError when it passes).
	wctx, cancel := waitContext(ctx, waitTimeout)
	defer cancel()
	opts, stop := a.waitOptions(id)
	done, err := client.WaitAsyncRequest(wctx, id, append(opts, extra...)...)
	stop()
	later := "connectortask async get " + id + " --wait"
	var (
		failed  *wrapper.AsyncRequestError
		timeout *wrapper.WaitTimeoutError
	)
	switch {
	case err == nil:
		return a.printJobs(jobsResult{list: list, async: done})
	case errors.As(err, &failed):
		async := failed.Request
		if async == nil {
			async = &api.AsyncRequestDto{Id: &id}
		}
		if perr := a.printJobs(jobsResult{list: list, async: async}); perr != nil {
			return perr
		}
		return withHint(err, "the jobs were created and are on stdout, with the failed async request")
	case errors.As(err, &timeout):
		note := ""
		if timeout.Last == nil {
			note = "no state seen: no poll answered within --wait-timeout; check later with: " + later
		}
		if perr := a.printJobs(jobsResult{list: list, async: timeout.Last, note: note}); perr != nil {
			return perr
		}
		return withHint(err, "the jobs were created and are on stdout; check later with: %s", later)
	case interruption(ctx) != nil:
		if perr := a.printJobs(jobsResult{list: list, note: "wait interrupted; check later with: " + later}); perr != nil {
			return perr
		}
		return withHint(&interruptedError{sig: interruption(ctx), what: "waiting for async request " + id},
			"the jobs were created and are on stdout; check later with: %s", later)
	default:
		if perr := a.printJobs(jobsResult{list: list}); perr != nil {
			return perr
		}
		return withHint(fmt.Errorf("waiting for async request %s: %w", id, err),
			"the jobs were created and are on stdout; check later with: connectortask async get %s --wait", id)
	}
}

// createInput reads the body (--data, if given, with the flags the user set laid over it) and
// checks the flags of a single create. Every problem is reported at once, in one
// *wrapper.ValidationError: the global flags', then create's flags', then the body's.
func (a *app) createInput(cmd *cobra.Command, f *createFlags) (api.JobCreateRequestDto, error) {
	fl := cmd.Flags()
	ps := append([]wrapper.Problem(nil), a.flagProblems...)
	ps = append(ps, a.progressProblems(cmd)...)
	switch {
	case !fl.Changed("project-uid"):
		ps = append(ps, wrapper.Problem{Path: "--project-uid", Message: "required flag not set", Fix: "give the project's uid; it is in the project's URL in Phrase"})
	case strings.TrimSpace(f.projectUID) == "":
		ps = append(ps, wrapper.Problem{Path: "--project-uid", Message: "empty", Fix: "give the project's uid; it is in the project's URL in Phrase"})
	}
	if p, bad := positiveProblem(fl, "wait-timeout", "10m"); bad && f.wait {
		ps = append(ps, p)
	}
	body, bodyPs, usable, err := a.bodyAndProblems(cmd, f)
	if err != nil {
		return body, err
	}
	ps = append(ps, bodyPs...)
	noLangs := usable && len(body.TargetLangs) == 0
	if noLangs {
		ps = append(ps, wrapper.Problem{Path: "--target-lang", Message: "no target language", Fix: "give --target-lang, e.g. --target-lang de,fr, or targetLangs in --data"})
	}
	if len(ps) == 0 {
		return body, nil // the client validates the body before sending it
	}
	if usable {
		var invalid *wrapper.ValidationError
		if errors.As(wrapper.ValidateRequest(&body, a.now()), &invalid) {
			more := invalid.Problems
			if noLangs {
				more = withoutPath(more, "/targetLangs") // said above, in the flag's words
			}
			ps = append(ps, more...)
		}
	}
	return body, problemsError(ps)
}

// bodyFromFlags is the body of create's flags for --batch, whose lines may bring their own
// target languages: a flag value that does not parse is a problem of the returned
// *wrapper.ValidationError.
func (a *app) bodyFromFlags(cmd *cobra.Command, f *createFlags) (api.JobCreateRequestDto, error) {
	body, ps, _, err := a.bodyAndProblems(cmd, f)
	if err != nil {
		return body, err
	}
	return body, problemsError(ps)
}

// bodyAndProblems reads --data, if given, and lays the flags the user set over it. A flag value
// that does not parse, and what is wrong with the JSON of --data (syntax, types, repeated keys),
// are returned as problems; the body is usable for validation when --data (if any) decoded.
// err is for what no problem list can help with (--data cannot be read).
func (a *app) bodyAndProblems(cmd *cobra.Command, f *createFlags) (body api.JobCreateRequestDto, ps []wrapper.Problem, usable bool, err error) {
	fl := cmd.Flags()
	usable = true
	if fl.Changed("data") {
		raw, err := a.readInput(f.data, "--data "+f.data)
		if err != nil {
			return body, nil, false, err
		}
		var dataPs []wrapper.Problem
		body, dataPs, usable, err = a.decodeBody(raw, f.data)
		if err != nil {
			return body, nil, false, err
		}
		ps = append(ps, dataPs...)
	}
	if fl.Changed("target-lang") {
		body.TargetLangs = splitLangs(f.targetLangs)
	}
	if fl.Changed("due") {
		t, err := userinput.ParseTime(strings.TrimSpace(f.due), a.now())
		if err != nil {
			ps = append(ps, wrapper.Problem{Path: "--due", Message: fmt.Sprintf("%q is not a due date", f.due),
				Fix: "give RFC 3339 (2026-12-01T17:00:00Z) or a time from now (+72h, +90m, +3d, +1d12h)"})
		} else {
			body.Due = api.NewDateTimePtr(t)
		}
	}
	if fl.Changed("path") {
		p := f.path
		body.Path = &p
	}
	if fl.Changed("pre-translate") {
		v := f.preTranslate
		body.PreTranslate = &v
	}
	if fl.Changed("semantic-markup") {
		v := f.semanticMarkup
		body.SemanticMarkup = &v
	}
	if fl.Changed("use-project-file-import-settings") {
		v := f.useProjectImport
		body.UseProjectFileImportSettings = &v
	}
	if fl.Changed("import-settings-uid") {
		body.ImportSettings = &api.UidReference{Uid: strings.TrimSpace(f.importSettingsUID)}
	}
	if fl.Changed("callback-url") {
		u := strings.TrimSpace(f.callbackURL)
		body.CallbackUrl = &u
	}
	return body, ps, usable, nil
}

// decodeBody reads a JobCreateRequestDto. A body that does not decode is reported with the
// wrapper's offline validation, which names every problem with its JSON path (usable is then
// false); a key repeated in an object is a problem too, since decoding would keep one silently.
func (a *app) decodeBody(raw []byte, name string) (body api.JobCreateRequestDto, ps []wrapper.Problem, usable bool, err error) {
	a.learnJSONSecrets(raw) // a connector token is redacted from every output
	dec := json.NewDecoder(bytes.NewReader(raw))
	derr := dec.Decode(&body)
	if derr == nil && dec.More() {
		derr = errors.New("more than one JSON value")
	}
	if derr != nil {
		var invalid *wrapper.ValidationError
		if errors.As(wrapper.ValidateRequestJSON(raw, a.now()), &invalid) {
			return body, invalid.Problems, false, nil
		}
		return body, nil, false, usagef("--data %s: not a JobCreateRequestDto JSON object: %v", name, derr)
	}
	dups, _ := jsondup.Find(raw) // it decoded: no syntax error here
	for _, d := range dups {
		ps = append(ps, wrapper.Problem{Path: d.Path, Message: d.Message(raw), Fix: d.Fix()})
	}
	// Fields the DTO does not know would be dropped silently; say so.
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	var probe api.JobCreateRequestDto
	if err := strict.Decode(&probe); err != nil {
		fmt.Fprintf(a.stderr, "connectortask: warning: --data %s: %v: it is not part of JobCreateRequestDto and is not sent\n", name, err)
	}
	return body, ps, true, nil
}

// splitLangs flattens repeated and comma-separated --target-lang values, trimming blanks.
func splitLangs(values []string) []string {
	var out []string
	for _, v := range values {
		for _, l := range strings.Split(v, ",") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// previewJSON is --dry-run's output with -o json.
type previewJSON struct {
	DryRun  bool              `json:"dryRun"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

func (a *app) printPreview(p *wrapper.RequestPreview) error {
	headers := map[string]string{}
	for k, vs := range p.Header {
		headers[k] = strings.Join(vs, ", ")
	}
	body := p.Body
	if len(bytes.TrimSpace(body)) == 0 {
		body = json.RawMessage("null")
	}
	if a.output == "table" {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "%s %s\n", p.Method, p.URL)
		keys := make([]string, 0, len(headers))
		for k := range headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&buf, "%s: %s\n", http.CanonicalHeaderKey(k), headers[k])
		}
		buf.WriteString("\n")
		if err := json.Indent(&buf, body, "", "  "); err != nil {
			buf.Write(body)
		}
		buf.WriteString("\n")
		if _, err := a.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	} else if err := writeJSON(a.stdout, previewJSON{DryRun: true, Method: p.Method, URL: p.URL, Headers: headers, Body: body}); err != nil {
		return err
	}
	fmt.Fprintln(a.stderr, "connectortask: dry run: the request is valid; nothing was sent")
	return nil
}
