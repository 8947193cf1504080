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
	batch             batchFlags // --batch and its flags (batch.go)
}

const createLong = `Create jobs from a connector's asynchronous download task:
POST /api2/v1/projects/{projectUid}/jobs/connectorTask.

The body (a JobCreateRequestDto) is built from the flags, or read whole with --data FILE (or
--data - for stdin); flags given beside --data override its fields. The request is validated
before anything is sent (a problem exits 2 with the field and the fix).

--due takes RFC 3339 with any offset (2026-12-01T17:00:00Z, 2026-12-01T18:00:00+01:00) or a
time relative to now (+72h, +90m, +3d); it is sent in UTC, whole seconds, with a Z.

On success the 201 body (a JobListDto) is printed on stdout as Phrase sent it: its date-times
(2026-11-28T17:03:12+0000) and any field the spec does not list yet are kept. With --wait the
command then polls GET /api2/v1/async/{asyncRequestId} until the async request has finished
(progress on stderr when it is a terminal), and prints the same JobListDto with "asyncRequest"
replaced by the full AsyncRequestDto. If the async request finished with an errorCode the exit code is 1; if
--wait-timeout passed first it is 3; either way stdout still carries the created jobs.

The POST is retried only on 429 and 503 (honouring Retry-After). After any other failure that
may have reached Phrase the outcome is unknown: jobs may have been created, so list the
project's jobs in Phrase before trying again.

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

  # The body from stdin, output as a table:
  jq '.targetLangs += ["ja"]' body.json | connectortask create --project-uid Pr2wE4rT6yU8iO0p --data - -o table`

func (a *app) newCreateCmd() *cobra.Command {
	f := &createFlags{}
	cmd := &cobra.Command{
		Use:     "create --project-uid UID --target-lang LANG [flags]",
		Short:   "Create jobs from a connector download task (POST .../jobs/connectorTask)",
		Long:    createLong + "\n\n" + batchLong,
		Example: createExample + "\n\n" + batchExample,
		Args:    cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error { return a.create(cmd, f) })

	fl := cmd.Flags()
	fl.StringVar(&f.projectUID, "project-uid", "", "uid of the project to create the jobs in (required; with --batch the default of every line)")
	fl.StringSliceVar(&f.targetLangs, "target-lang", nil, "target language of a job, e.g. de; repeat it or separate with commas (de,fr)")
	fl.StringVar(&f.downloadTaskID, "download-task-id", "", "id of the connector's asynchronous download task (query downloadTaskId)")
	fl.BoolVar(&f.continuous, "continuous", false, "create continuous jobs (query continuous)")
	fl.StringVar(&f.due, "due", "", "due date: RFC 3339 (2026-12-01T17:00:00Z) or relative (+72h, +3d)")
	fl.StringVar(&f.path, "path", "", "path of the file in the project (at most 255 characters)")
	fl.BoolVar(&f.preTranslate, "pre-translate", false, "pre-translate the jobs")
	fl.BoolVar(&f.semanticMarkup, "semantic-markup", false, "use semantic markup")
	fl.BoolVar(&f.useProjectImport, "use-project-file-import-settings", false, "import with the project's file import settings")
	fl.StringVar(&f.importSettingsUID, "import-settings-uid", "", "uid of saved file import settings to import with")
	fl.StringVar(&f.callbackURL, "callback-url", "", "absolute http(s) URL Phrase calls when the async request finishes")
	fl.StringVar(&f.data, "data", "", "read a JobCreateRequestDto JSON body from `FILE` (- for stdin); other flags override its fields")
	fl.BoolVar(&f.wait, "wait", false, "wait for the async request to finish and print it with the jobs")
	fl.DurationVar(&f.waitTimeout, "wait-timeout", 10*time.Minute, "give up waiting after this long (exit 3)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "validate and print the request, send nothing")
	a.addBatchFlags(cmd, &f.batch)
	cmd.MarkFlagsMutuallyExclusive("use-project-file-import-settings", "import-settings-uid")
	_ = cmd.MarkFlagFilename("data", "json")
	return cmd
}

func (a *app) create(cmd *cobra.Command, f *createFlags) error {
	ctx := a.captureAnswers(cmd.Context())
	if cmd.Flags().Changed("batch") {
		return a.createBatch(cmd, f)
	}
	if err := checkNoBatchFlags(cmd); err != nil {
		return err
	}
	if !cmd.Flags().Changed("project-uid") {
		return usagef("required flag \"project-uid\" not set: give the uid of the project (it is in the project's URL in Phrase)")
	}
	projectUID := strings.TrimSpace(f.projectUID)
	if projectUID == "" {
		return usagef("--project-uid is empty: give the uid of the project (it is in the project's URL in Phrase)")
	}
	if f.wait && f.waitTimeout <= 0 {
		return usagef("--wait-timeout %s: want a positive duration such as 10m", f.waitTimeout)
	}
	body, err := a.createBody(cmd, f)
	if err != nil {
		return err
	}
	params := &api.CreateJobFromAsyncDownloadTaskParams{}
	if cmd.Flags().Changed("download-task-id") {
		id := strings.TrimSpace(f.downloadTaskID)
		params.DownloadTaskId = &id
	}
	if cmd.Flags().Changed("continuous") {
		c := f.continuous
		params.Continuous = &c
	}

	if f.dryRun {
		client, err := a.newClient(cmd, authOptional)
		if err != nil {
			return err
		}
		preview, err := client.PreviewCreate(ctx, projectUID, params, body)
		if err != nil {
			return err
		}
		return a.printPreview(preview)
	}

	client, err := a.newClient(cmd, authRequired)
	if err != nil {
		return err
	}
	list, err := client.CreateJobsFromDownloadTask(ctx, projectUID, params, body)
	if err != nil {
		return err
	}
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
	opts := append(a.waitOptions(id, waitTimeout), extra...)
	done, err := client.WaitAsyncRequest(ctx, id, opts...)
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
		if perr := a.printJobs(jobsResult{list: list, async: timeout.Last}); perr != nil {
			return perr
		}
		return withHint(err, "the jobs were created and are on stdout; check later with: connectortask async get %s --wait", id)
	default:
		if perr := a.printJobs(jobsResult{list: list}); perr != nil {
			return perr
		}
		return withHint(fmt.Errorf("waiting for async request %s: %w", id, err),
			"the jobs were created and are on stdout; check later with: connectortask async get %s --wait", id)
	}
}

// createBody reads --data, if given, and lays the flags the user set over it.
func (a *app) createBody(cmd *cobra.Command, f *createFlags) (api.JobCreateRequestDto, error) {
	body, err := a.bodyFromFlags(cmd, f)
	if err != nil {
		return body, err
	}
	if len(body.TargetLangs) == 0 {
		return body, usagef("no target language: give --target-lang (e.g. --target-lang de,fr), or targetLangs in --data")
	}
	return body, nil
}

// bodyFromFlags is createBody without the need for a target language (a --batch line may
// bring its own).
func (a *app) bodyFromFlags(cmd *cobra.Command, f *createFlags) (api.JobCreateRequestDto, error) {
	var body api.JobCreateRequestDto
	fl := cmd.Flags()
	if fl.Changed("data") {
		raw, err := a.readInput(f.data, "--data "+f.data)
		if err != nil {
			return body, err
		}
		body, err = a.decodeBody(raw, f.data)
		if err != nil {
			return body, err
		}
	}
	if fl.Changed("target-lang") {
		body.TargetLangs = splitLangs(f.targetLangs)
	}
	if fl.Changed("due") {
		t, err := wrapper.ParseTime(strings.TrimSpace(f.due), a.now())
		if err != nil {
			return body, usagef("--due: %v", err)
		}
		body.Due = api.NewDateTimePtr(t)
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
	return body, nil
}

// decodeBody reads a JobCreateRequestDto. A body that does not decode is reported with the
// wrapper's offline validation, which names every problem with its JSON path.
func (a *app) decodeBody(raw []byte, name string) (api.JobCreateRequestDto, error) {
	a.learnJSONSecrets(raw) // a connector token is redacted from every output
	var body api.JobCreateRequestDto
	dec := json.NewDecoder(bytes.NewReader(raw))
	err := dec.Decode(&body)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err != nil {
		if verr := wrapper.ValidateRequestJSON(raw, a.now()); verr != nil {
			var invalid *wrapper.ValidationError
			if errors.As(verr, &invalid) {
				return body, verr
			}
		}
		return body, usagef("--data %s: not a JobCreateRequestDto JSON object: %v", name, err)
	}
	// Fields the DTO does not know would be dropped silently; say so.
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	var probe api.JobCreateRequestDto
	if err := strict.Decode(&probe); err != nil {
		fmt.Fprintf(a.stderr, "connectortask: warning: --data %s: %v: it is not part of JobCreateRequestDto and is not sent\n", name, err)
	}
	return body, nil
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
