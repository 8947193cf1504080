package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// Batch mode: `create --batch FILE|-`. The wrapper decides the policy (validation, pacing,
// concurrency, which failures may be resent: RunBatch and BatchResult.Outcome); this file reads
// the lines, resumes, and writes one result per line.

const batchLong = `Batch mode: --batch FILE (- for stdin) reads JSON Lines, one task per line, and creates the
jobs of every line, paced:

  {"projectUid": "Pr2wE4rT6yU8iO0p", "downloadTaskId": "7Bd1yR0"}
  {"downloadTaskId": "8Ce2zS1", "targetLangs": ["de", "ja"], "due": "+5d", "path": "web/b.html"}
  {"downloadTaskId": "9Df3aT2", "continuous": true, "ref": "row 17",
   "body": {"targetLangs": ["fr"], "workflowSettings": [...]}}

The fields of a line: projectUid, downloadTaskId and continuous (the call's path and query);
body, a complete JobCreateRequestDto for this line; overrides of single fields of the body:
targetLangs (an array, or "de,fr"), due (RFC 3339, or relative: +72h, +3d), path, preTranslate,
semanticMarkup, useProjectFileImportSettings, importSettingsUid, callbackUrl; and ref, any JSON
value of yours, echoed in the line's result. The command's flags (--project-uid,
--target-lang, --due, --data, ...) are the defaults of every line: a line's own value wins, a
null removes the default, and a line with "body" uses it instead of --data and the body flags
(the overrides still apply). Other fields are refused. Blank lines are skipped. Every line is
validated before anything is sent for it: an invalid line gets an error result listing its
problems, and nothing is sent for it.

--concurrency N (default 4) bounds the requests in flight, --rate N/min (default 3000/min; N/s
also works) spaces the job-creating requests evenly. Phrase allows 6,000 requests per minute
per user, logins, polls, retries and other tools of the same user included; the default leaves
half of that. Throughput is at most concurrency / latency: raise --concurrency when Phrase
answers slowly.

Results go to stdout as JSON Lines, one per input line, in the order they finish:
  {"line": 3, "ok": true, "projectUid": "...", "downloadTaskId": "...", "result": {JobListDto}}
  {"line": 4, "ok": false, "projectUid": "...", "downloadTaskId": "...",
   "error": {"message": "...", "status": 400, "errorCode": "...", "outcome": "failed"}}
"outcome" is "failed" when no job was created, for certain (the line was invalid, and
"problems" says what to fix; or Phrase refused it), and "unknown" when jobs may exist (the
answer was lost): look at the project's jobs in Phrase before sending such a line again. One
failure does not stop the others. On a terminal, stderr shows the progress (done, failed,
rate, ETA).

--resume RESULTS (the stdout of an earlier run over the same FILE with the same flags) skips
the lines RESULTS shows as created and, unless --retry-unknown is given, the lines whose
outcome is unknown: among them the lines without a result that the earlier run must have had
in flight when it was killed (a later line had been sent). Every other line is sent. Skipped
lines are written again with "skipped": true, so the new results describe every line and can
be resumed from in turn (or append them: >> RESULTS). A run killed hard (SIGKILL, a crash)
can leave up to --concurrency lines in flight after the last line it reported: check those in
Phrase before resuming.

Ctrl-C (SIGINT or SIGTERM) stops taking lines; the requests in flight finish (each bounded by
--timeout and the retry policy) and their results are written, then the command exits 1:
finish with --resume. --dry-run validates every line and prints per line the request that
would be sent; nothing is sent. --wait and -o table do not apply to --batch.

Exit codes with --batch: 0 every line was created (or skipped as created before); 1 a line
failed (invalid, refused, outcome unknown, or skipped as unknown), or the run was interrupted,
or a result could not be written; 2 bad flags, an unreadable FILE or RESULTS, or with
--dry-run an invalid line (nothing was sent).`

const batchExample = `  # Jobs for every line of tasks.jsonl, in German and French unless a line says otherwise:
  connectortask create --batch tasks.jsonl --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr \
      --due +3d > results.jsonl

  # Finish an interrupted or partly failed run, without creating any job twice:
  connectortask create --batch tasks.jsonl --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr \
      --due +3d --resume results.jsonl > results-2.jsonl

  # Check every line and show the requests; send nothing:
  connectortask create --batch tasks.jsonl --project-uid Pr2wE4rT6yU8iO0p --target-lang de --dry-run

  # From another program, at most 1,000 requests a minute, 8 at a time:
  list-downloads | connectortask create --batch - --target-lang ja --rate 1000/min --concurrency 8`

// Bounds and defaults of batch mode.
const (
	defaultBatchConcurrency = 4
	maxBatchConcurrency     = 64
	defaultBatchRate        = "3000/min"
	phraseRequestsPerMinute = 6000     // Phrase's limit per user
	maxBatchLineBytes       = 1 << 20  // an input line
	maxResultLineBytes      = 40 << 20 // a result line (the wrapper bounds answers to 32 MiB)
	maxResumeLine           = 10_000_000
)

type batchFlags struct {
	file         string
	concurrency  int
	rate         string
	resume       string
	retryUnknown bool
}

func (a *app) addBatchFlags(cmd *cobra.Command, b *batchFlags) {
	fl := cmd.Flags()
	fl.StringVar(&b.file, "batch", "", "create the jobs of every line of a JSON Lines `FILE` (- for stdin); see Batch mode above")
	fl.IntVar(&b.concurrency, "concurrency", defaultBatchConcurrency, "with --batch: at most N requests in flight")
	fl.StringVar(&b.rate, "rate", defaultBatchRate, "with --batch: at most N job-creating requests per minute, evenly spaced (N/min or N/s)")
	fl.StringVar(&b.resume, "resume", "", "with --batch: skip the lines an earlier run's `RESULTS` shows as created, or as of unknown outcome")
	fl.BoolVar(&b.retryUnknown, "retry-unknown", false, "with --resume: send the lines of unknown outcome again (check the project in Phrase first)")
	_ = cmd.MarkFlagFilename("batch", "jsonl", "json", "ndjson")
	_ = cmd.MarkFlagFilename("resume", "jsonl", "json", "ndjson")
}

// checkNoBatchFlags refuses the flags of batch mode without --batch.
func checkNoBatchFlags(cmd *cobra.Command) error {
	for _, name := range []string{"concurrency", "rate", "resume", "retry-unknown"} {
		if cmd.Flags().Changed(name) {
			return usagef("--%s works only with --batch FILE", name)
		}
	}
	return nil
}

// parseRate reads --rate: "3000/min", "3000", "50/s".
func parseRate(s string) (int, error) {
	num, unit, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "/")
	num = strings.NewReplacer(",", "", "_", "").Replace(strings.TrimSpace(num))
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, usagef("--rate %q: want a positive number of requests per minute, e.g. 3000/min or 50/s", s)
	}
	switch strings.TrimSpace(unit) {
	case "", "m", "min", "minute":
		return n, nil
	case "s", "sec", "second":
		if n > 1<<20 {
			return 0, usagef("--rate %q: too high", s)
		}
		return n * 60, nil
	}
	return 0, usagef("--rate %q: want N/min or N/s, e.g. 3000/min", s)
}

// batchDefaults are what the command's flags give every line.
type batchDefaults struct {
	projectUID     string
	downloadTaskID *string
	continuous     *bool
	body           map[string]json.RawMessage // the body of --data and the body flags, without nulls
}

func (a *app) createBatch(cmd *cobra.Command, f *createFlags) error {
	b := &f.batch
	fl := cmd.Flags()
	switch {
	case f.wait || fl.Changed("wait-timeout"):
		return usagef("--wait does not work with --batch: each result carries its asyncRequest.id; wait for one with: connectortask async get ID --wait")
	case a.output != "json":
		return usagef("-o %s does not work with --batch, which writes JSON Lines (one result per input line)", a.output)
	case strings.TrimSpace(b.file) == "":
		return usagef("--batch needs a file name (or - for stdin)")
	case b.file == "-" && fl.Changed("data") && f.data == "-":
		return usagef("--batch - and --data - cannot both read standard input: give one of them a file")
	case b.concurrency < 1 || b.concurrency > maxBatchConcurrency:
		return usagef("--concurrency %d: want 1 to %d", b.concurrency, maxBatchConcurrency)
	case b.retryUnknown && b.resume == "":
		return usagef("--retry-unknown works only with --resume RESULTS")
	case b.resume == "-":
		return usagef("--resume needs a file (the stdout of the earlier run), not -")
	}
	perMinute, err := parseRate(b.rate)
	if err != nil {
		return err
	}
	if perMinute > phraseRequestsPerMinute {
		fmt.Fprintf(a.stderr, "connectortask: warning: --rate %d/min is above Phrase's limit of %d requests per minute per user; expect 429s\n", perMinute, phraseRequestsPerMinute)
	}

	defaults, err := a.batchDefaults(cmd, f)
	if err != nil {
		return err
	}
	var resume *resumeState
	if b.resume != "" {
		if resume, err = a.loadResume(b.resume, b.file); err != nil {
			return err
		}
	}
	in, closeIn, err := a.openBatchInput(b.file)
	if err != nil {
		return err
	}
	defer closeIn()

	mode := authRequired
	if f.dryRun {
		mode = authOptional
	}
	client, err := a.newClient(cmd, mode)
	if err != nil {
		return err
	}
	// A closed stdout (| head) must end the run cleanly, not kill it with requests in flight.
	if _, ok := a.stdout.(*os.File); ok {
		sigpipe := make(chan os.Signal, 1)
		signal.Notify(sigpipe, syscall.SIGPIPE)
		defer signal.Stop(sigpipe)
	}

	r := &batchRun{
		a:            a,
		client:       client,
		defaults:     defaults,
		resume:       resume,
		retryUnknown: b.retryUnknown,
		dryRun:       f.dryRun,
		opts:         wrapper.BatchOptions{Concurrency: b.concurrency, PerMinute: perMinute},
		in:           newLineReader(in, maxBatchLineBytes),
		resumeFile:   b.resume,
	}
	r.out = &resultWriter{w: a.stdout, stderr: a.stderr, resume: resume}
	if a.stderrIsTerminal() {
		total := -1
		if b.file != "-" {
			total = countLines(b.file)
		}
		r.progress = newProgress(a.stderr, r, total)
	}
	return r.run(cmd.Context())
}

// batchDefaults reads --data and the flags into the defaults of every line.
func (a *app) batchDefaults(cmd *cobra.Command, f *createFlags) (batchDefaults, error) {
	fl := cmd.Flags()
	d := batchDefaults{projectUID: strings.TrimSpace(f.projectUID)}
	if fl.Changed("download-task-id") {
		id := strings.TrimSpace(f.downloadTaskID)
		d.downloadTaskID = &id
	}
	if fl.Changed("continuous") {
		c := f.continuous
		d.continuous = &c
	}
	body, err := a.bodyFromFlags(cmd, f)
	if err != nil {
		return d, err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return d, usagef("the flags do not make a request body: %v", err)
	}
	if err := json.Unmarshal(raw, &d.body); err != nil {
		return d, usagef("the flags do not make a request body: %v", err)
	}
	for k, v := range d.body {
		if isNull(v) {
			delete(d.body, k)
		}
	}
	return d, nil
}

// openBatchInput opens FILE, or stdin for "-".
func (a *app) openBatchInput(name string) (io.Reader, func(), error) {
	if name == "-" {
		if a.stdin == nil {
			return nil, nil, usagef("--batch -: no standard input")
		}
		return a.stdin, func() {}, nil
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, usagef("--batch: %v", err)
	}
	if fi, err := fh.Stat(); err != nil || fi.IsDir() {
		_ = fh.Close()
		return nil, nil, usagef("--batch %s: not a readable file", name)
	}
	return fh, func() { _ = fh.Close() }, nil
}

// batchRun is one run of batch mode.
type batchRun struct {
	a            *app
	client       *wrapper.Client
	defaults     batchDefaults
	resume       *resumeState // nil without --resume
	resumeFile   string
	retryUnknown bool
	dryRun       bool
	opts         wrapper.BatchOptions
	in           *lineReader
	out          *resultWriter
	progress     *progress // nil unless stderr is a terminal

	cancel context.CancelFunc
	refs   sync.Map // line -> json.RawMessage: the ref of a line in flight

	mu      sync.Mutex
	stopErr error // why the run stopped early by itself (not an interrupt)

	// Counts of lines, for the progress, the summary and the exit code.
	lines, sent, done                   atomic.Int64
	created, failed, unknown, invalid   atomic.Int64
	skippedCreated, skippedUnknown      atomic.Int64
	firstSend                           atomic.Int64 // unix nanos of the first send, 0 before
	lastLine                            atomic.Int64 // number of the last line read
	readStopped                         atomic.Bool  // the reader stopped before the end of FILE
	carriedCreated, carriedUnknownLines atomic.Int64
	inferred                            atomic.Int64 // lines without a result in RESULTS though a later line was sent
}

// stop ends the run early for err: no more lines are taken, the requests in flight finish.
func (r *batchRun) stop(err error) {
	r.mu.Lock()
	if r.stopErr == nil {
		r.stopErr = err
	}
	r.mu.Unlock()
	r.cancel()
}

func (r *batchRun) stopped() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopErr
}

func (r *batchRun) run(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	r.cancel = cancel
	r.out.onFail = func(err error) {
		r.stop(fmt.Errorf("writing a result to stdout failed (%w); stopped taking lines", err))
	}
	if r.progress != nil {
		r.progress.start()
	}

	tasks := make(chan wrapper.BatchTask)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(tasks)
		r.read(ctx, tasks)
	}()
	var batchErr error
	if !r.dryRun {
		batchErr = r.client.RunBatch(ctx, tasks, r.opts, r.onResult)
	}
	if batchErr == nil {
		// RunBatch saw tasks closed (or a dry run): the reader has finished, or is about to,
		// unless an interrupt caught it blocked on its input.
		select {
		case <-readDone:
		case <-ctx.Done():
		}
	}
	// The reader may still be blocked reading stdin after an interrupt; it sends nothing more
	// (ctx is done) and the writer drops what it would still write.
	r.out.close(r.carryForward)
	if r.progress != nil {
		r.progress.finish()
	}
	return r.verdict(parent)
}

// read reads the lines and sends the valid ones that are not to be skipped to tasks.
func (r *batchRun) read(ctx context.Context, tasks chan<- wrapper.BatchTask) {
	for {
		if ctx.Err() != nil {
			r.readStopped.Store(true)
			return
		}
		raw, tooLong, _, err := r.in.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			r.stop(fmt.Errorf("reading --batch input after line %d: %w", r.in.n, err))
			return
		}
		line := r.in.n
		r.lastLine.Store(int64(line))
		if line == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
		}
		if !tooLong && len(bytes.TrimSpace(raw)) == 0 {
			r.resume.markBlank(line)
			continue
		}
		r.lines.Add(1)
		t := r.parseLine(line, raw, tooLong)

		if st, fp := r.resume.lookup(line); st != stNone && st != stFailed {
			if st == stInferred {
				r.inferred.Add(1)
			}
			if fp != 0 && t.projectUID != "" && fp != fingerprint(t.projectUID, t.downloadTaskID) {
				r.stop(&resumeMismatchError{line: line, file: r.resumeFile})
				return
			}
			if st == stCreated {
				r.skippedCreated.Add(1)
				r.out.write(&batchResult{Line: line, OK: true, Skipped: true, DryRun: r.dryRun, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Ref: t.ref})
				continue
			}
			if !r.retryUnknown {
				r.skippedUnknown.Add(1)
				r.out.write(&batchResult{Line: line, Skipped: true, DryRun: r.dryRun, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Ref: t.ref,
					Error: skippedUnknownError(st, r.resumeFile)})
				continue
			}
		}
		if len(t.problems) > 0 {
			r.invalid.Add(1)
			r.out.write(&batchResult{Line: line, DryRun: r.dryRun, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Ref: t.ref,
				Error: invalidError(t.problems)})
			continue
		}
		params := &api.CreateJobFromAsyncDownloadTaskParams{Continuous: t.continuous}
		if t.hasDownloadTaskID {
			id := t.downloadTaskID
			params.DownloadTaskId = &id
		}
		if r.dryRun {
			r.preview(ctx, t, params)
			continue
		}
		if t.ref != nil {
			r.refs.Store(line, t.ref)
		}
		select {
		case tasks <- wrapper.BatchTask{ID: line, ProjectUID: t.projectUID, Params: params, Body: t.body}:
			r.sent.Add(1)
			r.firstSend.CompareAndSwap(0, time.Now().UnixNano())
		case <-ctx.Done():
			r.refs.Delete(line)
			r.readStopped.Store(true)
			return
		}
	}
}

// preview writes the request a line would send (--dry-run).
func (r *batchRun) preview(ctx context.Context, t lineTask, params *api.CreateJobFromAsyncDownloadTaskParams) {
	res := &batchResult{Line: t.line, DryRun: true, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Ref: t.ref}
	p, err := r.client.PreviewCreate(ctx, t.projectUID, params, t.body)
	if err != nil {
		var invalid *wrapper.ValidationError
		if errors.As(err, &invalid) {
			res.Error = invalidError(invalid.Problems)
		} else {
			res.Error = &batchError{Message: err.Error(), Outcome: wrapper.Failed}
		}
		r.invalid.Add(1)
		r.out.write(res)
		return
	}
	headers := map[string]string{}
	for k, vs := range p.Header {
		headers[k] = strings.Join(vs, ", ")
	}
	res.OK = true
	res.Request = &batchRequest{Method: p.Method, URL: p.URL, Headers: headers, Body: p.Body}
	r.created.Add(1) // "would be created"
	r.out.write(res)
}

// onResult writes the result of a task RunBatch finished.
func (r *batchRun) onResult(br wrapper.BatchResult) {
	r.done.Add(1)
	res := &batchResult{Line: br.Task.ID, ProjectUID: br.Task.ProjectUID}
	if p := br.Task.Params; p != nil && p.DownloadTaskId != nil {
		res.DownloadTaskID = *p.DownloadTaskId
	}
	if ref, ok := r.refs.LoadAndDelete(br.Task.ID); ok {
		res.Ref = ref.(json.RawMessage)
	}
	switch br.Outcome() {
	case wrapper.Created:
		r.created.Add(1)
		res.OK = true
		res.Result = br.Jobs
	case wrapper.Failed:
		r.failed.Add(1)
		res.Error = resultError(br.Err, wrapper.Failed)
	default:
		r.unknown.Add(1)
		res.Error = resultError(br.Err, wrapper.Unknown)
	}
	r.out.write(res)
}

// carryForward writes, once the run is over, the results of the lines RESULTS showed as
// created or of unknown outcome that this run did not write (it stopped before reaching them,
// or they were dropped unsent): so the new results describe them too, and a resume from the
// new results alone does not send them.
func (r *batchRun) carryForward(write func(*batchResult)) {
	r.resume.each(func(line int, st byte) {
		switch st {
		case stCreated:
			r.carriedCreated.Add(1)
			write(&batchResult{Line: line, OK: true, Skipped: true, DryRun: r.dryRun})
		case stUnknown, stInferred:
			r.carriedUnknownLines.Add(1)
			write(&batchResult{Line: line, Skipped: true, DryRun: r.dryRun, Error: skippedUnknownError(st, r.resumeFile)})
		}
	})
}

// verdict turns the counts into the exit code: nil (0), a usage error (2) or an error (1).
func (r *batchRun) verdict(parent context.Context) error {
	failed, unknown, invalid := r.failed.Load(), r.unknown.Load(), r.invalid.Load()
	skippedUnknown := r.skippedUnknown.Load()
	summary := r.summary()
	if n := r.inferred.Load(); n > 0 {
		fmt.Fprintf(r.a.stderr, "connectortask: warning: %s has no result for %d line%s though later lines were sent: the run that wrote it was killed with them in flight, so they count as of unknown outcome\n",
			r.resumeFile, n, plural(int(n)))
	}
	if err := r.stopped(); err != nil {
		if (r.sent.Load() == 0 || r.dryRun) && r.out.failed() == nil {
			// A RESULTS that does not match, or an input that cannot be read, before anything
			// was sent: a usage error.
			return &usageError{err: fmt.Errorf("%w (%s)", err, summary)}
		}
		return withHint(fmt.Errorf("%w (%s)", err, summary), "%s", r.resumeHint())
	}
	if parent.Err() != nil {
		return withHint(fmt.Errorf("interrupted after reading line %d: no more lines were sent; the requests in flight finished and their results are on stdout (%s)", r.lastLine.Load(), summary),
			"%s", r.resumeHint())
	}
	if r.dryRun {
		if invalid > 0 {
			return usagef("dry run: %d of %d lines are invalid (their problems are on stdout); nothing was sent", invalid, r.lines.Load())
		}
		fmt.Fprintf(r.a.stderr, "connectortask: dry run: %d lines valid (%s); nothing was sent\n", r.created.Load(), summary)
		return nil
	}
	if failed+unknown+invalid+skippedUnknown > 0 {
		hint := "fix the failed lines, then send only them with --resume RESULTS (the stdout of this run)"
		if unknown+skippedUnknown > 0 {
			hint = "lines of unknown outcome may have created jobs: list the project's jobs in Phrase; --resume RESULTS skips them unless --retry-unknown is given, and sends the failed ones"
		}
		return withHint(fmt.Errorf("batch: %d of %d lines not created (%s)", failed+unknown+invalid+skippedUnknown, r.lines.Load(), summary), "%s", hint)
	}
	if r.progress != nil {
		fmt.Fprintf(r.a.stderr, "connectortask: batch done: %s\n", summary)
	}
	return nil
}

func (r *batchRun) resumeHint() string {
	return "finish with the same command and --resume RESULTS (the stdout of this run): it sends only the lines not created, never one whose outcome is unknown"
}

// summary is e.g. "998 created, 1 failed, 1 outcome unknown, 0 invalid".
func (r *batchRun) summary() string {
	var parts []string
	add := func(n int64, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	if r.dryRun {
		add(r.created.Load(), "valid")
	} else {
		add(r.created.Load(), "created")
	}
	add(r.failed.Load(), "failed")
	add(r.unknown.Load(), "outcome unknown")
	add(r.invalid.Load(), "invalid")
	add(r.skippedCreated.Load()+r.carriedCreated.Load(), "skipped as created before")
	add(r.skippedUnknown.Load()+r.carriedUnknownLines.Load(), "skipped as of unknown outcome")
	if notSent := r.sent.Load() - r.done.Load(); notSent > 0 && !r.dryRun {
		add(notSent, "taken but not sent")
	}
	if len(parts) == 0 {
		return "no lines"
	}
	return strings.Join(parts, ", ")
}

// ---- Lines ---------------------------------------------------------------------------------

// lineTask is one input line, resolved against the defaults.
type lineTask struct {
	line              int
	projectUID        string
	downloadTaskID    string
	hasDownloadTaskID bool
	continuous        *bool
	body              api.JobCreateRequestDto
	ref               json.RawMessage
	problems          []wrapper.Problem
}

// overrideFields are the fields of a line that override one field of the body.
var overrideFields = []string{"targetLangs", "due", "path", "preTranslate", "semanticMarkup",
	"useProjectFileImportSettings", "importSettingsUid", "callbackUrl"}

// lineFields are all the fields a line may have.
var lineFields = append([]string{"projectUid", "downloadTaskId", "continuous", "body", "ref"}, overrideFields...)

// bodyOnlyFields are fields of JobCreateRequestDto that a line gives inside "body".
var bodyOnlyFields = []string{"workflowSettings", "assignments", "importSettings", "notifyProvider",
	"remoteFile", "jobPreviewPackageFileUidRef", "xmlAssistantProfile"}

func (r *batchRun) parseLine(line int, raw []byte, tooLong bool) lineTask {
	d := r.defaults
	t := lineTask{line: line, projectUID: d.projectUID, continuous: d.continuous}
	if d.downloadTaskID != nil {
		t.downloadTaskID, t.hasDownloadTaskID = *d.downloadTaskID, true
	}
	problem := func(path, msg, fix string) {
		t.problems = append(t.problems, wrapper.Problem{Path: path, Message: msg, Fix: fix})
	}
	if tooLong {
		problem("", fmt.Sprintf("the line is longer than %d bytes", maxBatchLineBytes), "split the task, or send it with create --data")
		return t
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		msg := "not a JSON object"
		if err != nil {
			msg += ": " + err.Error()
		}
		problem("", msg, `give one object per line, e.g. {"projectUid": "...", "downloadTaskId": "..."}`)
		return t
	}
	str := func(key string) (val string, present, null bool) {
		v, ok := fields[key]
		if !ok {
			return "", false, false
		}
		if isNull(v) {
			return "", true, true
		}
		if err := json.Unmarshal(v, &val); err != nil {
			problem("/"+key, "want a string, got "+jsonKind(v), "")
			return "", false, false
		}
		return strings.TrimSpace(val), true, false
	}
	boolean := func(key string) (val *bool, present bool) {
		v, ok := fields[key]
		if !ok {
			return nil, false
		}
		if isNull(v) {
			return nil, true
		}
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			problem("/"+key, "want true or false, got "+jsonKind(v), "")
			return nil, false
		}
		return &b, true
	}

	// Unknown fields: a misspelt override would otherwise be dropped without a word.
	var unknown []string
	for k := range fields {
		if !contains(lineFields, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		fix := "a line has " + strings.Join(lineFields, ", ")
		switch {
		case contains(bodyOnlyFields, k):
			fix = `give it inside "body", the line's complete JobCreateRequestDto`
		case nearest(k, lineFields) != "":
			fix = "did you mean " + nearest(k, lineFields) + "?"
		}
		problem("/"+k, "unknown field", fix)
	}

	if v, present, null := str("projectUid"); present {
		t.projectUID = ""
		if !null {
			t.projectUID = v
		}
	}
	if t.projectUID == "" {
		problem("/projectUid", "no project uid", "give projectUid in the line, or --project-uid for every line")
	}
	if v, present, null := str("downloadTaskId"); present {
		t.downloadTaskID, t.hasDownloadTaskID = v, !null
	}
	if v, present := boolean("continuous"); present {
		t.continuous = v
	}
	if v, ok := fields["ref"]; ok && !isNull(v) {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			t.ref = json.RawMessage(buf.Bytes())
		}
	}

	// The body: the line's own, or the defaults; then the overrides.
	body := make(map[string]json.RawMessage, len(d.body)+4)
	if v, ok := fields["body"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &body); err != nil || body == nil {
			problem("/body", "want a JSON object (a JobCreateRequestDto), got "+jsonKind(v), "")
			body = map[string]json.RawMessage{}
		}
	} else {
		for k, v := range d.body {
			body[k] = v
		}
	}
	set := func(key string, v any) {
		if b, err := json.Marshal(v); err == nil {
			body[key] = b
		}
	}
	if v, ok := fields["targetLangs"]; ok {
		var list []string
		var one string
		switch {
		case isNull(v):
			delete(body, "targetLangs")
		case json.Unmarshal(v, &list) == nil:
			set("targetLangs", splitLangs(list))
		case json.Unmarshal(v, &one) == nil:
			set("targetLangs", splitLangs([]string{one}))
		default:
			problem("/targetLangs", "want an array of language codes (or \"de,fr\"), got "+jsonKind(v), `e.g. ["de", "fr"]`)
		}
	}
	if v, present, null := str("due"); present {
		if null {
			delete(body, "due")
		} else if due, err := wrapper.ParseTime(v, r.a.now()); err != nil {
			problem("/due", err.Error(), "RFC 3339 (2026-12-01T17:00:00Z) or relative (+72h, +3d)")
		} else {
			set("due", api.NewDateTimePtr(due))
		}
	}
	for key, field := range map[string]string{"path": "path", "callbackUrl": "callbackUrl"} {
		if v, present, null := str(key); present {
			if null {
				delete(body, field)
			} else {
				set(field, v)
			}
		}
	}
	for _, key := range []string{"preTranslate", "semanticMarkup"} {
		if v, present := boolean(key); present {
			if v == nil {
				delete(body, key)
			} else {
				set(key, *v)
			}
		}
	}
	// importSettingsUid and useProjectFileImportSettings are alternatives: a line that picks one
	// drops the default of the other (unless it gives both, which validation then refuses).
	uid, uidPresent, uidNull := str("importSettingsUid")
	useProject, usePresent := boolean("useProjectFileImportSettings")
	if uidPresent {
		if uidNull {
			delete(body, "importSettings")
		} else {
			set("importSettings", api.UidReference{Uid: uid})
			if !usePresent {
				delete(body, "useProjectFileImportSettings")
			}
		}
	}
	if usePresent {
		if useProject == nil {
			delete(body, "useProjectFileImportSettings")
		} else {
			set("useProjectFileImportSettings", *useProject)
			if *useProject && !uidPresent {
				delete(body, "importSettings")
			}
		}
	}

	final, err := json.Marshal(body)
	if err != nil {
		problem("/body", "cannot be encoded: "+err.Error(), "")
		return t
	}
	if err := wrapper.ValidateRequestJSON(final, r.a.now()); err != nil {
		var invalid *wrapper.ValidationError
		if errors.As(err, &invalid) {
			t.problems = append(t.problems, invalid.Problems...)
		} else {
			problem("", err.Error(), "")
		}
	}
	if len(t.problems) == 0 {
		if err := json.Unmarshal(final, &t.body); err != nil {
			problem("/body", err.Error(), "")
		}
	}
	return t
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// jsonKind names the type of a JSON value, for messages.
func jsonKind(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nearest returns the field k probably meant (same letters but case, or one a prefix of the
// other), or "".
func nearest(k string, fields []string) string {
	lk := strings.ToLower(k)
	for _, f := range fields {
		lf := strings.ToLower(f)
		if lk == lf || (len(lk) >= 3 && (strings.HasPrefix(lf, lk) || strings.HasPrefix(lk, lf))) {
			return f
		}
	}
	return ""
}

// ---- Results -------------------------------------------------------------------------------

// batchResult is one line of batch mode's stdout.
type batchResult struct {
	Line           int             `json:"line"`
	OK             bool            `json:"ok"`
	Skipped        bool            `json:"skipped,omitempty"`
	DryRun         bool            `json:"dryRun,omitempty"`
	ProjectUID     string          `json:"projectUid,omitempty"`
	DownloadTaskID string          `json:"downloadTaskId,omitempty"`
	Ref            json.RawMessage `json:"ref,omitempty"`
	Result         *api.JobListDto `json:"result,omitempty"`
	Request        *batchRequest   `json:"request,omitempty"`
	Error          *batchError     `json:"error,omitempty"`
}

// batchRequest is the request a line would send (--dry-run).
type batchRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// batchError is why a line was not created.
type batchError struct {
	Message          string          `json:"message"`
	Outcome          wrapper.Outcome `json:"outcome"` // failed: no job was created; unknown: jobs may exist
	Status           int             `json:"status,omitempty"`
	ErrorCode        string          `json:"errorCode,omitempty"`
	ErrorDescription string          `json:"errorDescription,omitempty"`
	Problems         []batchProblem  `json:"problems,omitempty"`
}

type batchProblem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func invalidError(ps []wrapper.Problem) *batchError {
	e := &batchError{Outcome: wrapper.Failed}
	msgs := make([]string, 0, len(ps))
	for _, p := range ps {
		path := p.Path
		if path == "" {
			path = "/"
		}
		e.Problems = append(e.Problems, batchProblem{Path: path, Message: p.Message, Fix: p.Fix})
		msgs = append(msgs, p.String())
	}
	e.Message = "invalid line, nothing was sent: " + strings.Join(msgs, "; ")
	return e
}

func resultError(err error, outcome wrapper.Outcome) *batchError {
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		return invalidError(invalid.Problems)
	}
	e := &batchError{Message: strings.Join(strings.Fields(err.Error()), " "), Outcome: outcome}
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		e.Status, e.ErrorCode, e.ErrorDescription = apiErr.StatusCode, apiErr.ErrorCode, apiErr.ErrorDescription
	}
	if outcome == wrapper.Unknown && !strings.Contains(e.Message, "unknown") {
		e.Message = "outcome unknown: jobs may have been created (" + e.Message + "); list the project's jobs in Phrase before sending this line again"
	}
	return e
}

func skippedUnknownError(st byte, file string) *batchError {
	msg := "not sent: " + file + " gives this line an unknown outcome (jobs may have been created)"
	if st == stInferred {
		msg = "not sent: " + file + " has no result for this line though later lines were sent: it was in flight when that run was killed, so jobs may have been created"
	}
	return &batchError{Outcome: wrapper.Unknown,
		Message: msg + "; list the project's jobs in Phrase, then send it again with --retry-unknown only if it has none"}
}

// resultWriter writes result lines to stdout, one Write each, unbuffered: a result is on stdout
// before the next request is known to have finished, so a crash loses none that was written.
type resultWriter struct {
	mu     sync.Mutex
	w      io.Writer
	stderr io.Writer
	resume *resumeState
	onFail func(error)
	err    error // the first failed write; the results after it go to stderr
	closed bool
}

func (w *resultWriter) write(res *batchResult) {
	b, err := marshal(res)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"line":%d,"ok":false,"error":{"message":%q,"outcome":"unknown"}}`, res.Line, "encoding the result: "+err.Error()))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeLocked(res.Line, append(b, '\n'))
}

func (w *resultWriter) writeLocked(line int, b []byte) {
	if w.closed {
		return
	}
	if w.err == nil {
		if _, err := w.w.Write(b); err != nil {
			w.err = err
			if w.onFail != nil {
				w.onFail(err)
			}
		}
	}
	if w.err != nil {
		// Nothing is lost: the result goes to stderr.
		fmt.Fprintf(w.stderr, "connectortask: result of line %d not written to stdout: %s", line, b)
	}
	w.resume.markEmitted(line)
}

// close writes the last results (carried forward) and refuses any later write.
func (w *resultWriter) close(last func(write func(*batchResult))) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	last(func(res *batchResult) {
		b, err := marshal(res)
		if err == nil {
			w.writeLocked(res.Line, append(b, '\n'))
		}
	})
	w.closed = true
}

func (w *resultWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// ---- Resume --------------------------------------------------------------------------------

// States of a line in the results given to --resume.
const (
	stNone     byte = iota
	stFailed        // not created, for certain: send it again
	stUnknown       // outcome unknown: skip unless --retry-unknown
	stInferred      // no result, but a later line was sent: it was in flight when that run stopped
	stCreated       // created: skip

	stMask    byte = 0x0f
	stEmitted byte = 0x80 // this run wrote a result for the line
	stBlank   byte = 0x40 // the line is blank in this run's input
)

// resumeState is what --resume RESULTS says of each line: a byte of state and a fingerprint of
// projectUid and downloadTaskId, indexed by line number (9 bytes a line; no result is kept).
type resumeState struct {
	mu      sync.Mutex
	states  []byte
	prints  []uint64
	maxSent int // the last line the earlier run certainly sent; lines before it without a result were in flight
}

// stateLocked is the state of line, stInferred for a line without a result before maxSent.
func (s *resumeState) stateLocked(line int) byte {
	if line >= len(s.states) {
		return stNone
	}
	st := s.states[line] & stMask
	if st == stNone && line < s.maxSent {
		st = stInferred
	}
	return st
}

// lookup returns the state of line and its fingerprint (0 when unknown). A nil state knows
// nothing.
func (s *resumeState) lookup(line int) (byte, uint64) {
	if s == nil {
		return stNone, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if line >= len(s.states) {
		return stNone, 0
	}
	return s.stateLocked(line), s.prints[line]
}

func (s *resumeState) mark(line int, bit byte) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if line < len(s.states) {
		s.states[line] |= bit
	}
}

func (s *resumeState) markEmitted(line int) { s.mark(line, stEmitted) }
func (s *resumeState) markBlank(line int)   { s.mark(line, stBlank) }

// each calls fn for every line with a state that this run wrote no result for.
func (s *resumeState) each(fn func(line int, st byte)) {
	if s == nil {
		return
	}
	s.mu.Lock()
	var lines []int
	var sts []byte
	for l := 1; l < len(s.states); l++ {
		st := s.stateLocked(l)
		if s.states[l]&(stEmitted|stBlank) == 0 && st != stNone && st != stFailed {
			lines, sts = append(lines, l), append(sts, st)
		}
	}
	s.mu.Unlock()
	for i, l := range lines {
		fn(l, sts[i])
	}
}

func (s *resumeState) grow(line int) {
	if line < len(s.states) {
		return
	}
	n := max(line+1, 2*len(s.states), 1024)
	s.states = append(s.states, make([]byte, n-len(s.states))...)
	s.prints = append(s.prints, make([]uint64, n-len(s.prints))...)
}

func fingerprint(projectUID, downloadTaskID string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, projectUID)
	_, _ = h.Write([]byte{0})
	_, _ = io.WriteString(h, downloadTaskID)
	return h.Sum64() | 1 // never 0, which means "no fingerprint"
}

// resumeMismatchError: RESULTS describes a line of another input.
type resumeMismatchError struct {
	line int
	file string
}

func (e *resumeMismatchError) Error() string {
	return fmt.Sprintf("--resume %s does not match the input: its line %d was for another projectUid or downloadTaskId; resume with the same input file and flags as the run that wrote it", e.file, e.line)
}

// truncatedResult finds the line number at the start of a result line cut short by a crash.
var truncatedResult = regexp.MustCompile(`^\s*\{\s*"line"\s*:\s*(\d+)`)

// loadResume reads the results of an earlier run.
func (a *app) loadResume(name, input string) (*resumeState, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, usagef("--resume: %v", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil || fi.IsDir() {
		return nil, usagef("--resume %s: not a readable file", name)
	}
	if in, err := os.Stat(input); err == nil && os.SameFile(in, fi) {
		return nil, usagef("--resume %s is the --batch input itself; give the results (stdout) of the earlier run", name)
	}
	if out, ok := a.stdout.(*os.File); ok {
		if ofi, err := out.Stat(); err == nil && os.SameFile(ofi, fi) && fi.Size() == 0 {
			return nil, usagef("--resume %s is empty and is also this run's stdout: '> %s' emptied it before the run began; restore it, and write the new results to another file (or append with >>)", name, name)
		}
	}
	s := &resumeState{}
	lr := newLineReader(fh, maxResultLineBytes)
	maxSent, results := 0, 0
	for {
		raw, tooLong, complete, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usagef("--resume %s: %v", name, err)
		}
		if tooLong {
			return nil, usagef("--resume %s:%d: a line longer than %d MiB is not a result of create --batch", name, lr.n, maxResultLineBytes>>20)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var res struct {
			Line           *int   `json:"line"`
			OK             *bool  `json:"ok"`
			Skipped        bool   `json:"skipped"`
			DryRun         bool   `json:"dryRun"`
			ProjectUID     string `json:"projectUid"`
			DownloadTaskID string `json:"downloadTaskId"`
			Error          *struct {
				Outcome string `json:"outcome"`
				Status  int    `json:"status"`
			} `json:"error"`
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			m := truncatedResult.FindSubmatch(raw)
			if complete || m == nil {
				return nil, usagef("--resume %s:%d: not a result of create --batch: %v", name, lr.n, err)
			}
			// The last line was cut short while it was written: the run died right then. Its
			// outcome is lost, so it counts as unknown.
			n, _ := strconv.Atoi(string(m[1]))
			if n < 1 || n > maxResumeLine {
				return nil, usagef("--resume %s:%d: line number %d out of range", name, lr.n, n)
			}
			fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s ends with the result of line %d cut short; that line counts as of unknown outcome\n", name, n)
			s.grow(n)
			if s.states[n] != stCreated {
				s.states[n], s.prints[n] = stUnknown, 0
			}
			continue
		}
		switch {
		case res.Line == nil || res.OK == nil:
			return nil, usagef("--resume %s:%d: not a result of create --batch (no \"line\" or \"ok\")", name, lr.n)
		case *res.Line < 1 || *res.Line > maxResumeLine:
			return nil, usagef("--resume %s:%d: line number %d out of range", name, lr.n, *res.Line)
		case res.DryRun:
			return nil, usagef("--resume %s is the output of a --dry-run, which created nothing; resume from the results of a run that sent requests", name)
		}
		results++
		n := *res.Line
		s.grow(n)
		st := stCreated
		if !*res.OK {
			if res.Error == nil {
				return nil, usagef("--resume %s:%d: a failed result without \"error\"", name, lr.n)
			}
			switch wrapper.Outcome(res.Error.Outcome) {
			case wrapper.Failed:
				st = stFailed
			case wrapper.Unknown:
				st = stUnknown
			default:
				return nil, usagef("--resume %s:%d: error.outcome %q: want failed or unknown", name, lr.n, res.Error.Outcome)
			}
		}
		// Created stays created; otherwise a later result of the same line (files appended
		// to each other) wins.
		if s.states[n] != stCreated {
			s.states[n] = st
			s.prints[n] = 0
			if res.ProjectUID != "" {
				s.prints[n] = fingerprint(res.ProjectUID, res.DownloadTaskID)
			}
		}
		// The lines that certainly went to Phrase in that run: the reader sends lines in
		// order, so every valid line before them was sent too.
		if !res.Skipped && (*res.OK || st == stUnknown || (res.Error != nil && res.Error.Status > 0)) {
			maxSent = max(maxSent, n)
		}
	}
	s.maxSent = maxSent
	if results == 0 {
		fmt.Fprintf(a.stderr, "connectortask: warning: --resume %s holds no result: every line will be sent\n", name)
	}
	return s, nil
}

// ---- Reading lines -------------------------------------------------------------------------

// lineReader reads lines of at most max bytes with a buffer of its own, reused: memory stays
// flat however long the input.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
	n   int // number of the last line returned
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its end (\n or \r\n). tooLong: it was longer than max
// bytes, and its content was dropped. complete: it ended with a newline. The line is valid
// until the next call.
func (lr *lineReader) next() (line []byte, tooLong, complete bool, err error) {
	lr.buf = lr.buf[:0]
	read := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 {
				tooLong, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == nil:
			complete = true
		case errors.Is(err, io.EOF):
			if !read {
				return nil, false, false, io.EOF
			}
		default:
			return nil, false, false, err
		}
		lr.n++
		line = bytes.TrimSuffix(bytes.TrimSuffix(lr.buf, []byte("\n")), []byte("\r"))
		if len(line) > lr.max {
			tooLong = true
		}
		if tooLong {
			line = nil
		}
		return line, tooLong, complete, nil
	}
}

// countLines counts the non-blank lines of a file, for the progress's ETA; -1 when it cannot.
func countLines(name string) int {
	fh, err := os.Open(name)
	if err != nil {
		return -1
	}
	defer fh.Close()
	buf := make([]byte, 64<<10)
	n, content := 0, false
	for {
		k, err := fh.Read(buf)
		for _, c := range buf[:k] {
			switch c {
			case '\n':
				if content {
					n++
				}
				content = false
			case ' ', '\t', '\r':
			default:
				content = true
			}
		}
		if err != nil {
			if content {
				n++
			}
			if !errors.Is(err, io.EOF) {
				return -1
			}
			return n
		}
	}
}

// ---- Progress ------------------------------------------------------------------------------

// progress redraws one line on stderr (a terminal) four times a second: lines done, failed,
// in flight, the rate and the ETA.
type progress struct {
	w     io.Writer
	r     *batchRun
	total int // non-blank lines of the input, -1 when unknown (stdin)
	begin time.Time
	stopc chan struct{}
	done  chan struct{}
}

func newProgress(w io.Writer, r *batchRun, total int) *progress {
	return &progress{w: w, r: r, total: total, stopc: make(chan struct{}), done: make(chan struct{})}
}

func (p *progress) start() {
	p.begin = time.Now()
	go func() {
		defer close(p.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(time.Now()))
			case <-p.stopc:
				return
			}
		}
	}()
}

func (p *progress) finish() {
	close(p.stopc)
	<-p.done
	fmt.Fprintf(p.w, "\r%s\x1b[K\n", p.line(time.Now()))
}

// line is e.g. "batch: 340/1000 lines, 2 failed, 4 in flight, 2990/min, ETA 13s".
func (p *progress) line(now time.Time) string {
	r := p.r
	handled := r.done.Load() + r.invalid.Load() + r.skippedCreated.Load() + r.skippedUnknown.Load()
	if r.dryRun {
		handled = r.created.Load() + r.invalid.Load() + r.skippedCreated.Load() + r.skippedUnknown.Load()
	}
	failed := r.failed.Load() + r.unknown.Load() + r.invalid.Load()
	of := ""
	if p.total >= 0 {
		of = "/" + strconv.Itoa(p.total)
	}
	s := fmt.Sprintf("batch: %d%s lines, %d failed, %d in flight", handled, of, failed, r.sent.Load()-r.done.Load())
	first := r.firstSend.Load()
	if first == 0 || r.done.Load() == 0 {
		return s
	}
	elapsed := now.Sub(time.Unix(0, first))
	perMinute := float64(r.done.Load()) / elapsed.Minutes()
	s += fmt.Sprintf(", %.0f/min", perMinute)
	if p.total >= 0 && perMinute > 0 {
		left := float64(int64(p.total) - handled)
		if left > 0 {
			eta := time.Duration(left / perMinute * float64(time.Minute))
			s += ", ETA " + eta.Round(time.Second).String()
		}
	}
	return s
}
