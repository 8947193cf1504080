package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/seed-a960d6a4/connectortask/api"
)

// RequestPreview is the request CreateJobs would send, with secrets redacted:
// what `connectortask create --dry-run` prints.
type RequestPreview struct {
	Method string
	URL    string
	Header http.Header     // Authorization redacted, e.g. "ApiToken [REDACTED]"
	Body   json.RawMessage // exact body that would be sent (connectorToken redacted)
}

// PreviewCreateJobs validates the request and applies the defaults exactly as CreateJobs would,
// builds the request with the generated client's request builder, and sends nothing (it does
// not log in either): a dry run. It returns a *ValidationError for an invalid request. ctx is
// accepted for symmetry with CreateJobs.
func (c *Client) PreviewCreateJobs(ctx context.Context, projectUID, downloadTaskID string, body api.JobCreateRequestDto, opts ...CreateOption) (*RequestPreview, error) {
	_ = ctx
	prepared, _, err := c.prepareCreate(projectUID, downloadTaskID, body)
	if err != nil {
		return nil, err
	}
	shown := prepared
	if shown.RemoteFile != nil && shown.RemoteFile.ConnectorToken != "" {
		rf := *shown.RemoteFile
		rf.ConnectorToken = redacted
		shown.RemoteFile = &rf
	}
	req, err := api.NewCreateJobFromAsyncDownloadTaskRequest(c.baseURL+"/", projectUID, createParams(downloadTaskID, opts), shown)
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if h := c.auth.redactedHeader(); h != "" {
		req.Header.Set("Authorization", h)
	}
	return &RequestPreview{Method: req.Method, URL: redactURL(req.URL), Header: req.Header, Body: data}, nil
}
