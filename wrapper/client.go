package wrapper

import (
	"context"
	"errors"

	"github.com/seed-a960d6a4/connectortask/api"
)

// Client calls Phrase TMS. Create it with New; it is safe for concurrent use.
type Client struct {
	s       settings
	baseURL string
	api     *api.ClientWithResponses
}

// New returns a Client configured by opts.
func New(opts ...Option) (*Client, error) {
	s := settings{region: RegionEU}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	c := &Client{s: s, baseURL: s.region.BaseURL()}
	if s.baseURL != "" {
		c.baseURL = s.baseURL
	}
	var err error
	c.api, err = api.NewClientWithResponses(c.baseURL)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// BaseURL returns the API root including /web.
func (c *Client) BaseURL() string { return c.baseURL }

// API returns the decorated generated client.
func (c *Client) API() *api.ClientWithResponses { return c.api }

// CreateJobsFromDownloadTask creates jobs.
func (c *Client) CreateJobsFromDownloadTask(ctx context.Context, projectUID string, params *api.CreateJobFromAsyncDownloadTaskParams, body api.JobCreateRequestDto) (*api.JobListDto, error) {
	return nil, errors.New("not implemented yet")
}

// Login logs in.
func (c *Client) Login(ctx context.Context) (*api.LoginResponseDto, error) {
	return nil, errors.New("not implemented yet")
}

// AsyncRequest reads an asynchronous request.
func (c *Client) AsyncRequest(ctx context.Context, id string) (*api.AsyncRequestDto, error) {
	return nil, errors.New("not implemented yet")
}
