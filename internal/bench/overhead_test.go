package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

const (
	token      = "bench-token"
	projectUID = "PRJbench"
	taskID     = "dl-1"
)

// answer201 is a realistic 201 body: two jobs, every field, Phrase's +0000 dates.
var answer201 = []byte(`{"unsupportedFiles":[],"jobs":[` +
	job("de") + `,` + job("fr") +
	`],"asyncRequest":{"id":"900123","dateCreated":"2026-11-28T17:03:12+0000","action":"PRE_ANALYSE"},"warnings":[]}`)

func job(lang string) string {
	return `{"uid":"Jb4rT8yU2iO6pA1s` + lang + `","status":"NEW","providers":[{"type":"VENDOR","id":"42","uid":"Vn3kRt8sQw1Lp0Zx"}],` +
		`"targetLang":"` + lang + `","workflowLevel":1,"workflowStep":{"name":"Translation","id":"7","uid":"Ws9dF3gH5jK7lZ2x","order":1,"lqaEnabled":false},` +
		`"filename":"winter-campaign.docx","dateDue":"2026-12-01T17:00:00+0000","dateCreated":"2026-11-28T17:03:12+0000",` +
		`"updateSourceDate":"2026-11-28T17:03:12+0000","imported":false,"jobAssignedEmailTemplate":{},` +
		`"notificationIntervalInMinutes":30,"continuous":false,"sourceFileUid":"Sf6hJ8kL0zX2cV4b"}`
}

func requestBody() api.JobCreateRequestDto {
	due := api.NewDateTime(time.Date(2099, 12, 1, 17, 0, 0, 0, time.UTC))
	path, cb := "marketing/2026/winter", "https://hooks.example.com/phrase/jobs"
	pre := true
	return api.JobCreateRequestDto{
		TargetLangs:  []string{"de", "fr"},
		Due:          &due,
		Path:         &path,
		CallbackUrl:  &cb,
		PreTranslate: &pre,
		Assignments: &[]api.ProvidersPerLanguage{{
			TargetLang: ptr("de"),
			Providers:  &[]api.ProviderReference{{Type: api.ProviderTypeVENDOR, Uid: ptr("Vn3kRt8sQw1Lp0Zx")}},
		}},
	}
}

func ptr[T any](v T) *T { return &v }

// memTransport answers every request with the canned 201 without a network: what remains is
// the client's own CPU and allocations.
type memTransport struct{}

func (memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusCreated,
		Status:        "201 Created",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(answer201)),
		ContentLength: int64(len(answer201)),
		Request:       r,
	}, nil
}

// target is where a benchmark sends its calls.
type target struct {
	root string
	hc   *http.Client
}

func withTargets(b *testing.B, run func(b *testing.B, t target)) {
	b.Run("mem", func(b *testing.B) {
		run(b, target{root: "http://127.0.0.1:9/web", hc: &http.Client{Transport: memTransport{}}})
	})
	b.Run("loopback", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			if r.Header.Get("Authorization") != "ApiToken "+token || !strings.HasSuffix(r.URL.Path, "/jobs/connectorTask") {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(answer201)
		}))
		defer srv.Close()
		run(b, target{root: srv.URL + "/web", hc: srv.Client()})
	})
}

// BenchmarkCall/a_nethttp: the floor, a hand-written call with net/http and encoding/json.
// b_generated: api.ClientWithResponses. c_wrapper_validate: wrapper with validation on (the
// default). d_wrapper_novalidate: wrapper.WithoutValidation.
func BenchmarkCall(b *testing.B) {
	body := requestBody()
	ctx := context.Background()
	b.Run("a_nethttp", func(b *testing.B) {
		withTargets(b, func(b *testing.B, t target) {
			url := t.root + "/api2/v1/projects/" + projectUID + "/jobs/connectorTask?downloadTaskId=" + taskID
			b.ReportAllocs()
			for b.Loop() {
				raw, err := json.Marshal(body)
				if err != nil {
					b.Fatal(err)
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "ApiToken "+token)
				res, err := t.hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var out api.JobListDto
				err = json.NewDecoder(res.Body).Decode(&out)
				_ = res.Body.Close()
				if err != nil || res.StatusCode != http.StatusCreated || len(out.Jobs) != 2 {
					b.Fatalf("status %d, err %v", res.StatusCode, err)
				}
			}
		})
	})
	b.Run("b_generated", func(b *testing.B) {
		withTargets(b, func(b *testing.B, t target) {
			c, err := api.NewClientWithResponses(t.root, api.WithHTTPClient(t.hc),
				api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
					r.Header.Set("Authorization", "ApiToken "+token)
					return nil
				}))
			if err != nil {
				b.Fatal(err)
			}
			params := &api.CreateJobFromAsyncDownloadTaskParams{DownloadTaskId: ptr(taskID)}
			b.ReportAllocs()
			for b.Loop() {
				res, err := c.CreateJobFromAsyncDownloadTaskWithResponse(ctx, projectUID, params, body)
				if err != nil || res.JSON201 == nil || len(res.JSON201.Jobs) != 2 {
					b.Fatalf("err %v", err)
				}
			}
		})
	})
	for _, v := range []struct {
		name string
		opts []wrapper.Option
	}{
		{"c_wrapper_validate", nil},
		{"d_wrapper_novalidate", []wrapper.Option{wrapper.WithoutValidation()}},
	} {
		b.Run(v.name, func(b *testing.B) {
			withTargets(b, func(b *testing.B, t target) {
				opts := append([]wrapper.Option{wrapper.WithBaseURL(t.root), wrapper.WithHTTPClient(t.hc), wrapper.WithAPIToken(token)}, v.opts...)
				c, err := wrapper.New(opts...)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					out, err := c.CreateJobs(ctx, projectUID, taskID, body)
					if err != nil || len(out.Jobs) != 2 {
						b.Fatalf("err %v", err)
					}
				}
			})
		})
	}
}

// BenchmarkValidateRequest is request validation alone (json.Marshal of the body, the schema
// of openapi.yaml as generated into wrapper, the semantic rules). Target: ≤ 8 µs and ≤ 40
// allocations per call.
func BenchmarkValidateRequest(b *testing.B) {
	body := requestBody()
	now := time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC)
	if err := wrapper.ValidateRequest(&body, now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := wrapper.ValidateRequest(&body, now); err != nil {
			b.Fatal(err)
		}
	}
}
