package phrasetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// DefaultDueAfter is how long after their creation jobs are due when the request gives no due
// date (neither due nor a workflow step's due).
const DefaultDueAfter = 7 * 24 * time.Hour

// The one workflow step every project of the fake has; jobs are created at it.
var translationStep = api.WorkflowStepReference{
	Name:       ptr("Translation"),
	Id:         ptr("7"),
	Uid:        ptr("Ws9dF3gH5jK7lZ2x"),
	Order:      ptr[int32](1),
	LqaEnabled: ptr(false),
}

// Jobs returns every job the Server created, in the order it created them, as it answered them
// (jobs of WithLostResponse requests included, though their answer was lost).
func (s *Server) Jobs() []api.JobPartReference {
	s.f.mu.Lock()
	raw, err := json.Marshal(s.f.jobs)
	s.f.mu.Unlock()
	var out []api.JobPartReference
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		panic("phrasetest: copying jobs: " + err.Error()) // only a bug of the fake gets here
	}
	if out == nil {
		out = []api.JobPartReference{}
	}
	return out
}

// CreateJobFromAsyncDownloadTask implements POST /api2/v1/projects/{projectUid}/jobs/connectorTask.
//
// In order: authentication (401); WithRateLimited (429); Content-Type application/json (415); a
// JSON body (400); the project (404); the body's rules (400, see validateJobCreate). Then it
// creates one job per target language and an asynchronous request, and answers 201, or 502 for
// WithLostResponse. WithLostRequest and WithRandomFaults answer 502 before creating anything, or
// (WithRandomFaults) after creating the jobs.
func (f *fake) CreateJobFromAsyncDownloadTask(w http.ResponseWriter, r *http.Request, projectUID api.ProjectUid, params api.CreateJobFromAsyncDownloadTaskParams) {
	f.locked(w, func(w http.ResponseWriter) { f.createJobs(w, r, projectUID, params) })
}

func (f *fake) createJobs(w http.ResponseWriter, r *http.Request, projectUID string, params api.CreateJobFromAsyncDownloadTaskParams) {
	if !f.authenticate(w, r) {
		return
	}
	if f.rateLimitedLeft > 0 {
		f.rateLimitedLeft--
		if f.cfg.rateRetryAfter != "" {
			w.Header().Set("Retry-After", f.cfg.rateRetryAfter)
		}
		f.writeError(w, http.StatusTooManyRequests, CodeAPILimitReached,
			"Too many requests. The API limit was reached; try again later.")
		return
	}
	if !isJSON(r) {
		f.writeUnsupportedMediaType(w, r)
		return
	}
	var req api.JobCreateRequestDto
	if !f.decodeBody(w, r, &req) {
		return
	}
	p, ok := f.projects[projectUID]
	if !ok {
		f.writeError(w, http.StatusNotFound, CodeProjectNotFound, "Project "+projectUID+" not found.")
		return
	}
	if prob := validateJobCreate(&req, p); prob != nil {
		f.writeError(w, http.StatusBadRequest, prob.code, prob.desc, prob.details...)
		return
	}

	before, after := f.faults.draw()
	if before {
		// Lost on the way in: Phrase never saw it, nothing is created, and the client gets
		// the same proxy page as for a lost answer.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(lostResponseHTML))
		return
	}
	list := f.newJobs(&req, p, params)
	if after || f.lostLeft > 0 {
		if !after {
			f.lostLeft--
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(lostResponseHTML))
		return
	}
	f.writeJSON(w, http.StatusCreated, list, nil)
}

// newJobs creates the jobs and the asynchronous request of a valid request.
func (f *fake) newJobs(req *api.JobCreateRequestDto, p project, params api.CreateJobFromAsyncDownloadTaskParams) api.JobListDto {
	now := f.cfg.clock().UTC().Truncate(time.Second)
	sourceFileUID := f.ids.next(idUID)
	asyncID := f.ids.next(idAsync)

	filename := "connector-file"
	switch {
	case req.RemoteFile != nil:
		filename = req.RemoteFile.RemoteFileName
	case params.DownloadTaskId != nil && *params.DownloadTaskId != "":
		filename = "download-" + *params.DownloadTaskId
	}
	due := now.Add(DefaultDueAfter)
	if req.Due != nil && !req.Due.IsZero() {
		due = req.Due.Time
	} else if req.WorkflowSettings != nil {
		for _, ws := range *req.WorkflowSettings {
			if ws.Due != nil && !ws.Due.IsZero() {
				due = ws.Due.Time
				break
			}
		}
	}
	interval := int32(0)
	switch {
	case req.NotifyProvider != nil && req.NotifyProvider.NotificationIntervalInMinutes != nil:
		interval = *req.NotifyProvider.NotificationIntervalInMinutes
	case req.WorkflowSettings != nil:
		for _, ws := range *req.WorkflowSettings {
			if ws.NotifyProvider != nil && ws.NotifyProvider.NotificationIntervalInMinutes != nil {
				interval = *ws.NotifyProvider.NotificationIntervalInMinutes
				break
			}
		}
	}
	continuous := params.Continuous != nil && *params.Continuous ||
		req.RemoteFile != nil && req.RemoteFile.Continuous != nil && *req.RemoteFile.Continuous
	status := api.JobStatusNEW
	action := api.AsyncRequestActionPREANALYSE
	if f.cfg.unknownEnums {
		status = api.JobStatus(UnknownJobStatus)
		action = api.AsyncRequestAction(UnknownAsyncAction)
	}

	f.innerSeq[p.uid]++
	meta := jobMeta{project: p.uid, innerID: strconv.Itoa(f.innerSeq[p.uid]), asyncID: asyncID}
	jobs := make([]api.JobPartReference, 0, len(req.TargetLangs))
	for _, lang := range req.TargetLangs {
		step := translationStep
		jobs = append(jobs, api.JobPartReference{
			Uid:                           ptr(f.ids.next(idUID)),
			Status:                        ptr(status),
			Providers:                     f.providersFor(req, lang),
			TargetLang:                    ptr(lang),
			WorkflowLevel:                 ptr[int32](1),
			WorkflowStep:                  &step,
			Filename:                      ptr(filename),
			DateDue:                       api.NewDateTimePtr(due),
			DateCreated:                   api.NewDateTimePtr(now),
			UpdateSourceDate:              api.NewDateTimePtr(now),
			Imported:                      ptr(false),
			JobAssignedEmailTemplate:      &api.ObjectReference{},
			NotificationIntervalInMinutes: ptr(interval),
			Continuous:                    ptr(continuous),
			SourceFileUid:                 ptr(sourceFileUID),
		})
	}
	f.jobs = append(f.jobs, jobs...)
	for range jobs {
		f.meta = append(f.meta, meta)
	}

	user := f.demoUser()
	f.asyncs[asyncID] = &asyncRequest{
		id: asyncID, action: action, created: now, project: p, user: user, jobs: len(jobs),
	}

	warnings := []api.JobCreateWarningDto{}
	if f.cfg.unknownEnums {
		warnings = append(warnings, api.JobCreateWarningDto{
			Domain:     ptr(api.WarningDomain(UnknownWarningDomain)),
			Message:    ptr("A warning from a part of Phrase this spec does not know."),
			JobPartIds: []string{*jobs[0].Uid},
		})
	}
	return api.JobListDto{
		UnsupportedFiles: []string{},
		Jobs:             jobs,
		AsyncRequest: &api.AsyncRequestReference{
			Id:          ptr(asyncID),
			DateCreated: api.NewDateTimePtr(now),
			Action:      ptr(action),
		},
		Warnings: warnings,
	}
}

// providersFor lists the providers the request assigns to lang's job, from assignments and
// every workflow step's assignments (an assignment without targetLang applies to every
// language). Missing ids and uids are filled in, as Phrase knows both.
func (f *fake) providersFor(req *api.JobCreateRequestDto, lang string) []api.ProviderReference {
	var all []api.ProvidersPerLanguage
	if req.Assignments != nil {
		all = append(all, *req.Assignments...)
	}
	if req.WorkflowSettings != nil {
		for _, ws := range *req.WorkflowSettings {
			all = append(all, ws.Assignments...)
		}
	}
	out := []api.ProviderReference{}
	for _, a := range all {
		if a.TargetLang != nil && *a.TargetLang != "" && *a.TargetLang != lang {
			continue
		}
		if a.Providers != nil {
			for _, p := range *a.Providers {
				if p.Id == nil || *p.Id == "" {
					p.Id = ptr(f.ids.next(idAsync))
				}
				if p.Uid == nil || *p.Uid == "" {
					p.Uid = ptr(f.ids.next(idUID))
				}
				out = append(out, p)
			}
		}
		if a.AssignedUsers != nil {
			for _, u := range *a.AssignedUsers {
				out = append(out, api.ProviderReference{
					Type: api.ProviderTypeUSER,
					Id:   ptr(formatInt(u.Id)),
					Uid:  ptr(f.ids.next(idUID)),
				})
			}
		}
	}
	if f.cfg.unknownEnums {
		out = append(out, api.ProviderReference{
			Type: api.ProviderType(UnknownProviderType),
			Id:   ptr("4242"),
			Uid:  ptr("Fp0rV1dEr2Ty3pE4"),
		})
	}
	return out
}
