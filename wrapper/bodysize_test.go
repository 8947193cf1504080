package wrapper

import (
	"net/http"
	"runtime"
	"testing"
)

// allocated returns the bytes allocated while f ran (the whole process; the test runs alone).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAnswerCapBoundsMemory: the 32 MiB cap bounds what reading an answer allocates, not only
// what it keeps (bytes.Buffer's growth allocated 96–128 MiB for an over-long answer).
func TestAnswerCapBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates tens of MiB")
	}
	req, _ := http.NewRequest("GET", "https://h/web/api2/v1/async/1", nil)
	const mib = 1 << 20
	for _, tc := range []struct {
		name          string
		size          int
		contentLength int64
		wantErr       bool
		maxAlloc      uint64
	}{
		{"over-long, no Content-Length", maxSuccessBody + 10*mib, -1, true, maxSuccessBody + 2*mib},
		{"over-long, with Content-Length", maxSuccessBody + 10*mib, maxSuccessBody + 10*mib, true, 64 << 10},
		{"20 MiB with Content-Length", 20 * mib, 20 * mib, false, 20*mib + 64<<10},
		{"20 MiB, no Content-Length", 20 * mib, -1, false, 2*20*mib + 2*mib},
		{"exactly the cap, no Content-Length", maxSuccessBody, -1, false, 2*maxSuccessBody + 2*mib},
	} {
		var err error
		var kept int
		got := allocated(func() {
			resp := &http.Response{StatusCode: 200, Status: "200 OK", Body: &countingReader{left: tc.size}, ContentLength: tc.contentLength, Request: req}
			err = bufferBody(resp)
			if err == nil {
				kept = len(resp.Body.(*memBody).data)
			}
		})
		if (err != nil) != tc.wantErr || (err == nil && kept != tc.size) {
			t.Errorf("%s: err = %v, kept %d of %d", tc.name, err, kept, tc.size)
		}
		if got > tc.maxAlloc {
			t.Errorf("%s: allocated %.1f MiB, want at most %.1f MiB", tc.name, float64(got)/mib, float64(tc.maxAlloc)/mib)
		}
		t.Logf("%s: allocated %.1f MiB", tc.name, float64(got)/mib)
	}
}

// BenchmarkReadOverLongAnswer reports the bytes allocated to read and refuse an answer longer
// than the cap, sent without Content-Length.
func BenchmarkReadOverLongAnswer(b *testing.B) {
	req, _ := http.NewRequest("GET", "https://h/web/api2/v1/async/1", nil)
	b.ReportAllocs()
	for b.Loop() {
		resp := &http.Response{StatusCode: 200, Status: "200 OK", Body: &countingReader{left: maxSuccessBody + 1<<20}, ContentLength: -1, Request: req}
		if bufferBody(resp) == nil {
			b.Fatal("no error")
		}
	}
}
