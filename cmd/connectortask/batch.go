package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// Batch mode: `create --batch FILE|-`. The wrapper decides the policy (validation, pacing,
// concurrency, which failures may be resent: RunBatch and BatchResult.Outcome); this file and
// batch_lines.go, batch_results.go, batch_records.go (send records, resume header, line hash),
// batch_resume.go, batch_carry.go (verify and carry over before sending), batch_journal.go,
// batch_files.go, batch_reader.go and batch_progress.go read the lines, resume, and write one
// result per line.

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
  {"line": 3, "ok": true, "projectUid": "...", "downloadTaskId": "...", "lineHash": "...",
   "result": {JobListDto}}
  {"line": 4, "ok": false, "projectUid": "...", "downloadTaskId": "...", "lineHash": "...",
   "error": {"message": "...", "status": 400, "errorCode": "...", "outcome": "failed"}}
Before a line's request is sent, its send record is written: {"line": 3, "sending": true, ...}.
Records without "ok" (send records, and the {"resumed": ...} header of a --resume run) are
bookkeeping for --resume, not results: skip them (jq 'select(.ok != null)').
"outcome" is "failed" when no job was created, for certain (the line was invalid, and
"problems" says what to fix; or Phrase refused it), and "unknown" when jobs may exist (the
answer was lost): look at the project's jobs in Phrase before sending such a line again. One
failure does not stop the others. On a terminal, stderr shows the progress (done, failed,
rate, ETA).

--resume RESULTS (the stdout of an earlier run over the same FILE with the same flags) skips
the lines RESULTS shows as created and, unless --retry-unknown is given, the lines whose
outcome is unknown: among them the lines with a send record but no result, which the earlier
run had in flight when it was killed. Every other line is sent. RESULTS is first checked
against the whole input (each record carries its line's hash): when a line it shows as created
or unknown was edited, or RESULTS describes lines the input does not have, the run refuses
(exit 2) and writes and sends nothing; a line that failed may be edited. Before sending
anything, the run writes the skipped lines again ("skipped": true, with their job ids), so the
new results describe every line and can be resumed from in turn, even if this run is killed;
or append to RESULTS itself (--resume RESULTS >> RESULTS), which then holds every run.

A run killed hard (SIGKILL, a crash, the OOM killer) is resumed from what it wrote without a
duplicate: the send records on stdout show which lines were in flight, and a --resume skips
them as of unknown outcome (at most --concurrency lines: check them in Phrase, then
--retry-unknown those without jobs). An empty RESULTS is refused: its run sent nothing, but if
it was a --resume, the earlier results are the ones to resume from. The results are not synced
to disk: after a power cut or an OS crash their last records may be lost. For that, give --journal JOURNAL: each send is
also recorded there and synced to disk before it is sent, and a --resume given the same
--journal counts every recorded line without a result as of unknown outcome.

Ctrl-C (SIGINT or SIGTERM) stops taking lines; the requests in flight finish (each bounded by
--timeout and the retry policy) and their results are written, then the command exits 1:
finish with --resume. --dry-run validates every line and prints per line the request that
would be sent; nothing is sent. --wait and -o table do not apply to --batch.

--resume RESULTS --reconcile first resolves, before writing or sending anything, every line
RESULTS leaves of unknown outcome (a result that says so, or a send record without a result: a
line in flight when a run was killed): it lists the projects' jobs and finds each line's jobs
(see create --reconcile above). The carried-over results then give each such line once, in its
final state: created, with the jobs found, and not sent; or still unknown, with the candidate
jobs (a later --reconcile may settle it). A line that provably created nothing is sent by this
run. Each of these results carries "reconciled": how, and with how many list calls; the
summary and exit code count the final states. Lines without a remote file name and with the
same target languages whose outcomes are unknown at the same time cannot be told apart and stay
unknown. A run killed while reconciling has written nothing: resume from RESULTS again.

Exit codes with --batch: 0 every line was created (or skipped as created before); 1 a line
failed (invalid or refused) and none is of unknown outcome, or the run was interrupted, or a
result could not be written; 2 bad flags, an unreadable FILE or RESULTS, or with --dry-run an
invalid line (nothing was sent); 4 a line is of unknown outcome (jobs may exist; it was not
resent): resume with --reconcile.`

const batchExample = `  # Jobs for every line of tasks.jsonl, in German and French unless a line says otherwise:
  connectortask create --batch tasks.jsonl --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr \
      --due +3d > results.jsonl

  # Finish an interrupted or partly failed run, without creating any job twice:
  connectortask create --batch tasks.jsonl --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr \
      --due +3d --resume results.jsonl > results-2.jsonl

  # Resolve the lines of unknown outcome from the projects' jobs, then finish the rest:
  connectortask create --batch tasks.jsonl --target-lang de,fr --resume results.jsonl \
      --reconcile >> results.jsonl

  # Unattended: journal every send, so that even a run killed hard resumes without duplicates:
  connectortask create --batch tasks.jsonl --target-lang de,fr --journal sends.journal > results.jsonl
  connectortask create --batch tasks.jsonl --target-lang de,fr --journal sends.journal \
      --resume results.jsonl > results-2.jsonl

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
	journal      string
}

func (a *app) addBatchFlags(cmd *cobra.Command, b *batchFlags) {
	fl := cmd.Flags()
	fl.StringVar(&b.file, "batch", "", "create the jobs of every line of a JSON Lines `FILE` (- for stdin); see Batch mode above")
	intFlag(fl, &b.concurrency, "concurrency", defaultBatchConcurrency, "with --batch: at most N requests in flight")
	fl.StringVar(&b.rate, "rate", defaultBatchRate, "with --batch: at most N job-creating requests per minute, evenly spaced (N/min or N/s)")
	fl.StringVar(&b.resume, "resume", "", "with --batch: skip the lines an earlier run's `RESULTS` shows as created, or as of unknown outcome")
	fl.BoolVar(&b.retryUnknown, "retry-unknown", false, "with --resume: send the lines of unknown outcome again (check the project in Phrase first)")
	fl.StringVar(&b.journal, "journal", "", "with --batch: also record each send in `JOURNAL`, synced to disk before the request goes out (stdout's send records survive a kill, not a power cut); give the same JOURNAL with --resume")
	_ = cmd.MarkFlagFilename("batch", "jsonl", "json", "ndjson")
	_ = cmd.MarkFlagFilename("resume", "jsonl", "json", "ndjson")
}

// checkNoBatchFlags refuses the flags of batch mode without --batch.
func checkNoBatchFlags(cmd *cobra.Command) error {
	for _, name := range []string{"concurrency", "rate", "resume", "retry-unknown", "journal"} {
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
	case f.reconcile && (b.resume == "" || f.dryRun || b.retryUnknown):
		return usagef("--reconcile with --batch resolves the lines of unknown outcome of --resume RESULTS before sending: give --resume, and neither --dry-run nor --retry-unknown")
	case b.journal != "" && f.dryRun:
		return usagef("--journal records what is sent, and --dry-run sends nothing: leave one of them out")
	case b.journal != "" && (b.journal == b.file || b.journal == b.resume):
		return usagef("--journal %s is also the --batch input or the --resume results: give the journal a file of its own", b.journal)
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
	if err := a.checkBatchFiles(b); err != nil {
		return err
	}
	var resume *resumeState
	if b.resume != "" {
		if resume, err = a.loadResume(b.resume, b.file); err != nil {
			return err
		}
		if b.journal != "" {
			if err := a.loadJournal(resume, b.journal); err != nil {
				return err
			}
		}
		if err := a.checkEmptyResume(resume, b.journal); err != nil {
			return err
		}
	}
	in, closeIn, err := a.openBatchInput(b.file, resume != nil)
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
	if _, ok := a.rawStdout.(*os.File); ok {
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
	r.out = &resultWriter{w: a.stdout, stderr: a.stderr}
	appending := false
	if resume != nil {
		// Check RESULTS against the whole input before writing anything; then read it again.
		if err := r.verify(in); err != nil {
			return err
		}
		if _, err := in.Seek(0, io.SeekStart); err != nil {
			return usagef("--batch: %v", err)
		}
		appending = a.stdoutIs(b.resume)
		if appending && f.dryRun {
			return usagef("stdout is --resume %s itself: a --dry-run would add its previews to the results; write them to another file", b.resume)
		}
		if f, ok := a.rawStdout.(*os.File); ok && appending && !appends(f) {
			return usagef("stdout is --resume %s itself, but not opened for appending: the new records would overwrite it; append with >> %s, or write to another file", b.resume, b.resume)
		}
	}
	var j *journal
	if b.journal != "" {
		if j, err = openJournal(b.journal, resume != nil, a.secrets); err != nil {
			return err
		}
		defer j.close()
	}
	// The write-ahead records: a line's send record is on stdout (and in the journal, synced)
	// before its request leaves, so that a run killed hard can be resumed without a duplicate.
	r.opts.BeforeSend = func(task wrapper.BatchTask) error {
		now := time.Now().UTC().Truncate(time.Second) // before the send: the window only widens
		rec := sendRecord{Line: task.ID, Sending: true, ProjectUID: task.ProjectUID, DownloadTaskID: task.DownloadTaskID,
			SentAt: &now, TargetLangs: task.Body.TargetLangs}
		if rf := task.Body.RemoteFile; rf != nil {
			rec.RemoteFileName, rec.RemoteFileNameRegex = rf.RemoteFileName, rf.RemoteFileNameRegex != nil && *rf.RemoteFileNameRegex
		}
		if m, ok := r.meta.Load(task.ID); ok {
			rec.LineHash = m.(*lineMeta).hash
		}
		err := r.out.sending(rec)
		if err == nil && j != nil {
			err = j.record(rec)
		}
		if err != nil {
			r.stop(err)
		}
		return err
	}
	if f.reconcile {
		// Before anything is written: the carried section then holds every line's final state.
		if err := r.reconcileResume(cmd.Context(), f.reconcileGrace, b.file); err != nil {
			return err
		}
	}
	if resume != nil {
		if appending && resume.noFinalNewline {
			// RESULTS ends with a record cut short: end it, so the next record starts a line.
			if _, err := a.stdout.Write([]byte("\n")); err != nil {
				return fmt.Errorf("writing to stdout: %w", err)
			}
		}
		if err := r.carry(appending); err != nil {
			return err
		}
	}
	if style := a.progressStyle(); style != progressOff {
		total := -1
		if b.file != "-" {
			total = countLines(b.file)
		}
		r.progress = newProgress(a.stderr, r, total)
		if style == progressPlain {
			r.progress.every = a.progressEvery // plain lines for a log (--progress)
		}
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

// openBatchInput opens FILE, or stdin for "-". A --resume reads the input twice (verify, then
// run): stdin is then first copied to a temporary file.
func (a *app) openBatchInput(name string, twice bool) (io.ReadSeeker, func(), error) {
	if name == "-" {
		if a.stdin == nil {
			return nil, nil, usagef("--batch -: no standard input")
		}
		if !twice {
			return readSeeker{a.stdin}, func() {}, nil
		}
		tmp, err := os.CreateTemp("", "connectortask-batch-*.jsonl")
		if err != nil {
			return nil, nil, fmt.Errorf("--batch - with --resume: copying standard input: %w", err)
		}
		// The copy holds the lines, connector tokens included: unlinked at once (where the
		// system allows an open file to be), so that not even a kill -9 leaves it behind.
		unlinked := os.Remove(tmp.Name()) == nil
		cleanup := func() {
			_ = tmp.Close()
			if !unlinked {
				_ = os.Remove(tmp.Name())
			}
		}
		if _, err := io.Copy(tmp, a.stdin); err != nil {
			cleanup()
			return nil, nil, usagef("--batch -: reading standard input: %v", err)
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			cleanup()
			return nil, nil, err
		}
		return tmp, cleanup, nil
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
	progress     *progress        // nil unless stderr is a terminal or --progress asks for it
	reconciler   *batchReconciler // --reconcile (batch_reconcile.go)

	cancel context.CancelFunc
	meta   sync.Map // line -> *lineMeta: what a line in flight echoes in its records

	mu      sync.Mutex
	stopErr error // why the run stopped early by itself (not an interrupt)

	// Counts of lines, for the progress, the summary and the exit code.
	lines, sent, done                 atomic.Int64
	created, failed, unknown, invalid atomic.Int64
	skippedCreated, skippedUnknown    atomic.Int64 // carried over from RESULTS
	firstSend                         atomic.Int64 // unix nanos of the first send, 0 before
	lastLine                          atomic.Int64 // number of the last line read
	readStopped                       atomic.Bool  // the reader stopped before the end of FILE
	inferred                          atomic.Int64 // lines without a result in RESULTS though they were sent
}

// lineMeta is what a line in flight echoes in its send record and result.
type lineMeta struct {
	ref  json.RawMessage
	hash string
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
	r.out.close()
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
			continue
		}
		r.lines.Add(1)
		hash := ""
		if !tooLong {
			hash = lineHash(raw)
		}
		if st, h := r.resume.lookup(line); skips(st, r.retryUnknown) {
			// Carried over before the run began (carry). verify checked the line; should the
			// file have changed since, stop rather than trust the results.
			if h != 0 && parseLineHash(hash) != h {
				r.stop(&resumeMismatchError{line: line, file: r.resumeFile, reason: "changed while this run read the input"})
				return
			}
			continue
		}
		t := r.parseLine(line, raw, tooLong)
		if len(t.problems) > 0 {
			r.invalid.Add(1)
			r.out.write(&batchResult{Line: line, DryRun: r.dryRun, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Ref: t.ref,
				LineHash: hash, Error: invalidError(t.problems)})
			continue
		}
		var opts []wrapper.CreateOption
		if t.continuous != nil {
			opts = append(opts, wrapper.Continuous(*t.continuous))
		}
		if r.dryRun {
			r.preview(ctx, t, opts)
			continue
		}
		r.meta.Store(line, &lineMeta{ref: t.ref, hash: hash})
		select {
		case tasks <- wrapper.BatchTask{ID: line, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Body: t.body, Options: opts}:
			r.sent.Add(1)
			r.firstSend.CompareAndSwap(0, time.Now().UnixNano())
		case <-ctx.Done():
			r.meta.Delete(line)
			r.readStopped.Store(true)
			return
		}
	}
}

// preview writes the request a line would send (--dry-run).
func (r *batchRun) preview(ctx context.Context, t lineTask, opts []wrapper.CreateOption) {
	res := &batchResult{Line: t.line, DryRun: true, ProjectUID: t.projectUID, DownloadTaskID: t.downloadTaskID, Ref: t.ref}
	p, err := r.client.PreviewCreateJobs(ctx, t.projectUID, t.downloadTaskID, t.body, opts...)
	if err != nil {
		var invalid *wrapper.ValidationError
		if errors.As(err, &invalid) {
			res.Error = invalidError(invalid.Problems)
		} else {
			res.Error = &batchError{Message: err.Error(), Outcome: wrapper.OutcomeFailed}
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
	res := &batchResult{Line: br.Task.ID, ProjectUID: br.Task.ProjectUID, DownloadTaskID: br.Task.DownloadTaskID, Reconciled: r.reconciledRecord(br.Task.ID)}
	if m, ok := r.meta.LoadAndDelete(br.Task.ID); ok {
		res.Ref, res.LineHash = m.(*lineMeta).ref, m.(*lineMeta).hash
	}
	switch br.Outcome() {
	case wrapper.OutcomeCreated:
		r.created.Add(1)
		res.OK = true
		if br.Created != nil {
			res.Result = br.Created.Response.Body
		}
	case wrapper.OutcomeFailed:
		r.failed.Add(1)
		res.Error = resultError(br.Err, wrapper.OutcomeFailed)
	default:
		r.unknown.Add(1)
		res.Error = resultError(br.Err, wrapper.OutcomeUnknown)
	}
	r.out.write(res)
}

// verdict turns the counts into the exit code: nil (0), a usage error (2) or an error (1).
func (r *batchRun) verdict(parent context.Context) error {
	failed, unknown, invalid := r.failed.Load(), r.unknown.Load(), r.invalid.Load()
	skippedUnknown := r.skippedUnknown.Load()
	summary := r.summary()
	if n := r.inferred.Load(); n > 0 {
		fmt.Fprintf(r.a.stderr, "connectortask: warning: %s has no result for %d line%s that were sent (their send records, the --journal, or later lines show it): the run that wrote it was killed with them in flight, so they count as of unknown outcome and are skipped\n",
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
			hint = "lines of unknown outcome may have created jobs: --resume RESULTS --reconcile finds out from the project's jobs (connectortask jobs list shows them); --resume RESULTS alone skips them and sends the failed ones"
		}
		err := error(fmt.Errorf("batch: %d of %d lines not created (%s)", failed+unknown+invalid+skippedUnknown, r.lines.Load(), summary))
		if unknown+skippedUnknown > 0 {
			err = &unknownOutcomeError{err: err} // exit 4: jobs may exist
		}
		return withHint(err, "%s", hint)
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
	add(r.skippedCreated.Load(), "skipped as created before")
	add(r.skippedUnknown.Load(), "skipped as of unknown outcome")
	if notSent := r.sent.Load() - r.done.Load(); notSent > 0 && !r.dryRun {
		add(notSent, "taken but not sent")
	}
	if len(parts) == 0 {
		return "no lines"
	}
	return strings.Join(parts, ", ")
}
