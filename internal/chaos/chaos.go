// Package chaos is the crash harness of `connectortask create --batch` (issue 10): it runs the
// built binary over a JSON Lines file against the fake of Phrase (wrapper/phrasetest, served in
// this process, so the binary under test is a process of its own), with random faults on the
// job-creating POSTs (429, 503, connections closed before or after the jobs are created, lost
// answers, latency), kills it with SIGKILL at random moments (including before it wrote
// anything and while it copies the carried-over results), resumes it (a resume of a resume,
// too), and checks against the fake's own record of every create:
//
//   - no line's jobs were created twice (duplicates);
//   - no result ever said "created" for a line the fake did not create (false created);
//   - at the end every line is created exactly once, or reported of unknown outcome (allowed:
//     it was in flight when a kill or a fault struck), never missing, and never reported failed
//     though the fake created it.
//
// Each trial follows one Scenario: with or without --journal, results to a new file per run
// or appended to one (--resume R >> R), extra arguments for the resumes (e.g. a reconcile
// option), and its own faults. A kill leaves what a user would find; the next run resumes as
// the CLI's messages say (from the latest results that hold anything, or without --resume when
// nothing was written). Runs go on until one is not killed and leaves no line failed or
// missing; the last runs are neither killed nor faulted, so that trials end.
//
// `make chaos` runs the long version (cmd/chaos); `make test` a short one (chaos_test.go).
package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// exitUnknown is the exit code the CLI is to give a batch that left lines of unknown outcome
// (the reconcile work of issue 10); a finished run may end with it.
const exitUnknown = 4

// Scenario is one way of running and resuming a batch.
type Scenario struct {
	Name       string
	Journal    bool     // every run gets --journal (the same file across a trial's runs)
	Append     bool     // every run appends to one results file, resuming from it (--resume R >> R)
	ResumeArgs []string // extra arguments of every resume run (e.g. a reconcile option)
	Faults     *Faults  // nil: DefaultFaults
	// FinalExitCodes are the exit codes a run that was not killed may end with, besides 0, 1
	// and 4 (lines of unknown outcome); 2 (a refusal, or a Go panic) is always an anomaly, but
	// for the refusals of an empty or cut results file, which the harness follows.
	FinalExitCodes []int
	// Reconcile: every resume gets --reconcile (with ReconcileGrace), and every line can be
	// told apart from the project's jobs (its own remote file name, or its own set of target
	// languages), so a trial goes on (faults and kills off) until no line is left of unknown
	// outcome; one left is "unsettled", a failed invariant.
	Reconcile      bool
	ReconcileGrace time.Duration // default 1s: a killed run's last request may still be served
}

// ReconcileScenario runs every resume with --reconcile (issue 15) over lines it can settle.
// Its faults: 20% of the job-creating POSTs end of unknown outcome (8% lost before Phrase
// acts, 12% after it created the jobs), besides 4% of 429 and 503.
func ReconcileScenario() Scenario {
	return Scenario{Name: "--resume --reconcile", Reconcile: true,
		Faults: &Faults{RateLimited: 0.02, Unavailable: 0.02, ResetBefore: 0.08, Lost: 0.08, ResetAfter: 0.04, MaxLatency: 25 * time.Millisecond}}
}

// DefaultScenarios are the scenarios of a run without any given.
func DefaultScenarios() []Scenario {
	return []Scenario{
		{Name: "results only"},
		{Name: "with --journal", Journal: true},
		{Name: "appending to RESULTS", Append: true},
		{Name: "--journal, appending", Journal: true, Append: true},
	}
}

// Config bounds a harness run.
type Config struct {
	Bin       string        // the built connectortask binary
	Dir       string        // where the trials' files go (a temporary directory when empty)
	Seed      uint64        // the random choices (not the kill timing, which is real time)
	Trials    int           // at most this many trials
	MinKills  int           // stop once this many kills happened (0: run all trials)
	Budget    time.Duration // start no trial after this much time
	Lines     int           // lines per trial (random between Lines/2 and Lines)
	MaxRuns   int           // runs per trial at most (default 12)
	Scenarios []Scenario    // default DefaultScenarios; trials take them in turn
	Log       func(format string, args ...any)
}

// ScenarioReport holds the figures of one scenario.
type ScenarioReport struct {
	Trials, Runs, Kills, Lines int
	ResumeKills                int // kills of a --resume run (the next run is a resume of a resume)
	SilentKills                int // kills before the run wrote anything
	CarryKills                 int // kills while a resume copied the carried-over results
	Refusals                   int // resumes the CLI refused (from an empty or cut results file): the next one goes back a file
	Created                    int // lines created exactly once at the end
	Unresolved                 int // lines reported of unknown outcome at the end
	UnresolvedCreated          int // ... of which the fake had created the jobs
	Duplicates                 int // lines whose jobs the fake created more than once
	FalseCreated               int // lines a result said created that the fake did not create
	FalseFailed                int // lines reported failed at the end though the fake created them
	Missing                    int // lines without any result at the end
	Unfinished                 int // trials that ended (MaxRuns) with lines failed or missing
	Reconciled                 int // reconciling runs (Scenario.Reconcile)
	Unsettled                  int // lines of a Reconcile trial still of unknown outcome at the end
	Anomalies                  []string
}

// Report holds the figures of a harness run.
type Report struct {
	Seed      uint64
	Elapsed   time.Duration
	Scenarios []string
	By        map[string]*ScenarioReport
	Faults    map[string]int // faults injected, by kind
}

// Total sums the scenarios.
func (r *Report) Total() ScenarioReport {
	var t ScenarioReport
	for _, s := range r.By {
		t.Trials += s.Trials
		t.Runs += s.Runs
		t.Kills += s.Kills
		t.ResumeKills += s.ResumeKills
		t.SilentKills += s.SilentKills
		t.CarryKills += s.CarryKills
		t.Refusals += s.Refusals
		t.Lines += s.Lines
		t.Created += s.Created
		t.Unresolved += s.Unresolved
		t.UnresolvedCreated += s.UnresolvedCreated
		t.Duplicates += s.Duplicates
		t.FalseCreated += s.FalseCreated
		t.FalseFailed += s.FalseFailed
		t.Missing += s.Missing
		t.Unfinished += s.Unfinished
		t.Reconciled += s.Reconciled
		t.Unsettled += s.Unsettled
		t.Anomalies = append(t.Anomalies, s.Anomalies...)
	}
	return t
}

// OK says whether every invariant held.
func (r *Report) OK() bool {
	t := r.Total()
	return t.Duplicates == 0 && t.FalseCreated == 0 && t.FalseFailed == 0 && t.Missing == 0 && t.Unfinished == 0 && t.Unsettled == 0 && len(t.Anomalies) == 0
}

// Table is the report as a Markdown table.
func (r *Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| scenario | trials | runs (refused resumes) | kills (of a resume, before any output, inside the carried results) | lines | created once | unknown at the end (of which created) | duplicates | false \"created\" | false \"failed\" | missing | unfinished |\n")
	fmt.Fprintf(&b, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	row := func(name string, s ScenarioReport) {
		fmt.Fprintf(&b, "| %s | %d | %d (%d) | %d (%d, %d, %d) | %d | %d | %d (%d) | %d | %d | %d | %d | %d |\n", name, s.Trials, s.Runs, s.Refusals, s.Kills,
			s.ResumeKills, s.SilentKills, s.CarryKills, s.Lines,
			s.Created, s.Unresolved, s.UnresolvedCreated, s.Duplicates, s.FalseCreated, s.FalseFailed, s.Missing, s.Unfinished)
	}
	for _, name := range r.Scenarios {
		if s := r.By[name]; s != nil {
			row(name, *s)
		}
	}
	row("**all**", r.Total())
	if t := r.Total(); t.Reconciled > 0 {
		fmt.Fprintf(&b, "\nReconciling resumes (--resume --reconcile): %d; lines still of unknown outcome at the end of their trials (unsettled): %d.\n", t.Reconciled, t.Unsettled)
	}
	var kinds []string
	for k := range r.Faults {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var fs []string
	for _, k := range kinds {
		fs = append(fs, fmt.Sprintf("%s %d", k, r.Faults[k]))
	}
	fmt.Fprintf(&b, "\nFaults injected: %s. Seed %d, %s.\n", strings.Join(fs, ", "), r.Seed, r.Elapsed.Round(time.Second))
	for _, a := range r.Total().Anomalies {
		fmt.Fprintf(&b, "\nANOMALY: %s\n", a)
	}
	return b.String()
}

// Run runs trials until Trials, MinKills or Budget says stop.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Bin == "" {
		return nil, errors.New("chaos: no binary")
	}
	if cfg.Trials <= 0 {
		cfg.Trials = 10
	}
	if cfg.Lines <= 0 {
		cfg.Lines = 40
	}
	if cfg.MaxRuns <= 0 {
		cfg.MaxRuns = 12
	}
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = DefaultScenarios()
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	if cfg.Dir == "" {
		dir, err := os.MkdirTemp("", "connectortask-chaos-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	rep := &Report{Seed: cfg.Seed, By: map[string]*ScenarioReport{}, Faults: map[string]int{}}
	for _, s := range cfg.Scenarios {
		rep.Scenarios = append(rep.Scenarios, s.Name)
		rep.By[s.Name] = &ScenarioReport{}
	}
	begin := time.Now()
	for i := 0; i < cfg.Trials; i++ {
		if ctx.Err() != nil || (cfg.Budget > 0 && time.Since(begin) > cfg.Budget) {
			break
		}
		if cfg.MinKills > 0 && rep.Total().Kills >= cfg.MinKills {
			break
		}
		sc := cfg.Scenarios[i%len(cfg.Scenarios)]
		if err := runTrial(ctx, cfg, i, sc, rep); err != nil {
			return rep, err
		}
	}
	rep.Elapsed = time.Since(begin)
	return rep, nil
}

// trial is the state of one trial.
type trial struct {
	cfg      Config
	n        int
	sc       Scenario
	rng      *rand.Rand
	dir      string
	input    string
	lines    int
	srv      *phrasetest.Server
	faults   *faultHandler
	url      string
	everOK   map[int]bool     // lines some result said created, over every file of the trial
	everJobs map[int][]string // the jobs those results gave them
	rs       *ScenarioReport
	anomaly  func(format string, args ...any)
}

func runTrial(ctx context.Context, cfg Config, n int, sc Scenario, rep *Report) error {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(n)))
	t := &trial{cfg: cfg, n: n, sc: sc, rng: rng, dir: filepath.Join(cfg.Dir, fmt.Sprintf("trial-%03d", n)),
		everOK: map[int]bool{}, everJobs: map[int][]string{}, rs: rep.By[sc.Name]}
	t.anomaly = func(format string, args ...any) {
		msg := fmt.Sprintf("trial %d (%s): ", n, sc.Name) + fmt.Sprintf(format, args...)
		t.rs.Anomalies = append(t.rs.Anomalies, msg)
		cfg.Log("%s", msg)
	}
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return err
	}
	t.lines = cfg.Lines/2 + rng.IntN(cfg.Lines/2+1)
	var in bytes.Buffer
	for i := 1; i <= t.lines; i++ {
		if sc.Reconcile {
			in.WriteString(reconcileLine(n, i))
			continue
		}
		fmt.Fprintf(&in, "{\"downloadTaskId\": \"t%d-d%d\", \"ref\": %d}\n", n, i, i)
	}
	t.input = filepath.Join(t.dir, "tasks.jsonl")
	if err := os.WriteFile(t.input, in.Bytes(), 0o644); err != nil {
		return err
	}
	faults := DefaultFaults()
	if sc.Faults != nil {
		faults = *sc.Faults
	}
	t.srv = phrasetest.NewServer(phrasetest.WithAsyncPendingPolls(0))
	defer t.srv.Close()
	t.faults = newFaultHandler(t.srv.Handler(), faults, rand.New(rand.NewPCG(cfg.Seed, uint64(n)+1<<32)))
	ts := httptest.NewServer(t.faults)
	defer ts.Close()
	t.url = ts.URL + phrasetest.BasePath

	err := t.run(ctx)
	t.faults.mu.Lock()
	for k, v := range t.faults.injected {
		rep.Faults[k] += v
	}
	t.faults.mu.Unlock()
	return err
}

// run runs and resumes until the batch is finished, then checks the invariants.
func (t *trial) run(ctx context.Context) error {
	t.rs.Trials++
	t.rs.Lines += t.lines
	concurrency := 1 + t.rng.IntN(8)
	killRuns := 1 + t.rng.IntN(4) // the first killRuns runs may be killed; the later ones are not
	journal := filepath.Join(t.dir, "sends.journal")
	appendFile := filepath.Join(t.dir, "results.jsonl")
	var candidates []string // results files to resume from, the newest last
	finalFile := ""
	done := false
	recordsBefore := 0 // records of the appended results before this run
	for run := 0; run < t.cfg.MaxRuns && !done; run++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		settling := run >= killRuns
		if settling {
			t.faults.on.Store(false)
		}
		out := appendFile
		if !t.sc.Append {
			out = filepath.Join(t.dir, fmt.Sprintf("results-%d.jsonl", run))
		}
		args := []string{"create", "--batch", t.input, "--project-uid", t.srv.ProjectUID, "--target-lang", "de",
			"--rate", "60000/min", "--concurrency", fmt.Sprint(concurrency), "--timeout", "10s"}
		if t.sc.Journal {
			args = append(args, "--journal", journal)
		}
		resumeFrom := ""
		if len(candidates) > 0 {
			resumeFrom = candidates[len(candidates)-1]
		}
		if resumeFrom != "" {
			args = append(args, "--resume", resumeFrom)
			args = append(args, t.sc.ResumeArgs...)
			if t.sc.Reconcile {
				grace := t.sc.ReconcileGrace
				if grace <= 0 {
					grace = time.Second
				}
				args = append(args, "--reconcile", "--reconcile-grace", grace.String())
				t.rs.Reconciled++
			}
		}
		code, killed, stderr, err := t.runOnce(ctx, args, out, !settling && t.rng.Float64() < 0.85)
		if err != nil {
			return err
		}
		t.rs.Runs++
		if killed {
			t.rs.Kills++
		}
		rf, err := readResults(out)
		if err != nil {
			return err
		}
		for l := range rf.reportedOK {
			t.everOK[l] = true
		}
		for l, uids := range rf.reportedJobs {
			t.everJobs[l] = append(t.everJobs[l], uids...)
		}
		if killed {
			switch {
			case rf.records == 0 || (t.sc.Append && rf.records == recordsBefore):
				t.rs.SilentKills++
			case !rf.carryComplete:
				t.rs.CarryKills++
			}
			if resumeFrom != "" {
				t.rs.ResumeKills++
			}
		}
		recordsBefore = rf.records
		if rf.records > 0 && rf.carryComplete {
			finalFile = out
		}
		// The next run resumes from the newest results, as a user would; the CLI refuses an
		// empty one, or one cut inside its carried results, and then the user (and this
		// harness) goes back to the results before it.
		refused := !killed && code == 2 && resumeFrom != "" &&
			(strings.Contains(stderr, "holds no result") || strings.Contains(stderr, "stops after"))
		switch {
		case refused:
			t.rs.Refusals++
			candidates = candidates[:len(candidates)-1]
			if t.sc.Append {
				candidates = nil // the one file; resumed from again once it holds a record
			}
			continue
		case !t.sc.Append:
			candidates = append(candidates, out)
		case len(candidates) == 0:
			candidates = []string{out}
		}
		if killed {
			continue
		}
		switch {
		case code == 2:
			t.anomaly("run %d exited 2: %s", run, lastLines(stderr, 3))
			done = true
		case code == 0 || code == 1 || code == exitUnknown || contains(t.sc.FinalExitCodes, code):
			// Finished when no line is left failed or without a result.
			done = true
			for l := 1; l <= t.lines; l++ {
				if st := rf.state[l]; st == stateMissing || st == stateFailed || (t.sc.Reconcile && st == stateUnknown) {
					done = false
				}
			}
		default:
			t.anomaly("run %d exited %d: %s", run, code, lastLines(stderr, 3))
			done = true
		}
	}
	return t.check(finalFile, done)
}

// runOnce runs the binary with stdout to out (appended to when the scenario appends), killing
// it with SIGKILL at a random moment when kill is set.
func (t *trial) runOnce(ctx context.Context, args []string, out string, kill bool) (code int, killed bool, stderr string, err error) {
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if t.sc.Append {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(out, flags, 0o644)
	if err != nil {
		return 0, false, "", err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, t.cfg.Bin, args...)
	cmd.Env = append(os.Environ(), "PHRASE_TMS_URL="+t.url, "PHRASE_TMS_TOKEN="+t.srv.Token)
	cmd.Stdout = f
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	// Kill after a random number of POSTs (then a random few milliseconds), at a random time
	// from the start (which hits the start-up), or as soon as the run's first output appears
	// (which hits the copying of carried results, a window of a millisecond or less).
	target := int64(-1)
	var after time.Duration
	atFirstOutput := false
	var sizeBefore int64
	if fi, err := f.Stat(); err == nil {
		sizeBefore = fi.Size()
	}
	if kill {
		switch t.rng.IntN(4) {
		case 0:
			after = time.Duration(t.rng.Int64N(int64(60 * time.Millisecond)))
		case 1:
			atFirstOutput = true
			after = time.Duration(t.rng.Int64N(int64(300 * time.Microsecond)))
		default:
			target = t.faults.posts.Load() + int64(t.rng.IntN(t.lines+1))
			after = time.Duration(t.rng.Int64N(int64(15 * time.Millisecond)))
		}
	}
	if err := cmd.Start(); err != nil {
		return 0, false, "", err
	}
	exited := make(chan error, 1)
	waited := make(chan struct{})
	go func() {
		exited <- cmd.Wait()
		close(waited)
	}()
	if atFirstOutput {
		// Spin on the file's size: a ticker is too coarse for this window. Bounded by 10s.
		for spin := time.Now(); time.Since(spin) < 10*time.Second; {
			if fi, err := f.Stat(); err == nil && fi.Size() > sizeBefore {
				if after > 0 {
					for w := time.Now(); time.Since(w) < after; {
					}
				}
				_ = cmd.Process.Signal(syscall.SIGKILL)
				break
			}
			select {
			case <-waited:
			default:
				continue
			}
			break
		}
		kill = false
	}
	deadline := time.NewTimer(90 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	armed := !kill
	var fire <-chan time.Time
	if kill && target < 0 && !atFirstOutput {
		fire = time.After(after)
	}
	for {
		select {
		case werr := <-exited:
			if ee := (*exec.ExitError)(nil); errors.As(werr, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					return -1, true, errBuf.String(), nil
				}
				return ee.ExitCode(), false, errBuf.String(), nil
			}
			if werr != nil {
				return 0, false, errBuf.String(), werr
			}
			return 0, false, errBuf.String(), nil
		case <-tick.C:
			if !armed && target >= 0 && t.faults.posts.Load() >= target {
				armed = true
				fire = time.After(after)
			}
		case <-fire:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			fire = nil
		case <-deadline.C:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			t.anomaly("a run hung for 90s and was killed: %v", args)
		}
	}
}

// check compares what the results say with what the fake created.
func (t *trial) check(finalFile string, finished bool) error {
	// Let the fake finish the requests a kill left in flight before reading its record.
	time.Sleep(50 * time.Millisecond)
	made := creates(t.srv)
	files := jobFiles(t.srv)
	final := resultsFile{state: map[int]string{}}
	if finalFile != "" {
		var err error
		if final, err = readResults(finalFile); err != nil {
			return err
		}
	}
	if !finished {
		t.rs.Unfinished++
		t.anomaly("not finished after %d runs", t.cfg.MaxRuns)
	}
	for l := 1; l <= t.lines; l++ {
		id := fmt.Sprintf("t%d-d%d", t.n, l)
		c := made[id]
		if c > 1 {
			t.rs.Duplicates++
			t.anomaly("line %d created %d times", l, c)
		}
		if t.everOK[l] && c == 0 {
			t.rs.FalseCreated++
			t.anomaly("line %d reported created, but the fake created nothing for it", l)
		} else if t.sc.Reconcile {
			// Reconciling gives a line jobs from the project's list: they must be its own.
			want := fmt.Sprintf("download-t%d-d%d", t.n, l)
			if strings.Contains(reconcileLine(t.n, l), "remoteFile") {
				want = fmt.Sprintf("t%d-f%d.docx", t.n, l)
			}
			for _, uid := range t.everJobs[l] {
				if files[uid] != want {
					t.rs.FalseCreated++
					t.anomaly("line %d reported created with job %s of file %q, not its own %q", l, uid, files[uid], want)
					break
				}
			}
		}
		switch final.state[l] {
		case stateCreated:
			if c == 1 {
				t.rs.Created++
			}
		case stateUnknown:
			t.rs.Unresolved++
			if c > 0 {
				t.rs.UnresolvedCreated++
			}
			if t.sc.Reconcile {
				t.rs.Unsettled++
				t.anomaly("line %d still of unknown outcome after reconciling resumes", l)
			}
		case stateFailed:
			if c > 0 {
				t.rs.FalseFailed++
				t.anomaly("line %d reported failed at the end, but the fake created it", l)
			}
		default:
			t.rs.Missing++
			t.anomaly("line %d has no result at the end", l)
		}
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// reconcileLine is line i of trial n of a Reconcile scenario: three of four name a remote file
// of their own (German); the others only a download task, with a set of target languages of
// their own while there are sets left (without German, so never a remote-file line's), else
// with a remote file too.
func reconcileLine(n, i int) string {
	if i%4 == 0 && i/4 <= len(ownLangSets) {
		langs, _ := json.Marshal(ownLangSets[i/4-1])
		return fmt.Sprintf("{\"downloadTaskId\": \"t%d-d%d\", \"ref\": %d, \"targetLangs\": %s}\n", n, i, i, langs)
	}
	return fmt.Sprintf("{\"downloadTaskId\": \"t%d-d%d\", \"ref\": %d, \"body\": {\"targetLangs\": [\"de\"], \"remoteFile\": {\"connectorToken\": \"ct-chaos\", \"remoteFileName\": \"t%d-f%d.docx\"}}}\n", n, i, i, n, i)
}

// ownLangSets are the non-empty subsets of the fake's languages but German.
var ownLangSets = func() [][]string {
	langs := []string{"fr", "es", "it", "ja"}
	var out [][]string
	for mask := 1; mask < 1<<len(langs); mask++ {
		var set []string
		for b, l := range langs {
			if mask&(1<<b) != 0 {
				set = append(set, l)
			}
		}
		out = append(out, set)
	}
	return out
}()
