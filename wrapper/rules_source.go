package wrapper

import (
	"strings"

	"github.com/seed-a960d6a4/connectortask/api"
)

// sourceProblem applies the rule that a job-creating request names its file: a download task
// id, or body.RemoteFile. ok is false, with the Problem, when it names neither.
//
// The rule is ours, inferred rather than documented by Phrase: downloadTaskId is an optional
// query parameter and remoteFile an optional field, but a job is a file translated into a
// language, and without either there is no file.
func sourceProblem(downloadTaskID string, body *api.JobCreateRequestDto) (p Problem, ok bool) {
	if strings.TrimSpace(downloadTaskID) != "" || body.RemoteFile != nil {
		return Problem{}, true
	}
	return Problem{
		Path:    "downloadTaskId",
		Message: "the request names no file: neither a download task id nor remoteFile",
		Fix:     "pass the id of the connector's download task, or set remoteFile",
	}, false
}
