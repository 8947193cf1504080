package phrasetest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// create sends one job-creating POST for langs from the remote file name and returns its status.
func create(t *testing.T, c *api.ClientWithResponses, project, file string, langs ...string) int {
	t.Helper()
	res, err := c.CreateJobFromAsyncDownloadTaskWithResponse(context.Background(), project, nil, api.JobCreateRequestDto{
		TargetLangs: langs,
		RemoteFile:  &api.JobCreateRemoteFileDto{ConnectorToken: "ct", RemoteFileName: file},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode()
}

func list(t *testing.T, c *api.ClientWithResponses, project string, p api.ListPartsV2Params) *api.PageDtoJobPartReferenceV2 {
	t.Helper()
	res, err := c.ListPartsV2WithResponse(context.Background(), project, &p)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("list: %d %s", res.StatusCode(), res.Body)
	}
	return res.JSON200
}

func TestListJobsPagesFiltersAndCounts(t *testing.T) {
	srv := newServer(t)
	c := tokenClient(t, srv)
	for i, f := range []string{"a.docx", "b.docx", "c.docx"} {
		if st := create(t, c, srv.ProjectUID, f, "de", "fr"); st != http.StatusCreated {
			t.Fatalf("create %d: %d", i, st)
		}
	}
	all := list(t, c, srv.ProjectUID, api.ListPartsV2Params{})
	if *all.TotalElements != 6 || *all.PageSize != 50 || *all.PageNumber != 0 || len(all.Content) != 6 {
		t.Fatalf("default page: %+v", all)
	}
	// One create: one file, one innerId, one sourceFileUid, one dateCreated.
	first := all.Content[:2]
	if *first[0].InnerId != *first[1].InnerId || *first[0].SourceFileUid != *first[1].SourceFileUid ||
		*first[0].Filename != "a.docx" || !first[0].DateCreated.Equal(first[1].DateCreated.Time) {
		t.Errorf("jobs of one create disagree: %+v", first)
	}
	if *all.Content[2].InnerId == *first[0].InnerId {
		t.Error("two creates share an innerId")
	}

	size, page := int32(4), int32(1)
	p1 := list(t, c, srv.ProjectUID, api.ListPartsV2Params{PageSize: &size, PageNumber: &page})
	if *p1.TotalPages != 2 || *p1.NumberOfElements != 2 || *p1.Content[0].Filename != "c.docx" {
		t.Errorf("page 1 of 4: %+v", p1)
	}
	page = 5
	if p := list(t, c, srv.ProjectUID, api.ListPartsV2Params{PageSize: &size, PageNumber: &page}); len(p.Content) != 0 {
		t.Errorf("a page past the end has %d jobs", len(p.Content))
	}

	fr := list(t, c, srv.ProjectUID, api.ListPartsV2Params{TargetLang: ptr("fr"), Filename: ptr("b.docx")})
	if *fr.TotalElements != 1 || *fr.Content[0].TargetLang != "fr" {
		t.Errorf("filtered: %+v", fr)
	}
	none := list(t, c, srv.ProjectUID, api.ListPartsV2Params{Status: &[]string{"COMPLETED", "ACCEPTED"}})
	if *none.TotalElements != 0 {
		t.Errorf("status filter kept %d", *none.TotalElements)
	}
	news := list(t, c, srv.ProjectUID, api.ListPartsV2Params{Status: &[]string{"COMPLETED", "NEW"}})
	if *news.TotalElements != 6 {
		t.Errorf("status NEW|COMPLETED kept %d", *news.TotalElements)
	}
	counted := list(t, c, srv.ProjectUID, api.ListPartsV2Params{Count: ptr(true), TargetLang: ptr("de")})
	if *counted.TotalElements != 3 || counted.Content != nil {
		t.Errorf("count=true: %+v", counted)
	}
	level := int32(2)
	if p := list(t, c, srv.ProjectUID, api.ListPartsV2Params{WorkflowLevel: &level}); *p.TotalElements != 0 {
		t.Errorf("workflowLevel 2 kept %d", *p.TotalElements)
	}
}

func TestListJobsRefusesBadPagesAndUnknownProjects(t *testing.T) {
	srv := newServer(t)
	c := tokenClient(t, srv)
	big, neg := int32(phrasetest.MaxListPageSize+1), int32(-1)
	for name, p := range map[string]api.ListPartsV2Params{"pageSize": {PageSize: &big}, "pageNumber": {PageNumber: &neg}} {
		res, err := c.ListPartsV2WithResponse(context.Background(), srv.ProjectUID, &p)
		if err != nil || res.StatusCode() != http.StatusBadRequest || !strings.Contains(string(res.Body), name) {
			t.Errorf("%s: %v %d %s", name, err, res.StatusCode(), res.Body)
		}
	}
	res, err := c.ListPartsV2WithResponse(context.Background(), "nope", nil)
	if err != nil || res.StatusCode() != http.StatusNotFound {
		t.Errorf("unknown project: %v %d", err, res.StatusCode())
	}
	anon := newClient(t, srv)
	if res, err := anon.ListPartsV2WithResponse(context.Background(), srv.ProjectUID, nil); err != nil || res.StatusCode() != http.StatusUnauthorized {
		t.Errorf("no token: %v %d", err, res.StatusCode())
	}
}

// A lost answer still lists its jobs; a request lost before acting lists none. Both answer the
// same 502 page.
func TestListJobsShowsLostAnswersAndNotLostRequests(t *testing.T) {
	srv := newServer(t, phrasetest.WithLostRequest(1), phrasetest.WithLostResponse(1))
	c := tokenClient(t, srv)
	if st := create(t, c, srv.ProjectUID, "before.docx", "de"); st != http.StatusBadGateway {
		t.Fatalf("lost request: %d", st)
	}
	if st := create(t, c, srv.ProjectUID, "after.docx", "de", "ja"); st != http.StatusBadGateway {
		t.Fatalf("lost answer: %d", st)
	}
	if st := create(t, c, srv.ProjectUID, "ok.docx", "fr"); st != http.StatusCreated {
		t.Fatalf("third: %d", st)
	}
	got := list(t, c, srv.ProjectUID, api.ListPartsV2Params{})
	var files []string
	for _, j := range got.Content {
		files = append(files, *j.Filename+"/"+*j.TargetLang)
	}
	if strings.Join(files, " ") != "after.docx/de after.docx/ja ok.docx/fr" {
		t.Errorf("listed %v", files)
	}
	if b, a := srv.Faults(); b != 1 || a != 0 {
		t.Errorf("Faults() = %d, %d", b, a)
	}
}

// Random faults are repeatable by seed, split between the two kinds, and can be switched off.
func TestRandomFaults(t *testing.T) {
	run := func() (int, int, int) {
		srv := newServer(t, phrasetest.WithRandomFaults(0.5, 7))
		c := tokenClient(t, srv)
		for i := range 40 {
			create(t, c, srv.ProjectUID, "f"+string(rune('a'+i%26)), "de")
		}
		srv.SetFaultRate(0)
		for range 10 {
			if st := create(t, c, srv.ProjectUID, "clean", "de"); st != http.StatusCreated {
				t.Fatalf("after SetFaultRate(0): %d", st)
			}
		}
		b, a := srv.Faults()
		return b, a, len(srv.Jobs())
	}
	b1, a1, j1 := run()
	b2, a2, j2 := run()
	if b1 != b2 || a1 != a2 || j1 != j2 {
		t.Errorf("same seed, different faults: %d/%d/%d vs %d/%d/%d", b1, a1, j1, b2, a2, j2)
	}
	if b1 == 0 || a1 == 0 || j1 != 50-b1 {
		t.Errorf("lost before %d, after %d, jobs %d", b1, a1, j1)
	}
}
