package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/apiserver"
)

// recordingServer implements the generated ServerInterface and answers with canned bodies.
type recordingServer struct {
	gotParams api.CreateJobFromAsyncDownloadTaskParams
	gotUID    string
	gotBody   []byte
	gotHeader http.Header
	answer    []byte
	gotList   api.ListPartsV2Params
	gotQuery  string
}

func (s *recordingServer) CreateJobFromAsyncDownloadTask(w http.ResponseWriter, r *http.Request, projectUid string, params api.CreateJobFromAsyncDownloadTaskParams) {
	s.gotUID, s.gotParams, s.gotHeader = projectUid, params, r.Header.Clone()
	s.gotBody, _ = io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(s.answer)
}

func (s *recordingServer) Login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"token":"t0k","expires":"2026-11-29T17:03:12+0000","user":{"userName":"jane","role":"A_NEW_ROLE"}}`))
}

func (s *recordingServer) GetAsyncRequest(w http.ResponseWriter, r *http.Request, asyncRequestId string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"id":"` + asyncRequestId + `","dateCreated":"2026-11-28T17:03:12+0000","action":"PRE_ANALYSE","asyncResponse":null}`))
}

func (s *recordingServer) ListPartsV2(w http.ResponseWriter, r *http.Request, projectUid string, params api.ListPartsV2Params) {
	s.gotList, s.gotQuery = params, r.URL.RawQuery
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"totalElements":1,"totalPages":1,"pageSize":50,"pageNumber":0,"numberOfElements":1,` +
		`"content":[{"uid":"J1","innerId":"7","status":"A_NEW_STATUS","targetLang":"de","dateCreated":"2026-11-28T17:03:12+0000",` +
		`"importStatus":{"status":"A_NEW_IMPORT_STATUS"},"workflowStep":{"workflowLevel":1},"sourceFileUid":"S1","imported":false}]}`))
}

// The list of jobs: repeated status parameters on the wire, Phrase's +0000 dates and unknown
// enum values read back.
func TestGeneratedListJobsRoundTrip(t *testing.T) {
	impl := &recordingServer{}
	ts := httptest.NewServer(apiserver.HandlerWithOptions(impl, apiserver.StdHTTPServerOptions{BaseURL: "/web"}))
	defer ts.Close()
	c, err := api.NewClientWithResponses(ts.URL + "/web")
	if err != nil {
		t.Fatal(err)
	}
	page, size := int32(2), int32(50)
	res, err := c.ListPartsV2WithResponse(context.Background(), "prj", &api.ListPartsV2Params{
		PageNumber: &page, PageSize: &size, Status: &[]string{"NEW", "ACCEPTED"}})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("list: %v %+v", err, res)
	}
	if !strings.Contains(impl.gotQuery, "status=NEW&status=ACCEPTED") || impl.gotList.PageNumber == nil || *impl.gotList.PageNumber != 2 {
		t.Errorf("query %q, params %+v", impl.gotQuery, impl.gotList)
	}
	j := res.JSON200.Content[0]
	if !j.DateCreated.Equal(time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC)) || *j.Status != "A_NEW_STATUS" || *j.ImportStatus.Status != "A_NEW_IMPORT_STATUS" || *j.InnerId != "7" {
		t.Errorf("job = %+v", j)
	}
}

func TestGeneratedClientAndServerRoundTrip(t *testing.T) {
	answer, err := os.ReadFile("testdata/phrase-201.json")
	if err != nil {
		t.Fatal(err)
	}
	impl := &recordingServer{answer: answer}
	ts := httptest.NewServer(apiserver.HandlerWithOptions(impl, apiserver.StdHTTPServerOptions{BaseURL: "/web"}))
	defer ts.Close()

	c, err := api.NewClientWithResponses(ts.URL+"/web", api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "ApiToken secret")
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	task, continuous := "dl-42", true
	due := api.NewDateTime(time.Date(2026, 12, 1, 18, 0, 0, 500, time.FixedZone("CET", 3600)))
	res, err := c.CreateJobFromAsyncDownloadTaskWithResponse(context.Background(), "prj/1",
		&api.CreateJobFromAsyncDownloadTaskParams{DownloadTaskId: &task, Continuous: &continuous},
		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}, Due: &due})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != 201 || res.JSON201 == nil {
		t.Fatalf("status %d, JSON201 %v, body %s", res.StatusCode(), res.JSON201, res.Body)
	}

	// What the wire carried.
	if impl.gotUID != "prj/1" {
		t.Errorf("server saw projectUid %q", impl.gotUID)
	}
	if impl.gotParams.DownloadTaskId == nil || *impl.gotParams.DownloadTaskId != "dl-42" || impl.gotParams.Continuous == nil || !*impl.gotParams.Continuous {
		t.Errorf("server saw params %+v", impl.gotParams)
	}
	if got := impl.gotHeader.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := impl.gotHeader.Get("Authorization"); got != "ApiToken secret" {
		t.Errorf("Authorization = %q", got)
	}
	var sent map[string]any
	if err := json.Unmarshal(impl.gotBody, &sent); err != nil {
		t.Fatal(err)
	}
	if sent["due"] != "2026-12-01T17:00:00Z" {
		t.Errorf("due on the wire = %v, want RFC 3339 UTC whole seconds Z", sent["due"])
	}
	if len(sent) != 2 {
		t.Errorf("body carried unset fields: %s", impl.gotBody)
	}

	// What the caller sees: Phrase's +0000 dates, unknown fields and unknown enum values decode.
	jobs := res.JSON201.Jobs
	if len(jobs) != 2 || *jobs[0].Status != api.JobStatusNEW || *jobs[1].Status != "SOMETHING_PHRASE_ADDS_LATER" {
		t.Fatalf("jobs = %+v", jobs)
	}
	wantDue := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	if !jobs[0].DateDue.Equal(wantDue) {
		t.Errorf("dateDue = %v", jobs[0].DateDue)
	}
	if !jobs[1].DateCreated.Equal(time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC)) {
		t.Errorf("+0100 dateCreated = %v", jobs[1].DateCreated)
	}
	if *res.JSON201.AsyncRequest.Action != "A_NEW_ACTION" || *res.JSON201.Warnings[0].Domain != "A_NEW_DOMAIN" {
		t.Error("unknown enum values were not kept")
	}

	login, err := c.LoginWithResponse(context.Background(), api.LoginDto{UserName: "jane", Password: "pw"})
	if err != nil || login.JSON200 == nil || login.JSON200.Expires.Year() != 2026 || *login.JSON200.User.Role != "A_NEW_ROLE" {
		t.Fatalf("login: %v %+v", err, login)
	}
	async, err := c.GetAsyncRequestWithResponse(context.Background(), "900123")
	if err != nil || async.JSON200 == nil || *async.JSON200.Id != "900123" || async.JSON200.AsyncResponse != nil {
		t.Fatalf("async: %v %+v", err, async)
	}
}

func TestSeedPageExampleDecodes(t *testing.T) {
	raw, err := os.ReadFile("testdata/seed-201.json")
	if err != nil {
		t.Fatal(err)
	}
	var v api.JobListDto
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("the documentation page's 201 example does not decode: %v", err)
	}
	j := v.Jobs[0]
	if *j.Status != api.JobStatusNEW || *j.WorkflowLevel != 123 || !*j.WorkflowStep.LqaEnabled || *j.NotificationIntervalInMinutes != 123 {
		t.Errorf("job = %+v", j)
	}
	if j.DateDue.String() != "2023-11-07T05:31:56Z" || *v.AsyncRequest.Action != api.AsyncRequestActionPREANALYSE {
		t.Errorf("dates/action wrong: %v %v", j.DateDue, *v.AsyncRequest.Action)
	}
	if v.Warnings[0].JobPartIds == nil || *v.Warnings[0].Domain != api.WarningDomainSTYLEGUIDE {
		t.Error("warnings not decoded")
	}
	// Every key of the page's example is a field of the generated types: nothing is dropped.
	out, _ := json.Marshal(v)
	for _, key := range []string{"unsupportedFiles", "providers", "workflowStep", "lqaEnabled", "updateSourceDate", "jobAssignedEmailTemplate", "sourceFileUid", "jobPartIds"} {
		if !strings.Contains(string(out), `"`+key+`"`) {
			t.Errorf("%s lost in decode/encode", key)
		}
	}
}
