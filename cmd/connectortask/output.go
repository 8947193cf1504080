package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/seed-a960d6a4/connectortask/api"
)

// writeJSON writes v as indented JSON with a trailing newline. HTML characters are not escaped,
// so URLs with & and <placeholders> read as they are.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the output: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// jobsResult is what create and demo print: the 201 JobListDto, and after --wait the
// AsyncRequestDto that was polled in place of the JobListDto's asyncRequest reference.
type jobsResult struct {
	list  *api.JobListDto
	async *api.AsyncRequestDto // nil unless waited for
	// note replaces "started, not awaited" in the table when a wait ended without a state
	// to show (interrupted, or timed out before any poll answered).
	note string
}

// MarshalJSON writes the JobListDto with its asyncRequest replaced by the full AsyncRequestDto.
func (r jobsResult) MarshalJSON() ([]byte, error) {
	list := r.list
	if list == nil {
		list = &api.JobListDto{}
	}
	b, err := marshal(list)
	if err != nil || r.async == nil {
		return b, err
	}
	obj := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	ab, err := marshal(r.async)
	if err != nil {
		return nil, err
	}
	obj["asyncRequest"] = ab
	return marshal(obj)
}

// marshal is json.Marshal without HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func (a *app) printJobs(r jobsResult) error {
	if a.output == "table" {
		return writeJobsTable(a.stdout, r)
	}
	if raw := a.jobsJSON(r); raw != nil {
		return writeJSON(a.stdout, raw)
	}
	return writeJSON(a.stdout, r)
}

// writeJobsTable prints one line per job, then the async request's outcome, warnings and
// unsupported files.
func writeJobsTable(w io.Writer, r jobsResult) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UID\tTARGET LANG\tSTATUS\tFILENAME\tDUE")
	var jobs []api.JobPartReference
	if r.list != nil && r.list.Jobs != nil {
		jobs = *r.list.Jobs
	}
	for _, j := range jobs {
		status := ""
		if j.Status != nil {
			status = string(*j.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cell(str(j.Uid)), cell(str(j.TargetLang)), cell(status), cell(str(j.Filename)), cell(date(j.DateDue)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&buf, "%d job%s\n", len(jobs), plural(len(jobs)))
	switch {
	case r.async != nil:
		fmt.Fprintf(&buf, "async request %s: %s\n", str(r.async.Id), asyncOutcome(r.async))
	case r.list != nil && r.list.AsyncRequest != nil:
		ref := r.list.AsyncRequest
		action := ""
		if ref.Action != nil {
			action = " (" + string(*ref.Action) + ")"
		}
		if r.note != "" {
			fmt.Fprintf(&buf, "async request %s%s: %s\n", str(ref.Id), action, r.note)
			break
		}
		fmt.Fprintf(&buf, "async request %s%s: started, not awaited (use --wait, or: connectortask async get %s)\n", str(ref.Id), action, str(ref.Id))
	}
	if r.list != nil {
		if r.list.Warnings != nil {
			for _, wn := range *r.list.Warnings {
				domain := ""
				if wn.Domain != nil {
					domain = string(*wn.Domain) + ": "
				}
				ids := ""
				if wn.JobPartIds != nil && len(*wn.JobPartIds) > 0 {
					ids = " (jobs " + strings.Join(*wn.JobPartIds, ", ") + ")"
				}
				fmt.Fprintf(&buf, "warning: %s%s%s\n", domain, str(wn.Message), ids)
			}
		}
		if r.list.UnsupportedFiles != nil {
			for _, f := range *r.list.UnsupportedFiles {
				fmt.Fprintf(&buf, "unsupported file: %s\n", f)
			}
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// asyncOutcome says in a few words where an async request stands.
func asyncOutcome(r *api.AsyncRequestDto) string {
	action := ""
	if r.Action != nil {
		action = string(*r.Action) + " "
	}
	resp := r.AsyncResponse
	switch {
	case resp == nil:
		return action + "pending"
	case resp.ErrorCode != nil && *resp.ErrorCode != "":
		out := action + "failed: " + *resp.ErrorCode
		if resp.ErrorDesc != nil && *resp.ErrorDesc != "" {
			out += ": " + *resp.ErrorDesc
		}
		return out
	default:
		out := action + "finished"
		if resp.DateCreated != nil && !resp.DateCreated.IsZero() {
			out += " at " + resp.DateCreated.String()
		}
		if resp.Warnings != nil && len(*resp.Warnings) > 0 {
			out += fmt.Sprintf(" with %d warning%s", len(*resp.Warnings), plural(len(*resp.Warnings)))
		}
		return out
	}
}

// asyncDetail is ", errorCode X: desc" for an async request that failed, for error messages.
func asyncDetail(r *api.AsyncRequestDto) string {
	if r == nil {
		return ""
	}
	return " (" + str(r.Id) + ": " + asyncOutcome(r) + ")"
}

func (a *app) printAsync(r *api.AsyncRequestDto) error {
	if a.output == "table" {
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tACTION\tCREATED\tPROJECT\tOUTCOME")
		action, project := "", ""
		if r.Action != nil {
			action = string(*r.Action)
		}
		if r.Project != nil {
			project = str(r.Project.Uid)
		}
		outcome := "pending"
		if r.AsyncResponse != nil {
			outcome = "finished"
			if r.AsyncResponse.ErrorCode != nil && *r.AsyncResponse.ErrorCode != "" {
				outcome = "failed: " + *r.AsyncResponse.ErrorCode
				if r.AsyncResponse.ErrorDesc != nil {
					outcome += ": " + *r.AsyncResponse.ErrorDesc
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cell(str(r.Id)), cell(action), cell(date(r.DateCreated)), cell(project), outcome)
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	if raw := a.asyncJSON(); raw != nil {
		return writeJSON(a.stdout, raw)
	}
	return writeJSON(a.stdout, r)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func date(d *api.DateTime) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.String()
}

// cell keeps a table cell on one line and shows "-" for nothing.
func cell(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	if s == "" {
		return "-"
	}
	return s
}
