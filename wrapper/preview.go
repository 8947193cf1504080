package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/seed-a960d6a4/connectortask/api"
)

// RequestPreview is the request CreateJobsFromDownloadTask would send, with secrets redacted.
type RequestPreview struct {
	Method string
	URL    string
	Header http.Header     // Authorization redacted, e.g. "ApiToken [REDACTED]"
	Body   json.RawMessage // exact body that would be sent (connectorToken redacted)
}

// PreviewCreate validates and prepares a request exactly as CreateJobsFromDownloadTask would,
// and sends nothing.
func (c *Client) PreviewCreate(ctx context.Context, projectUID string, params *api.CreateJobFromAsyncDownloadTaskParams, body api.JobCreateRequestDto) (*RequestPreview, error) {
	return nil, errors.New("not implemented yet")
}
