package phrasetest

import (
	"net/http"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// SegmentsPerJob is the acceptedSegmentsCount a finished asynchronous request reports per job.
const SegmentsPerJob = 42

// asyncRequest is an asynchronous request that creating jobs started.
type asyncRequest struct {
	id       string
	action   api.AsyncRequestAction
	created  time.Time
	project  project
	user     api.UserReference
	jobs     int
	polls    int        // GETs so far
	finished *time.Time // when it finished; nil while pending
}

// GetAsyncRequest implements GET /api2/v1/async/{asyncRequestId}. Each GET counts as a poll:
// asyncResponse is null for the first WithAsyncPendingPolls polls (forever with
// WithAsyncNeverFinishes), then the request has finished, successfully or with
// WithAsyncFailure's error.
func (f *fake) GetAsyncRequest(w http.ResponseWriter, r *http.Request, asyncRequestID string) {
	f.locked(w, func(w http.ResponseWriter) { f.getAsync(w, r, asyncRequestID) })
}

func (f *fake) getAsync(w http.ResponseWriter, r *http.Request, id string) {
	if !f.authenticate(w, r) {
		return
	}
	a, ok := f.asyncs[id]
	if !ok {
		f.writeError(w, http.StatusNotFound, CodeAsyncRequestNotFound, "Asynchronous request "+id+" not found.")
		return
	}
	a.polls++
	if a.finished == nil && !f.cfg.asyncNeverFinishes && a.polls > f.cfg.asyncPendingPolls {
		now := f.cfg.clock().UTC().Truncate(time.Second)
		a.finished = &now
	}
	dto := api.AsyncRequestDto{
		Id:          ptr(a.id),
		CreatedBy:   ptr(a.user),
		DateCreated: api.NewDateTimePtr(a.created),
		Action:      ptr(a.action),
		Project:     &api.ProjectReference{Name: ptr(a.project.name), Uid: ptr(a.project.uid)},
	}
	// Phrase writes both as explicit nulls; the generated type would leave them out.
	set := map[string]any{"parent": nil}
	if a.finished == nil {
		set["asyncResponse"] = nil
	} else {
		resp := &api.AsyncResponseDto{
			DateCreated:           api.NewDateTimePtr(*a.finished),
			AcceptedSegmentsCount: ptr(int32(SegmentsPerJob * a.jobs)),
			ErrorDetails:          []api.ErrorDetailDto{},
			Warnings:              []api.ErrorDetailDto{},
		}
		if f.cfg.asyncFailCode != "" || f.cfg.asyncFailDesc != "" {
			resp.ErrorCode = ptr(f.cfg.asyncFailCode)
			resp.ErrorDesc = ptr(f.cfg.asyncFailDesc)
			resp.AcceptedSegmentsCount = ptr[int32](0)
			resp.ErrorDetails = []api.ErrorDetailDto{{
				Code:    ptr(f.cfg.asyncFailCode),
				Message: ptr(f.cfg.asyncFailDesc),
				Args:    &map[string]any{},
			}}
		}
		dto.AsyncResponse = resp
	}
	f.writeJSON(w, http.StatusOK, dto, set)
}
