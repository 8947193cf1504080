package chaos

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Faults are the probabilities, per job-creating POST, of what the fake does instead of simply
// answering. They add up to at most 1; the rest is answered normally.
type Faults struct {
	RateLimited float64       // 429 before anything is done (nothing created; the wrapper resends)
	Unavailable float64       // 503 before anything is done (nothing created; the wrapper resends)
	ResetBefore float64       // the connection closed before anything is done (nothing created, outcome unknown)
	Lost        float64       // the jobs are created, then a proxy's 502 (outcome unknown)
	ResetAfter  float64       // the jobs are created, then the connection closed without an answer (unknown)
	MaxLatency  time.Duration // every POST waits a random time up to this before it is handled
}

// DefaultFaults are the faults of a trial unless its scenario gives others.
func DefaultFaults() Faults {
	return Faults{RateLimited: 0.02, Unavailable: 0.02, ResetBefore: 0.02, Lost: 0.03, ResetAfter: 0.02, MaxLatency: 25 * time.Millisecond}
}

// faultHandler serves the fake through the faults. Faults apply only while on.
type faultHandler struct {
	inner  http.Handler
	faults Faults
	on     atomic.Bool
	posts  atomic.Int64 // job-creating POSTs received, faulted or not

	mu       sync.Mutex
	rng      *rand.Rand
	injected map[string]int
}

func newFaultHandler(inner http.Handler, f Faults, rng *rand.Rand) *faultHandler {
	h := &faultHandler{inner: inner, faults: f, rng: rng, injected: map[string]int{}}
	h.on.Store(true)
	return h
}

func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/jobs/connectorTask")
}

func (h *faultHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isCreate(r) {
		h.inner.ServeHTTP(w, r)
		return
	}
	h.posts.Add(1)
	if !h.on.Load() {
		h.inner.ServeHTTP(w, r)
		return
	}
	h.mu.Lock()
	draw := h.rng.Float64()
	var latency time.Duration
	if h.faults.MaxLatency > 0 {
		latency = time.Duration(h.rng.Int64N(int64(h.faults.MaxLatency)))
	}
	h.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	f := h.faults
	kind := ""
	switch {
	case draw < f.RateLimited:
		kind = "429"
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"errorCode":"ApiLimitReached","errorDescription":"chaos: too many requests"}`))
	case draw < f.RateLimited+f.Unavailable:
		kind = "503"
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"errorCode":"ServiceUnavailable","errorDescription":"chaos: maintenance"}`))
	case draw < f.RateLimited+f.Unavailable+f.ResetBefore:
		kind = "reset before"
		hangUp(w)
	case draw < f.RateLimited+f.Unavailable+f.ResetBefore+f.Lost:
		kind = "lost answer"
		h.inner.ServeHTTP(httptest.NewRecorder(), r)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	case draw < f.RateLimited+f.Unavailable+f.ResetBefore+f.Lost+f.ResetAfter:
		kind = "reset after"
		h.inner.ServeHTTP(httptest.NewRecorder(), r)
		hangUp(w)
	default:
		h.inner.ServeHTTP(w, r)
	}
	if kind != "" {
		h.mu.Lock()
		h.injected[kind]++
		h.mu.Unlock()
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
