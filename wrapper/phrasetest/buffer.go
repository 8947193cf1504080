package phrasetest

import (
	"bytes"
	"net/http"
)

// bufferedWriter holds an answer built while the fake's mutex is held, so that no client is
// written to (and no slow client blocks the others) under the lock.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// locked runs fn with the fake's mutex held, writing into a buffer, then sends the buffered
// answer to w.
func (f *fake) locked(w http.ResponseWriter, fn func(w http.ResponseWriter)) {
	b := &bufferedWriter{header: http.Header{}}
	f.mu.Lock()
	fn(b)
	f.mu.Unlock()
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
