package phrasetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/seed-a960d6a4/connectortask/internal/apiserver"
)

// Paths of the API, under BasePath.
const (
	loginPath = "/api2/v1/auth/login"
	jobsPath  = "/api2/v1/projects/{projectUid}/jobs/connectorTask"
	asyncPath = "/api2/v1/async/{asyncRequestId}"
	listPath  = "/api2/v2/projects/{projectUid}/jobs"
)

// routes builds the handler: record, bound the body, wait (WithLatency), refuse
// (WithRequestRateLimit), fail (WithUnavailable), then route through the handler generated
// from the spec. Paths and methods the spec does not have answer 404 and 405 with Phrase's
// error body.
func (f *fake) routes() http.Handler {
	mux := http.NewServeMux()
	apiserver.HandlerWithOptions(f, apiserver.StdHTTPServerOptions{
		BaseURL:    BasePath,
		BaseRouter: mux,
		ErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, err error) {
			f.writeError(w, http.StatusBadRequest, CodeInvalidParameter, err.Error())
		},
	})
	// Patterns without a method are less specific than the generated ones, so they catch only
	// the methods the spec does not have.
	for path, allow := range map[string]string{loginPath: "POST", jobsPath: "POST", asyncPath: "GET, HEAD", listPath: "GET, HEAD"} {
		mux.HandleFunc(BasePath+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			f.writeError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				"Request method '"+r.Method+"' is not supported.")
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.writeError(w, http.StatusNotFound, CodeNotFound, "No endpoint "+r.Method+" "+r.URL.Path+".")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Phrase's Date header comes from the clock its dateCreated does (WithClock here):
		// clients may measure the offset between the clocks from it.
		w.Header().Set("Date", f.cfg.clock().UTC().Format(http.TimeFormat))
		body, tooLarge, err := f.readBody(r)
		if err != nil && !tooLarge {
			return // the connection failed while reading; nobody is there to answer
		}
		rec := f.record(r, body)
		sw := &statusWriter{ResponseWriter: w, f: f, rec: rec}
		if tooLarge {
			f.writeError(sw, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
				"The request body is larger than the server accepts.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !f.wait(r) {
			return
		}
		if f.rateLimit(sw) {
			return
		}
		if f.unavailable(sw, r) {
			return
		}
		mux.ServeHTTP(sw, r)
	})
}

// readBody reads the whole body, up to WithMaxBodyBytes. tooLarge reports a larger body.
func (f *fake) readBody(r *http.Request) (body []byte, tooLarge bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, false, nil
	}
	defer r.Body.Close()
	if r.ContentLength > f.cfg.maxBodyBytes {
		return nil, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, f.cfg.maxBodyBytes+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > f.cfg.maxBodyBytes {
		return nil, true, nil
	}
	return body, false, nil
}

// wait sleeps WithLatency; it returns false when the Server closed or the request was
// cancelled meanwhile.
func (f *fake) wait(r *http.Request) bool {
	if f.cfg.latency <= 0 {
		return true
	}
	t := time.NewTimer(f.cfg.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-f.done:
		return false
	case <-r.Context().Done():
		return false
	}
}

// unavailable answers 503 to the first WithUnavailable requests other than login.
func (f *fake) unavailable(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodPost && r.URL.Path == BasePath+loginPath {
		return false
	}
	f.mu.Lock()
	hit := f.unavailableLeft > 0
	if hit {
		f.unavailableLeft--
	}
	f.mu.Unlock()
	if !hit {
		return false
	}
	if f.cfg.unavailableRetry != "" {
		w.Header().Set("Retry-After", f.cfg.unavailableRetry)
	}
	f.writeError(w, http.StatusServiceUnavailable, CodeServiceUnavailable,
		"The service is temporarily unavailable. Try again later.")
	return true
}

// isJSON reports whether the request's Content-Type is application/json (parameters allowed).
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func (f *fake) writeUnsupportedMediaType(w http.ResponseWriter, r *http.Request) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		ct = "(none)"
	}
	f.writeError(w, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
		"Content type '"+ct+"' is not supported; send application/json.")
}

// decodeBody reads the JSON body into v; on failure it answers 400 InvalidRequestBody.
func (f *fake) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("unexpected data after the JSON value")
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the body is empty")
		}
		f.writeError(w, http.StatusBadRequest, CodeInvalidRequestBody, "The request body could not be read: "+err.Error())
		return false
	}
	return true
}
