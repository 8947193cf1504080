package phrasetest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// MaxListPageSize is the largest pageSize GET /api2/v2/projects/{projectUid}/jobs accepts;
// Phrase's list calls commonly cap it at 50, and the fake holds clients to that.
const MaxListPageSize = 50

// jobMeta is what the fake knows of a job beyond its JobPartReference: the project it is in,
// the innerId shared by the jobs of one create, and the asynchronous request importing it.
type jobMeta struct {
	project string
	innerID string
	asyncID string
}

// ListPartsV2 implements GET /api2/v2/projects/{projectUid}/jobs: the jobs of a project, in the
// order they were created, filtered by status (any of several), targetLang, filename,
// workflowLevel (1 unless given; every job of the fake is at level 1), assignedUser,
// assignedVendor, dueInHours and notReady, one zero-based page of pageSize (default 50, at most
// [MaxListPageSize]) at a time; with count=true only the counts. A job is listed from the moment
// its create's 201 would have been sent, also when WithLostResponse or WithRandomFaults lost
// that answer.
func (f *fake) ListPartsV2(w http.ResponseWriter, r *http.Request, projectUID api.ProjectUid, params api.ListPartsV2Params) {
	f.locked(w, func(w http.ResponseWriter) { f.listJobs(w, r, projectUID, params) })
}

func (f *fake) listJobs(w http.ResponseWriter, r *http.Request, projectUID string, params api.ListPartsV2Params) {
	if !f.authenticate(w, r) {
		return
	}
	if _, ok := f.projects[projectUID]; !ok {
		f.writeError(w, http.StatusNotFound, CodeProjectNotFound, "Project "+projectUID+" not found.")
		return
	}
	page, size := int32(0), int32(50)
	if params.PageNumber != nil {
		page = *params.PageNumber
	}
	if params.PageSize != nil {
		size = *params.PageSize
	}
	if page < 0 {
		f.writeError(w, http.StatusBadRequest, CodeInvalidParameter, "pageNumber must be 0 or more (pages are zero-based).")
		return
	}
	if size < 1 || size > MaxListPageSize {
		f.writeError(w, http.StatusBadRequest, CodeInvalidParameter, "pageSize must be 1 to "+strconv.Itoa(MaxListPageSize)+".")
		return
	}
	level := int32(1)
	if params.WorkflowLevel != nil {
		level = *params.WorkflowLevel
	}
	now := f.cfg.clock()
	var match []api.JobPartReferenceV2
	for i, j := range f.jobs {
		m := f.meta[i]
		if m.project != projectUID || level != 1 {
			continue
		}
		v2 := f.listed(j, m)
		if keep(v2, j, params, now) {
			match = append(match, v2)
		}
	}
	total := int32(len(match))
	out := api.PageDtoJobPartReferenceV2{
		TotalElements: ptr(total),
		TotalPages:    ptr((total + size - 1) / size),
		PageSize:      ptr(size),
		PageNumber:    ptr(page),
	}
	if params.Count != nil && *params.Count {
		out.NumberOfElements = ptr[int32](0)
		f.writeJSON(w, http.StatusOK, out, nil)
		return
	}
	content := []api.JobPartReferenceV2{}
	if from := int64(page) * int64(size); from < int64(total) {
		content = match[from:min(from+int64(size), int64(total))]
	}
	out.NumberOfElements = ptr(int32(len(content)))
	out.Content = content
	f.writeJSON(w, http.StatusOK, out, nil)
}

// listed is how the list shows a job: imported once its asynchronous request has finished.
func (f *fake) listed(j api.JobPartReference, m jobMeta) api.JobPartReferenceV2 {
	imported := false
	status := api.ImportStatusRUNNING
	if a := f.asyncs[m.asyncID]; a != nil && a.finished != nil {
		imported, status = true, api.ImportStatusOK
		if f.cfg.asyncFailCode != "" || f.cfg.asyncFailDesc != "" {
			imported, status = false, api.ImportStatusERROR
		}
	}
	var step *api.ProjectWorkflowStepReference
	if j.WorkflowStep != nil {
		step = &api.ProjectWorkflowStepReference{Name: j.WorkflowStep.Name, Id: j.WorkflowStep.Id, Order: j.WorkflowStep.Order, WorkflowLevel: j.WorkflowLevel}
	}
	user := f.demoUser()
	return api.JobPartReferenceV2{
		Uid:           j.Uid,
		InnerId:       ptr(m.innerID),
		Status:        j.Status,
		Providers:     j.Providers,
		TargetLang:    j.TargetLang,
		WorkflowStep:  step,
		Filename:      j.Filename,
		DateDue:       j.DateDue,
		DateCreated:   j.DateCreated,
		ImportStatus:  &api.ImportStatusDtoV2{Status: ptr(status)},
		Continuous:    j.Continuous,
		SourceFileUid: j.SourceFileUid,
		Split:         ptr(false),
		Owner:         &user,
		Imported:      ptr(imported),
	}
}

// keep applies the list's filters to one job.
func keep(v2 api.JobPartReferenceV2, j api.JobPartReference, p api.ListPartsV2Params, now time.Time) bool {
	if p.Status != nil && len(*p.Status) > 0 && (v2.Status == nil || !slices.Contains(*p.Status, string(*v2.Status))) {
		return false
	}
	if p.TargetLang != nil && *p.TargetLang != "" && (v2.TargetLang == nil || !strings.EqualFold(*v2.TargetLang, *p.TargetLang)) {
		return false
	}
	if p.Filename != nil && *p.Filename != "" && (v2.Filename == nil || *v2.Filename != *p.Filename) {
		return false
	}
	if p.NotReady != nil && *p.NotReady && v2.Imported != nil && *v2.Imported {
		return false
	}
	if p.DueInHours != nil && (v2.DateDue == nil || v2.DateDue.After(now.Add(time.Duration(*p.DueInHours)*time.Hour))) {
		return false
	}
	if p.AssignedUser != nil && !assigned(j, api.ProviderTypeUSER, *p.AssignedUser) {
		return false
	}
	if p.AssignedVendor != nil && !assigned(j, api.ProviderTypeVENDOR, *p.AssignedVendor) {
		return false
	}
	return true
}

// assigned reports whether a provider of that type and numeric id is assigned to j.
func assigned(j api.JobPartReference, typ api.ProviderType, id int64) bool {
	for _, p := range j.Providers {
		if p.Type == typ && p.Id != nil && *p.Id == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}
