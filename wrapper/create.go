package wrapper

import "github.com/seed-a960d6a4/connectortask/api"

// CreateJobsResult is Phrase's answer to a job-creating request that succeeded (201 Created).
//
// The embedded api.JobListDto holds the decoded answer: Jobs (one per target language and
// workflow step), UnsupportedFiles and Warnings are plain slices, nil when Phrase sent none, so
// they can be ranged over without a nil check. Fields within a job are pointers, as Phrase
// guarantees none of them; read them with a nil check or the generated types' zero values.
type CreateJobsResult struct {
	api.JobListDto
	// Response is the 201 itself: status, request id, headers, and the body as Phrase sent it.
	Response Response
}

// AsyncRequestID returns the id of the asynchronous request that imports the jobs, to pass to
// WaitAsyncRequest or AsyncRequest; "" when Phrase named none (WaitAsyncRequest then refuses the
// empty id: there is nothing to wait for).
func (r *CreateJobsResult) AsyncRequestID() string {
	if r == nil || r.AsyncRequest == nil || r.AsyncRequest.Id == nil {
		return ""
	}
	return *r.AsyncRequest.Id
}

// JobUIDs returns the uids of the created jobs, in Phrase's order, leaving out jobs without one.
func (r *CreateJobsResult) JobUIDs() []string {
	if r == nil {
		return nil
	}
	uids := make([]string, 0, len(r.Jobs))
	for _, j := range r.Jobs {
		if j.Uid != nil && *j.Uid != "" {
			uids = append(uids, *j.Uid)
		}
	}
	return uids
}

// CreateOption configures one CreateJobs call (or a BatchTask).
type CreateOption func(*createSettings)

type createSettings struct {
	continuous *bool
}

// Continuous sets the continuous query parameter of the request: true creates continuous jobs,
// which Phrase updates when the connector's file changes. Phrase's default is false.
func Continuous(on bool) CreateOption {
	return func(s *createSettings) { s.continuous = &on }
}

// createParams builds the query parameters of the generated client.
func createParams(downloadTaskID string, opts []CreateOption) *api.CreateJobFromAsyncDownloadTaskParams {
	var s createSettings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	p := &api.CreateJobFromAsyncDownloadTaskParams{Continuous: s.continuous}
	if downloadTaskID != "" {
		p.DownloadTaskId = &downloadTaskID
	}
	return p
}
