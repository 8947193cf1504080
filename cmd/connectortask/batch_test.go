package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// batchLine is one result line of batch mode, as a consumer reads it.
type batchLine struct {
	Line           int             `json:"line"`
	OK             bool            `json:"ok"`
	Skipped        bool            `json:"skipped"`
	DryRun         bool            `json:"dryRun"`
	ProjectUID     string          `json:"projectUid"`
	DownloadTaskID string          `json:"downloadTaskId"`
	Ref            json.RawMessage `json:"ref"`
	Result         *api.JobListDto `json:"result"`
	Request        *struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"request"`
	Error *struct {
		Message   string `json:"message"`
		Outcome   string `json:"outcome"`
		Status    int    `json:"status"`
		ErrorCode string `json:"errorCode"`
		Problems  []struct {
			Path, Message, Fix string
		} `json:"problems"`
	} `json:"error"`
}

// results reads batch mode's stdout: one JSON object per line, at most one result per input
// line; the bookkeeping records (send records, a resume header) are skipped.
func results(t *testing.T, r result) map[int]batchLine {
	t.Helper()
	out := map[int]batchLine{}
	for _, s := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if s == "" || isBookkeeping(s) {
			continue
		}
		var l batchLine
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("stdout line %q is not a result: %v\n%s", s, err, r)
		}
		if _, dup := out[l.Line]; dup {
			t.Fatalf("two results for line %d\n%s", l.Line, r)
		}
		out[l.Line] = l
	}
	return out
}

// isBookkeeping says whether a record of stdout is a send record or a resume header.
func isBookkeeping(record string) bool {
	var probe struct {
		Sending bool            `json:"sending"`
		Resumed json.RawMessage `json:"resumed"`
	}
	return json.Unmarshal([]byte(record), &probe) == nil && (probe.Sending || probe.Resumed != nil)
}

// tasksFile writes lines to a file and returns its path.
func tasksFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tasks.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// numbered returns n lines {"downloadTaskId": "d<i>"}.
func numbered(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"downloadTaskId": "d%d"}`, i+1)
	}
	return lines
}

// saveStdout writes a run's stdout to a file, for --resume.
func saveStdout(t *testing.T, r result) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "results.jsonl")
	if err := os.WriteFile(p, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// batch runs create --batch file with the fake's project, fast pacing and extra flags.
func batch(c *cli, srv *phrasetest.Server, file string, extra ...string) result {
	c.t.Helper()
	args := []string{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de,fr",
		"--rate", "60000/min", "--concurrency", "8"}
	return c.run(append(args, extra...)...)
}

// wantNoDuplicates checks that the fake created each (file, language) at most once, and
// returns how many jobs it created.
func wantNoDuplicates(t *testing.T, srv *phrasetest.Server) int {
	t.Helper()
	seen := map[string]int{}
	jobs := srv.Jobs()
	for _, j := range jobs {
		seen[str(j.Filename)+"|"+str(j.TargetLang)]++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("job %s created %d times", k, n)
		}
	}
	return len(jobs)
}

// postedTasks returns the downloadTaskId of every job-creating POST the fake saw.
func postedTasks(t *testing.T, srv *phrasetest.Server) []string {
	t.Helper()
	var ids []string
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/jobs/connectorTask") {
			q, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, q.Get("downloadTaskId"))
		}
	}
	slices.Sort(ids)
	return ids
}

func TestBatchCreatesEveryLine(t *testing.T) {
	srv := fake(t)
	lines := numbered(30)
	lines[4] = `{"downloadTaskId": "d5", "targetLangs": ["ja"], "due": "+5d", "path": "web/five.html", "ref": {"row": 5}}`
	lines[9] = `{"downloadTaskId": "d10", "continuous": true, "body": {"targetLangs": ["it", "es"], "preTranslate": true}}`
	lines = slices.Insert(lines, 20, "", "   ") // blank lines are skipped, but counted
	file := tasksFile(t, lines...)
	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--due", "+3d")
	wantCode(t, r, exitOK)
	res := results(t, r)
	if len(res) != 30 {
		t.Fatalf("%d results, want 30\n%s", len(res), r)
	}
	for n, l := range res {
		if !l.OK || l.Result == nil || l.Result.Jobs == nil || l.Error != nil {
			t.Fatalf("line %d: not created: %+v", n, l)
		}
		if n == 21 || n == 22 || n > 32 {
			t.Errorf("a result for line %d, which is blank or missing", n)
		}
		want := 2
		if l.DownloadTaskID == "d5" {
			want = 1
		}
		if len(l.Result.Jobs) != want || l.ProjectUID != srv.ProjectUID {
			t.Errorf("line %d (%s): %d jobs in project %s", n, l.DownloadTaskID, len(l.Result.Jobs), l.ProjectUID)
		}
	}
	// Line numbers are those of the file: d25 is on line 27, after the two blank lines.
	if res[27].DownloadTaskID != "d25" || string(res[5].Ref) != `{"row":5}` {
		t.Errorf("line 27 is %q, ref of line 5 %s", res[27].DownloadTaskID, res[5].Ref)
	}
	if got := wantNoDuplicates(t, srv); got != 28*2+1+2 {
		t.Errorf("%d jobs, want %d", got, 28*2+1+2)
	}
	if posts(srv) != 30 {
		t.Errorf("%d POSTs, want 30", posts(srv))
	}
	// The overrides and the body reached Phrase: flags are defaults, a line's value wins.
	for _, req := range srv.Requests() {
		if !strings.HasSuffix(req.Path, "/jobs/connectorTask") {
			continue
		}
		var body map[string]any
		_ = json.Unmarshal(req.Body, &body)
		switch {
		case strings.Contains(req.RawQuery, "downloadTaskId=d5&") || strings.HasSuffix(req.RawQuery, "downloadTaskId=d5"):
			if fmt.Sprint(body["targetLangs"]) != "[ja]" || body["path"] != "web/five.html" || body["due"] == nil {
				t.Errorf("line 5 sent %s", req.Body)
			}
		case strings.Contains(req.RawQuery, "downloadTaskId=d10"):
			if fmt.Sprint(body["targetLangs"]) != "[it es]" || body["preTranslate"] != true || body["due"] != nil || !strings.Contains(req.RawQuery, "continuous=true") {
				t.Errorf("line 10 sent %s ?%s; want its own body, not the --due of the flags", req.Body, req.RawQuery)
			}
		case strings.Contains(req.RawQuery, "downloadTaskId=d1&") || strings.HasSuffix(req.RawQuery, "downloadTaskId=d1"):
			if fmt.Sprint(body["targetLangs"]) != "[de fr]" || body["due"] == nil {
				t.Errorf("line 1 sent %s; want the flags' languages and due", req.Body)
			}
		}
	}
}

func TestBatchFromStdinWithProjectPerLine(t *testing.T) {
	srv := fake(t, phrasetest.WithProject("P1", "de", "fr"), phrasetest.WithProject("P2", "ja"))
	c := newCLI(t, tokenEnv(srv))
	c.stdin = `{"projectUid": "P1", "downloadTaskId": "a", "targetLangs": "de,fr"}` + "\n" +
		`{"projectUid": "P2", "downloadTaskId": "b", "targetLangs": ["ja"]}` // no final newline
	r := c.run("create", "--batch", "-", "--rate", "60000/min")
	wantCode(t, r, exitOK)
	res := results(t, r)
	if !res[1].OK || res[1].ProjectUID != "P1" || !res[2].OK || res[2].ProjectUID != "P2" {
		t.Fatalf("results %+v\n%s", res, r)
	}
	if n := wantNoDuplicates(t, srv); n != 3 {
		t.Errorf("%d jobs, want 3", n)
	}
}

func TestBatchPartialFailure(t *testing.T) {
	srv := fake(t)
	long := `{"downloadTaskId": "long", "path": "` + strings.Repeat("x", maxBatchLineBytes) + `"}`
	file := tasksFile(t,
		`{"downloadTaskId": "ok1"}`,
		`not json`,
		`{"downloadTaskId": "typo", "targetLang": ["de"]}`,
		`{"downloadTaskId": "dup", "targetLangs": ["de", "DE"]}`,
		`{"downloadTaskId": "gone", "projectUid": "NoSuchProject"}`,
		`{"downloadTaskId": "ok2", "due": "yesterday-ish"}`,
		`{"downloadTaskId": "klingon", "targetLangs": ["tlh"]}`,
		long,
		`{"downloadTaskId": "ok3", "workflowSettings": []}`,
		`{"downloadTaskId": "ok4"}`,
	)
	r := batch(newCLI(t, tokenEnv(srv)), srv, file)
	wantCode(t, r, exitAPI)
	res := results(t, r)
	if len(res) != 10 {
		t.Fatalf("%d results, want one per line (10)\n%s", len(res), r)
	}
	for _, n := range []int{1, 10} {
		if !res[n].OK {
			t.Errorf("line %d failed: %+v", n, res[n].Error)
		}
	}
	// Refused before sending: the problems say where and what.
	for n, path := range map[int]string{2: "/", 3: "/targetLang", 4: "/targetLangs/1", 6: "/due", 8: "/", 9: "/workflowSettings"} {
		l := res[n]
		if l.OK || l.Error == nil || l.Error.Outcome != "failed" || len(l.Error.Problems) == 0 {
			t.Errorf("line %d: want an invalid-line result, got %+v", n, l)
			continue
		}
		if l.Error.Problems[0].Path != path {
			t.Errorf("line %d: problem at %q, want %q: %+v", n, l.Error.Problems[0].Path, path, l.Error.Problems)
		}
	}
	if !strings.Contains(res[3].Error.Problems[0].Fix, "targetLangs") {
		t.Errorf("line 3: the fix should suggest targetLangs: %+v", res[3].Error.Problems)
	}
	if !strings.Contains(res[9].Error.Problems[0].Fix, `"body"`) {
		t.Errorf("line 9: the fix should point to body: %+v", res[9].Error.Problems)
	}
	// Refused by Phrase: the status and errorCode.
	if e := res[5].Error; e == nil || e.Status != 404 || e.ErrorCode != phrasetest.CodeProjectNotFound || e.Outcome != "failed" {
		t.Errorf("line 5: %+v", res[5])
	}
	if e := res[7].Error; e == nil || e.Status != 400 || e.Outcome != "failed" {
		t.Errorf("line 7: %+v", res[7])
	}
	// Nothing was sent for an invalid line.
	if got := postedTasks(t, srv); !slices.Equal(got, []string{"gone", "klingon", "ok1", "ok4"}) {
		t.Errorf("POSTed %v", got)
	}
	if !strings.Contains(r.stderr, "not created") {
		t.Errorf("stderr should sum up\n%s", r)
	}
}

// TestBatchResumeAfterFailures: the lines refused (429s beyond the retry policy) are sent
// again on resume, the created ones are not.
func TestBatchResumeAfterFailures(t *testing.T) {
	srv := fake(t, phrasetest.WithRateLimited(4, "0"))
	file := tasksFile(t, numbered(12)...)
	c := newCLI(t, tokenEnv(srv))
	c.clientOpts = append(c.clientOpts, wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxAttempts: 1}))
	first := batch(c, srv, file, "--concurrency", "1")
	wantCode(t, first, exitAPI)
	res := results(t, first)
	failed := 0
	for _, l := range res {
		if !l.OK {
			failed++
			if l.Error.Status != 429 || l.Error.Outcome != "failed" {
				t.Errorf("line %d: %+v", l.Line, l.Error)
			}
		}
	}
	if failed != 4 || len(res) != 12 {
		t.Fatalf("%d failed of %d, want 4 of 12\n%s", failed, len(res), first)
	}
	before := posts(srv)

	second := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", saveStdout(t, first))
	wantCode(t, second, exitOK)
	res2 := results(t, second)
	if len(res2) != 12 {
		t.Fatalf("%d results, want all 12 (8 skipped)\n%s", len(res2), second)
	}
	skipped := 0
	for _, l := range res2 {
		if !l.OK {
			t.Errorf("line %d: %+v", l.Line, l.Error)
		}
		if l.Skipped {
			skipped++
		}
	}
	if skipped != 8 || posts(srv)-before != 4 {
		t.Errorf("%d skipped, %d sent; want 8 and 4", skipped, posts(srv)-before)
	}
	if n := wantNoDuplicates(t, srv); n != 24 {
		t.Errorf("%d jobs, want 24", n)
	}
}

// TestBatchInterruptAndResume: cancelled mid-run, the requests in flight finish and each POST
// the fake received has its result; resumes, interrupted again, finish every line once.
func TestBatchInterruptAndResume(t *testing.T) {
	srv := fake(t, phrasetest.WithLatency(15*time.Millisecond))
	const n = 60
	file := tasksFile(t, numbered(n)...)

	interrupted := func(extra ...string) result {
		t.Helper()
		before := posts(srv)
		c := newCLI(t, tokenEnv(srv))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		c.ctx = ctx
		go func() {
			for posts(srv)-before < 10 && ctx.Err() == nil {
				time.Sleep(time.Millisecond)
			}
			cancel() // Ctrl-C
		}()
		r := batch(c, srv, file, append([]string{"--concurrency", "4"}, extra...)...)
		wantCode(t, r, exitAPI)
		if !strings.Contains(r.stderr, "interrupted") || !strings.Contains(r.stderr, "--resume") {
			t.Errorf("stderr should say it was interrupted and how to finish\n%s", r)
		}
		return r
	}

	first := interrupted()
	res := results(t, first)
	// No line both sent and unreported: the results are exactly the POSTs.
	var reported []string
	for _, l := range res {
		if !l.OK {
			t.Errorf("line %d: %+v", l.Line, l.Error)
		}
		reported = append(reported, l.DownloadTaskID)
	}
	slices.Sort(reported)
	if posted := postedTasks(t, srv); !slices.Equal(reported, posted) {
		t.Fatalf("reported %v, but the fake received %v", reported, posted)
	}
	if len(reported) >= n {
		t.Fatalf("the interrupt came too late: all %d lines done", len(reported))
	}

	// Resume, interrupted again; then resume from the second results alone.
	second := interrupted("--resume", saveStdout(t, first))
	res2 := results(t, second)
	for _, l := range res {
		if l2, ok := res2[l.Line]; !ok || !l2.OK || !l2.Skipped {
			t.Errorf("line %d, created by the first run, is not carried into the second results: %+v", l.Line, l2)
		}
	}
	third := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", saveStdout(t, second))
	wantCode(t, third, exitOK)
	if res3 := results(t, third); len(res3) != n {
		t.Errorf("%d results, want %d", len(res3), n)
	}
	if got := wantNoDuplicates(t, srv); got != n*2 {
		t.Errorf("%d jobs, want %d", got, n*2)
	}
	if posts(srv) != n {
		t.Errorf("%d POSTs over three runs, want %d", posts(srv), n)
	}
}

// TestBatchUnknownOutcomeIsNotResent: lost answers are reported as unknown; resume skips them
// unless --retry-unknown.
func TestBatchUnknownOutcomeIsNotResent(t *testing.T) {
	srv := fake(t, phrasetest.WithLostResponse(2))
	file := tasksFile(t, numbered(6)...)
	first := batch(newCLI(t, tokenEnv(srv)), srv, file, "--concurrency", "1")
	wantCode(t, first, exitUnknown)
	var unknown []int
	for _, l := range results(t, first) {
		if !l.OK {
			if l.Error.Outcome != "unknown" || !strings.Contains(l.Error.Message, "unknown") {
				t.Errorf("line %d: %+v", l.Line, l.Error)
			}
			unknown = append(unknown, l.Line)
		}
	}
	slices.Sort(unknown)
	if !slices.Equal(unknown, []int{1, 2}) {
		t.Fatalf("unknown lines %v, want [1 2]\n%s", unknown, first)
	}
	if !strings.Contains(first.stderr, "Phrase") {
		t.Errorf("stderr should say to check in Phrase\n%s", first)
	}
	if n := wantNoDuplicates(t, srv); n != 12 {
		t.Fatalf("%d jobs, want 12 (the lost answers created theirs)", n)
	}

	resumeFile := saveStdout(t, first)
	second := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", resumeFile)
	wantCode(t, second, exitUnknown) // still two lines to check
	res := results(t, second)
	for _, n := range unknown {
		if l := res[n]; !l.Skipped || l.OK || l.Error == nil || l.Error.Outcome != "unknown" {
			t.Errorf("line %d: want skipped as unknown, got %+v", n, l)
		}
	}
	if posts(srv) != 6 {
		t.Errorf("%d POSTs, want 6: resume must not resend an unknown outcome", posts(srv))
	}
	// After checking in Phrase, the user may send them again on purpose.
	third := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", saveStdout(t, second), "--retry-unknown")
	wantCode(t, third, exitOK)
	if got := postedTasks(t, srv); len(got) != 8 || got[1] != "d1" || got[3] != "d2" {
		t.Errorf("POSTed %v: want d1 and d2 twice, the others once", got)
	}
}

// TestBatchResumeInfersLinesInFlight: a results file with a gap before a sent line (the run was
// killed with the line in flight) and a last line cut short: both count as unknown.
func TestBatchResumeInfersLinesInFlight(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(6)...)
	prev := filepath.Join(t.TempDir(), "killed.jsonl")
	content := fmt.Sprintf(`{"line":1,"ok":true,"projectUid":%q,"downloadTaskId":"d1"}
{"line":2,"ok":true,"projectUid":%q,"downloadTaskId":"d2"}
{"line":4,"ok":true,"projectUid":%q,"downloadTaskId":"d4"}
{"line":5,"ok":true,"projectUid":"`, srv.ProjectUID, srv.ProjectUID, srv.ProjectUID)
	if err := os.WriteFile(prev, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--resume", prev)
	wantCode(t, r, exitUnknown)
	res := results(t, r)
	if l := res[3]; !l.Skipped || l.Error == nil || l.Error.Outcome != "unknown" || !strings.Contains(l.Error.Message, "in flight") {
		t.Errorf("line 3: %+v", l)
	}
	if l := res[5]; !l.Skipped || l.Error == nil || l.Error.Outcome != "unknown" {
		t.Errorf("line 5: %+v", l)
	}
	if got := postedTasks(t, srv); !slices.Equal(got, []string{"d6"}) {
		t.Errorf("POSTed %v, want only d6", got)
	}
	if !strings.Contains(r.stderr, "cut short") || !strings.Contains(r.stderr, "killed") {
		t.Errorf("stderr should warn of the cut line and the gap\n%s", r)
	}
}

func TestBatchResumeRefusesAnotherInput(t *testing.T) {
	srv := fake(t)
	first := batch(newCLI(t, tokenEnv(srv)), srv, tasksFile(t, numbered(3)...))
	wantCode(t, first, exitOK)
	other := tasksFile(t, `{"downloadTaskId": "x1"}`, `{"downloadTaskId": "x2"}`, `{"downloadTaskId": "x3"}`, `{"downloadTaskId": "x4"}`)
	r := batch(newCLI(t, tokenEnv(srv)), srv, other, "--resume", saveStdout(t, first))
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "does not match") || posts(srv) != 3 {
		t.Errorf("%d POSTs\n%s", posts(srv), r)
	}
}

// TestBatchPacingCausesNo429: with the fake limiting requests as Phrase does (here in windows
// of half a second, so that a burst shows), batch mode at its --rate gets no 429; the same
// batch unpaced does.
func TestBatchPacingCausesNo429(t *testing.T) {
	limit := []phrasetest.Option{phrasetest.WithRequestRateLimit(6000), phrasetest.WithRequestRateWindow(500 * time.Millisecond)}
	file := tasksFile(t, numbered(60)...)

	srv := fake(t, limit...)
	c := newCLI(t, tokenEnv(srv))
	c.clientOpts = append(c.clientOpts, wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxAttempts: 1}))
	start := time.Now()
	r := c.run("create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de", "--rate", "4800/min", "--concurrency", "4")
	elapsed := time.Since(start)
	wantCode(t, r, exitOK)
	if n := srv.RateLimitedRequests(); n != 0 {
		t.Errorf("%d requests refused with 429 at --rate 4800/min", n)
	}
	if ideal := 59 * time.Minute / 4800; elapsed < ideal {
		t.Errorf("60 lines at 4800/min took %s, less than the %s the rate allows", elapsed, ideal)
	}

	// The control: the same lines at 60,000/min overrun the fake's limit.
	srv2 := fake(t, limit...)
	c2 := newCLI(t, tokenEnv(srv2))
	c2.clientOpts = c.clientOpts
	r2 := c2.run("create", "--batch", file, "--project-uid", srv2.ProjectUID, "--target-lang", "de", "--rate", "60000/min", "--concurrency", "8")
	wantCode(t, r2, exitAPI)
	if srv2.RateLimitedRequests() == 0 {
		t.Errorf("the control saw no 429: the test cannot tell pacing from none")
	}
}

func TestBatchDryRunSendsNothing(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, `{"downloadTaskId": "a"}`, `{"downloadTaskId": "b", "targetLangs": ["ja"], "remoteFile": null}`)
	r := batch(newCLI(t, tokenEnv(srv)), srv, file, "--dry-run")
	wantCode(t, r, exitUsage) // line 2 has an unknown field
	res := results(t, r)
	if l := res[1]; !l.OK || !l.DryRun || l.Request == nil || l.Request.Method != "POST" ||
		!strings.Contains(l.Request.URL, "downloadTaskId=a") || !strings.Contains(string(l.Request.Body), `"targetLangs":["de","fr"]`) {
		t.Errorf("line 1: %+v", l)
	}
	if l := res[1]; l.Request != nil && strings.Contains(l.Request.Headers["Authorization"], srv.Token) {
		t.Errorf("the dry run shows the token: %v", l.Request.Headers)
	}
	if l := res[2]; l.OK || l.Error == nil {
		t.Errorf("line 2: %+v", l)
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("a dry run sent %d requests", len(srv.Requests()))
	}
	// All valid: exit 0, and no credentials needed.
	ok := tasksFile(t, `{"downloadTaskId": "a"}`)
	r = newCLI(t, map[string]string{envURL: srv.URL}).run("create", "--batch", ok, "--project-uid", "P", "--target-lang", "de", "--dry-run")
	wantCode(t, r, exitOK)
	// A dry run's output is no resume file.
	r = batch(newCLI(t, tokenEnv(srv)), srv, ok, "--resume", saveStdout(t, r))
	wantCode(t, r, exitUsage)
	if len(srv.Requests()) != 0 {
		t.Errorf("sent %d requests", len(srv.Requests()))
	}
}

func TestBatchUsageErrors(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, numbered(2)...)
	dir := t.TempDir()
	cases := map[string][]string{
		"wait":                 {"--batch", file, "--wait"},
		"table":                {"-o", "table", "--batch", file},
		"missing file":         {"--batch", filepath.Join(dir, "nope.jsonl")},
		"directory":            {"--batch", dir},
		"concurrency 0":        {"--batch", file, "--concurrency", "0"},
		"rate bogus":           {"--batch", file, "--rate", "fast"},
		"rate unit":            {"--batch", file, "--rate", "10/fortnight"},
		"retry without resume": {"--batch", file, "--retry-unknown"},
		"resume missing":       {"--batch", file, "--resume", filepath.Join(dir, "nope")},
		"resume is input":      {"--batch", file, "--resume", file},
		"concurrency alone":    {"--project-uid", "P", "--target-lang", "de", "--concurrency", "2"},
		"stdin twice":          {"--batch", "-", "--data", "-"},
		"bad due":              {"--batch", file, "--due", "someday"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := newCLI(t, tokenEnv(srv)).run(append([]string{"create", "--download-task-id", "DL", "--project-uid", srv.ProjectUID, "--target-lang", "de"}, args...)...)
			wantCode(t, r, exitUsage)
		})
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("usage errors sent %d requests", len(srv.Requests()))
	}
	// No credentials is a usage error too, before any line is read.
	r := newCLI(t, map[string]string{envURL: srv.URL}).run("create", "--batch", file, "--project-uid", "P", "--target-lang", "de")
	wantCode(t, r, exitUsage)
}

// failingWriter accepts n writes, then fails.
type failingWriter struct {
	mu  sync.Mutex
	n   int
	buf bytes.Buffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n <= 0 {
		return 0, errors.New("broken pipe")
	}
	w.n--
	return w.buf.Write(p)
}

// TestBatchStdoutFailureStopsAndLosesNothing: when results cannot be written, no more lines are
// taken, and the results of the requests in flight go to stderr.
func TestBatchStdoutFailureStopsAndLosesNothing(t *testing.T) {
	srv := fake(t, phrasetest.WithLatency(5*time.Millisecond))
	file := tasksFile(t, numbered(40)...)
	out := &failingWriter{n: 3}
	var stderr syncBuffer
	a := newApp(strings.NewReader(""), out, &stderr, func(k string) string { return tokenEnv(srv)[k] })
	code := a.execute(t.Context(), []string{"create", "--batch", file, "--project-uid", srv.ProjectUID, "--target-lang", "de",
		"--rate", "60000/min", "--concurrency", "2"})
	if code != exitAPI {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	sent := posts(srv)
	if sent >= 40 {
		t.Errorf("%d POSTs: the run went on after stdout failed", sent)
	}
	// Every POST had its send record on stdout first, and its result is on stdout or stderr.
	onStdout, sendRecords := 0, 0
	for _, rec := range strings.Split(strings.TrimSpace(out.buf.String()), "\n") {
		if isBookkeeping(rec) {
			sendRecords++
		} else if rec != "" {
			onStdout++
		}
	}
	onStderr := strings.Count(stderr.String(), "not written to stdout")
	if onStdout+onStderr != sent || sendRecords != sent {
		t.Errorf("%d POSTs, %d send records, %d results on stdout and %d on stderr\n%s", sent, sendRecords, onStdout, onStderr, stderr.String())
	}
}

func TestBatchHelpDocumentsTheContract(t *testing.T) {
	r := newCLI(t, nil).run("create", "--help")
	wantCode(t, r, exitOK)
	for _, want := range []string{"--batch", "--concurrency", "--rate", "--resume", "--retry-unknown",
		`"outcome"`, "unknown", "Exit codes with --batch", "Ctrl-C", "JSON Lines"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("create --help lacks %q", want)
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int{"3000/min": 3000, "3000": 3000, " 6,000 / min ": 6000, "50/s": 3000, "1/m": 1} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5/min", "x/min", "10/h"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) accepted", in)
		}
	}
}

func TestLineReader(t *testing.T) {
	in := "a\r\n\nbb\n" + strings.Repeat("x", 20) + "\nccc"
	lr := newLineReader(strings.NewReader(in), 10)
	type got struct {
		s                 string
		tooLong, complete bool
		n                 int
	}
	var all []got
	for {
		line, tooLong, complete, err := lr.next()
		if err != nil {
			break
		}
		all = append(all, got{string(line), tooLong, complete, lr.n})
	}
	want := []got{{"a", false, true, 1}, {"", false, true, 2}, {"bb", false, true, 3}, {"", true, true, 4}, {"ccc", false, false, 5}}
	if !slices.Equal(all, want) {
		t.Errorf("got %+v\nwant %+v", all, want)
	}
}

func TestProgressLineAndCountLines(t *testing.T) {
	r := &batchRun{}
	p := newProgress(io.Discard, r, 100)
	if got := p.line(time.Now()); got != "batch: 0/100 lines, 0 failed, 0 in flight" {
		t.Errorf("before any send: %q", got)
	}
	now := time.Now()
	r.firstSend.Store(now.Add(-time.Minute).UnixNano())
	r.sent.Store(52)
	r.done.Store(50)
	r.failed.Store(2)
	r.invalid.Store(1)
	if got, want := p.line(now), "batch: 51/100 lines, 3 failed, 2 in flight, 50/min, ETA 59s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	p.total = -1 // stdin: no ETA
	if got, want := p.line(now), "batch: 51 lines, 3 failed, 2 in flight, 50/min"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if n := countLines(tasksFile(t, "a", "", "  ", "b", "c")); n != 3 {
		t.Errorf("countLines = %d, want 3 (blank lines do not count)", n)
	}
	if n := countLines(filepath.Join(t.TempDir(), "missing")); n != -1 {
		t.Errorf("countLines of a missing file = %d, want -1", n)
	}
}

// A batch line that gives a key twice is refused as invalid (decoding would keep one of the two
// silently, issue 14); the other lines go on, and the refused one is never sent.
func TestBatchLineWithARepeatedKeyIsInvalid(t *testing.T) {
	srv := fake(t)
	file := tasksFile(t, `{"downloadTaskId": "a"}`, `{"downloadTaskId": "b", "downloadTaskId": "c"}`)
	r := batch(newCLI(t, tokenEnv(srv)), srv, file)
	res := results(t, r)
	if l := res[1]; !l.OK {
		t.Errorf("line 1: %+v", l)
	}
	if l := res[2]; l.OK || l.Error == nil || !strings.Contains(l.Error.Message, "downloadTaskId") {
		t.Errorf("line 2 must be invalid, naming the repeated key: %+v", l)
	}
	if got := postedTasks(t, srv); len(got) != 1 || got[0] != "a" {
		t.Errorf("POSTed %v, want only line 1's task", got)
	}
}

// A --concurrency that is not a number is a problem in the list (exit 2, nothing sent), not a
// flag-parsing failure that stops before the other problems are seen.
func TestBatchConcurrencyThatIsNoNumberIsAProblem(t *testing.T) {
	srv := fake(t)
	r := batch(newCLI(t, tokenEnv(srv)), srv, tasksFile(t, numbered(2)...), "--concurrency", "eight")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, `--concurrency: "eight" is not a whole number`) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}
