package bench

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// BenchmarkInterleaved makes the calls of b (the generated client), c (wrapper, validation on)
// and d (wrapper.WithoutValidation) in turns, call by call, rotating which goes first, and
// reports the ratios of their median call times (c/b, d/b). On a shared machine a busy
// moment then hits the three alike, where BenchmarkCall's separate runs can land one variant
// in a quiet minute and another in a busy one. ns/op is the time of one turn (three calls).
func BenchmarkInterleaved(b *testing.B) {
	body := requestBody()
	ctx := context.Background()
	params := &api.CreateJobFromAsyncDownloadTaskParams{DownloadTaskId: ptr(taskID)}
	withTargets(b, func(b *testing.B, t target) {
		gen, err := api.NewClientWithResponses(t.root, api.WithHTTPClient(t.hc),
			api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
				r.Header.Set("Authorization", "ApiToken "+token)
				return nil
			}))
		if err != nil {
			b.Fatal(err)
		}
		wrap := func(opts ...wrapper.Option) *wrapper.Client {
			c, err := wrapper.New(append([]wrapper.Option{wrapper.WithBaseURL(t.root), wrapper.WithHTTPClient(t.hc), wrapper.WithAPIToken(token)}, opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			return c
		}
		wc, wd := wrap(), wrap(wrapper.WithoutValidation())
		calls := [3]func(){
			func() {
				res, err := gen.CreateJobFromAsyncDownloadTaskWithResponse(ctx, projectUID, params, body)
				if err != nil || res.JSON201 == nil {
					b.Fatalf("generated: %v", err)
				}
			},
			func() {
				if _, err := wc.CreateJobs(ctx, projectUID, taskID, body); err != nil {
					b.Fatalf("wrapper: %v", err)
				}
			},
			func() {
				if _, err := wd.CreateJobs(ctx, projectUID, taskID, body); err != nil {
					b.Fatalf("wrapper without validation: %v", err)
				}
			},
		}
		var durs [3][]time.Duration
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			for j := range 3 {
				k := (i + j) % 3
				start := time.Now()
				calls[k]()
				durs[k] = append(durs[k], time.Since(start))
			}
		}
		mb := float64(medianDuration(durs[0]))
		if mb > 0 {
			b.ReportMetric(float64(medianDuration(durs[1]))/mb, "c/b")
			b.ReportMetric(float64(medianDuration(durs[2]))/mb, "d/b")
		}
	})
}

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
