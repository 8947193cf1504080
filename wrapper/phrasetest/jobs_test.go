package phrasetest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// everyFieldSet fails when a pointer, slice or map field of v (a struct) is nil.
func everyFieldSet(t *testing.T, what string, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		switch f := rv.Field(i); f.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			if f.IsNil() {
				t.Errorf("%s: field %s is not set", what, rv.Type().Field(i).Name)
			}
		}
	}
}

func TestCreateJobsAnswersEveryField(t *testing.T) {
	clock := newClock()
	srv := newServer(t, phrasetest.WithClock(clock.Now))
	due := api.NewDateTimePtr(time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC))
	req := api.JobCreateRequestDto{
		TargetLangs: []string{"de", "fr", "ja"},
		Due:         due,
		Assignments: &[]api.ProvidersPerLanguage{
			{TargetLang: ptr("de"), Providers: &[]api.ProviderReference{{Type: api.ProviderTypeVENDOR, Uid: ptr("Vn3kRt8sQw1Lp0Zx")}}},
			{TargetLang: ptr("fr"), AssignedUsers: &[]api.IdReferenceLong{{Id: 1024}}},
		},
		NotifyProvider: &api.NotifyProviderDto{
			OrganizationEmailTemplate:     api.IdReference{Id: "77"},
			NotificationIntervalInMinutes: ptr[int32](30),
		},
		RemoteFile: &api.JobCreateRemoteFileDto{ConnectorToken: "ct-secret", RemoteFileName: "winter-campaign.docx"},
		Path:       ptr("marketing/2026/winter"),
	}
	resp, err := tokenClient(t, srv).CreateJobFromAsyncDownloadTaskWithResponse(t.Context(), srv.ProjectUID,
		&api.CreateJobFromAsyncDownloadTaskParams{Continuous: ptr(true)}, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusCreated || resp.JSON201 == nil {
		t.Fatalf("status %d, body %s", resp.StatusCode(), resp.Body)
	}
	// 3 jobs x 3 dates + the async request's dateCreated.
	wantPhraseDates(t, resp.Body, 10)
	for _, frag := range []string{`"unsupportedFiles":[]`, `"warnings":[]`, `"jobAssignedEmailTemplate":{}`, `"imported":false`} {
		if !bytes.Contains(resp.Body, []byte(frag)) {
			t.Errorf("raw body lacks %s: %s", frag, resp.Body)
		}
	}
	list := resp.JSON201
	everyFieldSet(t, "JobListDto", *list)
	everyFieldSet(t, "asyncRequest", *list.AsyncRequest)
	if deref(list.AsyncRequest.Action) != api.AsyncRequestActionPREANALYSE || !list.AsyncRequest.DateCreated.Equal(t0) {
		t.Errorf("asyncRequest = %+v", list.AsyncRequest)
	}
	jobs := list.Jobs
	if len(jobs) != 3 {
		t.Fatalf("%d jobs, want one per target language", len(jobs))
	}
	uids := map[string]bool{}
	for i, j := range jobs {
		everyFieldSet(t, "job "+*j.TargetLang, j)
		everyFieldSet(t, "workflowStep", *j.WorkflowStep)
		if *j.TargetLang != req.TargetLangs[i] || *j.Status != api.JobStatusNEW || *j.Filename != "winter-campaign.docx" ||
			!j.DateDue.Equal(due.Time) || !j.DateCreated.Equal(t0) || !j.UpdateSourceDate.Equal(t0) ||
			*j.Imported || !*j.Continuous || *j.NotificationIntervalInMinutes != 30 || *j.WorkflowLevel != 1 {
			t.Errorf("job %d = %s", i, mustJSON(j))
		}
		uids[*j.Uid] = true
		if *j.SourceFileUid != *jobs[0].SourceFileUid {
			t.Errorf("jobs of one file have different sourceFileUids")
		}
	}
	if len(uids) != 3 {
		t.Errorf("job uids repeat: %v", uids)
	}
	if p := jobs[0].Providers; len(p) != 1 || p[0].Type != api.ProviderTypeVENDOR || deref(p[0].Uid) != "Vn3kRt8sQw1Lp0Zx" || p[0].Id == nil {
		t.Errorf("de providers = %s", mustJSON(p))
	}
	if p := jobs[1].Providers; len(p) != 1 || p[0].Type != api.ProviderTypeUSER || deref(p[0].Id) != "1024" {
		t.Errorf("fr providers = %s", mustJSON(p))
	}
	if p := jobs[2].Providers; len(p) != 0 {
		t.Errorf("ja providers = %s, want none", mustJSON(p))
	}
	if got := srv.Jobs(); mustJSON(got) != mustJSON(jobs) {
		t.Errorf("Jobs() = %s\nwant the jobs answered %s", mustJSON(got), mustJSON(jobs))
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestCreateJobsDefaults(t *testing.T) {
	clock := newClock()
	srv := newServer(t, phrasetest.WithClock(clock.Now))
	r := createJobs(t, srv, createBody("it"))
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var list api.JobListDto
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	j := list.Jobs[0]
	if *j.Filename != "download-dt1" {
		t.Errorf("filename = %q, want it named after downloadTaskId", *j.Filename)
	}
	if !j.DateDue.Equal(t0.Add(phrasetest.DefaultDueAfter)) || *j.Continuous || *j.NotificationIntervalInMinutes != 0 || len(j.Providers) != 0 {
		t.Errorf("job = %s", mustJSON(j))
	}
}

func TestCreateJobsDueFromWorkflowSettings(t *testing.T) {
	srv := newServer(t)
	body := `{"targetLangs":["de"],"workflowSettings":[{"id":"wf1","due":"2026-12-01T17:00:00+0000",
		"assignments":[{"targetLang":"de","providers":[{"type":"VENDOR","id":"42"}]}],
		"notifyProvider":{"organizationEmailTemplate":{"id":"77"},"notificationIntervalInMinutes":15}}]}`
	r := createJobs(t, srv, body)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if !bytes.Contains(r.body, []byte(`"dateDue":"2026-12-01T17:00:00+0000"`)) ||
		!bytes.Contains(r.body, []byte(`"notificationIntervalInMinutes":15`)) ||
		!bytes.Contains(r.body, []byte(`"id":"42"`)) {
		t.Errorf("workflow step settings not applied: %s", r.body)
	}
}

func TestCreateJobsChecks(t *testing.T) {
	long := strings.Repeat("a", 256)
	cases := []struct {
		name, contentType, query, body string
		project                        string // default: the Server's
		status                         int
		code                           string // "" for success
	}{
		{name: "text/plain", contentType: "text/plain", body: createBody("de"), status: 415, code: phrasetest.CodeUnsupportedMediaType},
		{name: "no content type", contentType: "-", body: createBody("de"), status: 415, code: phrasetest.CodeUnsupportedMediaType},
		{name: "json with charset", contentType: "application/json; charset=utf-8", body: createBody("de"), status: 201},
		{name: "malformed", body: `{"targetLangs":`, status: 400, code: phrasetest.CodeInvalidRequestBody},
		{name: "empty body", body: "", status: 400, code: phrasetest.CodeInvalidRequestBody},
		{name: "trailing data", body: createBody("de") + " {}", status: 400, code: phrasetest.CodeInvalidRequestBody},
		{name: "wrong type", body: `{"targetLangs":"de"}`, status: 400, code: phrasetest.CodeInvalidRequestBody},
		{name: "bad date", body: `{"targetLangs":["de"],"due":"tomorrow"}`, status: 400, code: phrasetest.CodeInvalidRequestBody},
		{name: "bad continuous", query: "?continuous=maybe", body: createBody("de"), status: 400, code: phrasetest.CodeInvalidParameter},
		{name: "unknown project", project: "nope", body: createBody("de"), status: 404, code: phrasetest.CodeProjectNotFound},
		{name: "no targetLangs", body: `{}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "null targetLangs", body: `{"targetLangs":null}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "empty targetLangs", body: `{"targetLangs":[]}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "repeated targetLang", body: createBody("de", "fr", "de"), status: 400, code: phrasetest.CodeNotUniqueTargetLang},
		{name: "unknown targetLang", body: createBody("de", "xx"), status: 400, code: phrasetest.CodeUnknownTargetLang},
		{name: "path 255", body: `{"targetLangs":["de"],"path":"` + long[:255] + `"}`, status: 201},
		{name: "path 256", body: `{"targetLangs":["de"],"path":"` + long + `"}`, status: 400, code: phrasetest.CodeFieldTooLong},
		{name: "interval 0", body: `{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":0}}`, status: 201},
		{name: "interval 1440", body: `{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":1440}}`, status: 201},
		{name: "interval -1", body: `{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":-1}}`, status: 400, code: phrasetest.CodeValueOutOfRange},
		{name: "interval 1441", body: `{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":1441}}`, status: 400, code: phrasetest.CodeValueOutOfRange},
		{name: "step interval 1441", body: `{"targetLangs":["de"],"workflowSettings":[{"assignments":[],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":1441}}]}`, status: 400, code: phrasetest.CodeValueOutOfRange},
		{name: "notify without template", body: `{"targetLangs":["de"],"notifyProvider":{"notificationIntervalInMinutes":5}}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "due and workflowSettings", body: `{"targetLangs":["de"],"due":"2026-12-01T17:00:00Z","workflowSettings":[{"assignments":[]}]}`, status: 400, code: phrasetest.CodeMutuallyExclusive},
		{name: "due and empty workflowSettings", body: `{"targetLangs":["de"],"due":"2026-12-01T17:00:00Z","workflowSettings":[]}`, status: 201},
		{name: "step without assignments", body: `{"targetLangs":["de"],"workflowSettings":[{"id":"1"}]}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "importSettings and project settings", body: `{"targetLangs":["de"],"importSettings":{"uid":"x"},"useProjectFileImportSettings":true}`, status: 400, code: phrasetest.CodeMutuallyExclusive},
		{name: "importSettings and false", body: `{"targetLangs":["de"],"importSettings":{"uid":"x"},"useProjectFileImportSettings":false}`, status: 201},
		{name: "importSettings without uid", body: `{"targetLangs":["de"],"importSettings":{}}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "xmlAssistantProfile without uid", body: `{"targetLangs":["de"],"xmlAssistantProfile":{"uid":""}}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "remoteFile without token", body: `{"targetLangs":["de"],"remoteFile":{"remoteFileName":"a.docx"}}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "remoteFile without name", body: `{"targetLangs":["de"],"remoteFile":{"connectorToken":"t"}}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "provider without type", body: `{"targetLangs":["de"],"assignments":[{"targetLang":"de","providers":[{"id":"1"}]}]}`, status: 400, code: phrasetest.CodeMissingField},
		{name: "assignment for another language", body: `{"targetLangs":["de"],"assignments":[{"targetLang":"fr","providers":[{"type":"USER","id":"1"}]}]}`, status: 400, code: phrasetest.CodeUnknownTargetLang},
		{name: "relative callbackUrl", body: `{"targetLangs":["de"],"callbackUrl":"/hooks"}`, status: 400, code: phrasetest.CodeInvalidURL},
		{name: "ftp callbackUrl", body: `{"targetLangs":["de"],"callbackUrl":"ftp://example.com/x"}`, status: 400, code: phrasetest.CodeInvalidURL},
		{name: "https callbackUrl", body: `{"targetLangs":["de"],"callbackUrl":"https://hooks.example.com/phrase"}`, status: 201},
		{name: "unknown request fields are ignored", body: `{"targetLangs":["de"],"somethingElse":true}`, status: 201},
	}
	srv := newServer(t)
	created := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			project := tc.project
			if project == "" {
				project = srv.ProjectUID
			}
			hdr := []string{"Authorization", "ApiToken " + srv.Token, "Content-Type", "application/json"}
			switch tc.contentType {
			case "":
			case "-":
				hdr = hdr[:2]
			default:
				hdr[3] = tc.contentType
			}
			r := do(t, srv, "POST", jobsPath(project)+tc.query, tc.body, hdr...)
			if tc.code == "" {
				if r.status != tc.status {
					t.Fatalf("status %d, want %d; body %s", r.status, tc.status, r.body)
				}
				created++
			} else {
				e := wantError(t, r, tc.status, tc.code)
				if tc.status == 400 && tc.code != phrasetest.CodeInvalidRequestBody && tc.code != phrasetest.CodeInvalidParameter &&
					len(e.ErrorDetails) == 0 {
					t.Errorf("no errorDetails naming the field: %s", r.body)
				}
			}
			if n := len(srv.Jobs()); n != created {
				t.Errorf("%d jobs exist, want %d: a refused request created jobs", n, created)
			}
		})
	}
}

func TestBodiesAreBounded(t *testing.T) {
	srv := newServer(t, phrasetest.WithMaxBodyBytes(64))
	big := `{"targetLangs":["de"],"path":"` + strings.Repeat("x", 100) + `"}`
	r := createJobs(t, srv, big)
	wantError(t, r, http.StatusRequestEntityTooLarge, phrasetest.CodeRequestTooLarge)

	// Without Content-Length (chunked), the bound holds too.
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+jobsPath(srv.ProjectUID),
		struct{ *strings.Reader }{strings.NewReader(big)})
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "ApiToken "+srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: status %d, want 413", resp.StatusCode)
	}
	if n := len(srv.Jobs()); n != 0 {
		t.Errorf("oversized requests created %d jobs", n)
	}
	for _, rec := range srv.Requests() {
		if rec.Body != nil || rec.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("record = status %d, body %q; want 413 and no body", rec.Status, rec.Body)
		}
	}
	// A body within the bound still works.
	if r := createJobs(t, srv, createBody("de")); r.status != http.StatusCreated {
		t.Errorf("small body: %d %s", r.status, r.body)
	}
}
