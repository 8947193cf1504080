package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/seed-a960d6a4/connectortask/internal/capture"
)

// answers keeps Phrase's answers exactly as it sent them (internal/capture), so that
// the JSON output is Phrase's own: its date format, and fields the spec does not list yet. The
// typed results (which normalise both) still drive everything else: the table, the exit code.
type answers struct {
	mu      sync.Mutex
	created json.RawMessage // the 201 of the job-creating POST
	async   json.RawMessage // the latest 200 of GET /api2/v1/async/{id}
}

// captureAnswers returns ctx under which the client's answers to create and async calls are
// kept in a.answers.
func (a *app) captureAnswers(ctx context.Context) context.Context {
	return capture.With(ctx, func(method, path string, body []byte) {
		a.answers.mu.Lock()
		defer a.answers.mu.Unlock()
		switch {
		case method == http.MethodPost && strings.HasSuffix(path, "/jobs/connectorTask"):
			a.answers.created = body
		case method == http.MethodGet && strings.Contains(path, "/api2/v1/async/"):
			a.answers.async = body
		}
	})
}

// jobsJSON is the 201 body as Phrase sent it, with its asyncRequest replaced by the async
// request that was polled when r has one; nil when no answer was kept (then the typed r is
// printed).
func (a *app) jobsJSON(r jobsResult) json.RawMessage {
	a.answers.mu.Lock()
	created, async := a.answers.created, a.answers.async
	a.answers.mu.Unlock()
	obj := map[string]json.RawMessage{}
	if created == nil || json.Unmarshal(created, &obj) != nil {
		return nil
	}
	if r.async != nil {
		if async == nil || !json.Valid(async) {
			b, err := marshal(r.async)
			if err != nil {
				return nil
			}
			async = b
		}
		obj["asyncRequest"] = async
	}
	b, err := marshal(obj)
	if err != nil {
		return nil
	}
	return b
}

// asyncJSON is the latest async answer as Phrase sent it, or nil.
func (a *app) asyncJSON() json.RawMessage {
	a.answers.mu.Lock()
	defer a.answers.mu.Unlock()
	if a.answers.async == nil || !json.Valid(a.answers.async) {
		return nil
	}
	return a.answers.async
}
