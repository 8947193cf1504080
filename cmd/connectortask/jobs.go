package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/capture"
	"github.com/seed-a960d6a4/connectortask/internal/userinput"
)

const jobsListLong = `List the jobs of a project: GET /api2/v2/projects/{projectUid}/jobs, every page.

Phrase filters by --filename, --target-lang and --status (repeat it, or separate with commas:
--status NEW,ACCEPTED); --created-after is applied here, as Phrase has no such filter, so every
page of the other filters is still read. Only jobs of the first workflow step are listed
(Phrase's default).

Jobs are written as they arrive, page by page: with -o json one job per line (JSON Lines), each
as Phrase sent it (its +0000 date-times, fields the spec does not list yet); with -o table one
line per job: uid, innerId, target language, status, created, file, sourceFileUid.

This is how to see what a create of unknown outcome (exit 4) left behind: the jobs created by
one call share filename, sourceFileUid and innerId. 'create --reconcile' does the looking for
you.`

const jobsListExample = `  # Every job of a project, as JSON Lines:
  connectortask jobs list --project-uid Pr2wE4rT6yU8iO0p

  # New German jobs of one file created in the last two hours, for people:
  connectortask jobs list --project-uid Pr2wE4rT6yU8iO0p --filename winter.docx \
      --target-lang de --status NEW --created-after -2h -o table`

type jobsListFlags struct {
	projectUID   string
	filename     string
	targetLang   string
	statuses     []string
	createdAfter string
}

func (a *app) newJobsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "jobs",
		Short:   "Look at a project's jobs (see: jobs list)",
		Example: `  connectortask jobs list --project-uid Pr2wE4rT6yU8iO0p -o table`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	f := &jobsListFlags{}
	list := &cobra.Command{
		Use:     "list --project-uid UID [flags]",
		Short:   "List a project's jobs, every page (GET /api2/v2/projects/{projectUid}/jobs)",
		Long:    jobsListLong,
		Example: jobsListExample,
		Args:    cobra.NoArgs,
	}
	list.RunE = a.runE(func(cmd *cobra.Command, _ []string) error { return a.jobsList(cmd, f) })
	fl := list.Flags()
	fl.StringVar(&f.projectUID, "project-uid", "", "uid of the project whose jobs to list (required)")
	fl.StringVar(&f.filename, "filename", "", "only jobs of the file with this name")
	fl.StringVar(&f.targetLang, "target-lang", "", "only jobs of this target language, e.g. de")
	fl.StringSliceVar(&f.statuses, "status", nil, "only jobs with this status (NEW, ACCEPTED, ...); repeat it or separate with commas")
	fl.StringVar(&f.createdAfter, "created-after", "", "only jobs created at or after this time: RFC 3339, or relative to now (-2h, -3d)")
	cmd.AddCommand(list)
	return cmd
}

func (a *app) jobsList(cmd *cobra.Command, f *jobsListFlags) error {
	projectUID := strings.TrimSpace(f.projectUID)
	if projectUID == "" {
		return usagef("--project-uid is required: give the uid of the project (it is in the project's URL in Phrase)")
	}
	params := &api.ListPartsV2Params{}
	if v := strings.TrimSpace(f.filename); v != "" {
		params.Filename = &v
	}
	if v := strings.TrimSpace(f.targetLang); v != "" {
		params.TargetLang = &v
	}
	if statuses := splitLangs(f.statuses); len(statuses) > 0 {
		st := make([]string, 0, len(statuses))
		for _, s := range statuses {
			st = append(st, strings.ToUpper(s))
		}
		params.Status = &st
	}
	var after time.Time
	if cmd.Flags().Changed("created-after") {
		t, err := parsePast(f.createdAfter, a.now())
		if err != nil {
			return usagef("--created-after: %v", err)
		}
		after = t
	}
	client, err := a.newClient(cmd, authRequired)
	if err != nil {
		return err
	}
	pages := &rawPages{}
	ctx := capture.With(cmd.Context(), pages.capture)
	out := &jobWriter{w: a.stdout, table: a.output == "table"}
	for job, err := range client.ListJobs(ctx, projectUID, params) {
		if err != nil {
			return err
		}
		raw := pages.next()
		if !after.IsZero() && job.DateCreated != nil && job.DateCreated.Before(after) {
			continue
		}
		if err := out.write(job, raw); err != nil {
			return err
		}
	}
	if out.n == 0 {
		fmt.Fprintf(a.stderr, "connectortask: no job of project %s matches\n", projectUID)
	}
	return nil
}

// parsePast reads a time as ParseTime does, and also a time before now: "-2h", "-3d".
func parsePast(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		t, err := userinput.ParseTime("+"+s[1:], now)
		if err != nil {
			return t, fmt.Errorf("%q: want RFC 3339 (2026-12-01T17:00:00Z) or a time before now (-2h, -3d)", s)
		}
		return now.Add(-t.Sub(now.UTC().Truncate(time.Second))).UTC().Truncate(time.Second), nil
	}
	return userinput.ParseTime(s, now)
}

// rawPages keeps the jobs of each page of the list as Phrase sent them, in order: the client
// hands over a page's body (CaptureResponses) before ListJobs yields its jobs.
type rawPages struct {
	mu   sync.Mutex
	jobs []json.RawMessage
}

func (p *rawPages) capture(method, path string, body []byte) {
	if method != http.MethodGet || !strings.HasSuffix(path, "/jobs") {
		return
	}
	var page struct {
		Content []json.RawMessage `json:"content"`
	}
	_ = json.Unmarshal(body, &page)
	p.mu.Lock()
	p.jobs = append(p.jobs, page.Content...)
	p.mu.Unlock()
}

// next returns the raw form of the job ListJobs yields next, or nil.
func (p *rawPages) next() json.RawMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.jobs) == 0 {
		return nil
	}
	j := p.jobs[0]
	p.jobs = p.jobs[1:]
	return j
}

// jobWriter writes jobs one line each, as they come.
type jobWriter struct {
	w     io.Writer
	table bool
	n     int
}

func (w *jobWriter) write(job api.JobPartReferenceV2, raw json.RawMessage) error {
	if w.table {
		if w.n == 0 {
			if _, err := fmt.Fprintf(w.w, "%-24s %-7s %-7s %-10s %-24s %-30s %s\n", "UID", "INNER", "LANG", "STATUS", "CREATED", "FILE", "SOURCE FILE"); err != nil {
				return err
			}
		}
		w.n++
		created := "-"
		if job.DateCreated != nil {
			created = job.DateCreated.String()
		}
		_, err := fmt.Fprintf(w.w, "%-24s %-7s %-7s %-10s %-24s %-30s %s\n", jobCell(job.Uid), jobCell(job.InnerId), jobCell(job.TargetLang),
			jobCell((*string)(job.Status)), created, jobCell(job.Filename), jobCell(job.SourceFileUid))
		return err
	}
	w.n++
	line := raw
	if len(bytes.TrimSpace(line)) == 0 {
		b, err := marshal(job)
		if err != nil {
			return err
		}
		line = b
	} else {
		var buf bytes.Buffer
		if err := json.Compact(&buf, line); err == nil {
			line = buf.Bytes()
		}
	}
	_, err := w.w.Write(append(append([]byte{}, line...), '\n'))
	return err
}

// jobCell is a table cell: "-" for nothing.
func jobCell(p *string) string {
	if p == nil || *p == "" {
		return "-"
	}
	return *p
}
