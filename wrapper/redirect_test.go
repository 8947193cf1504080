package wrapper

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRedirectsAreRefusedOnEveryCall(t *testing.T) {
	target := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	for _, code := range []int{301, 302, 303, 307, 308} {
		for _, own := range []bool{false, true} {
			origin := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
				http.Redirect(w, r, target.URL+"/web"+strings.TrimPrefix(r.URL.Path, "/web"), code)
			})
			opts := []Option{WithAPIToken("tok-secret")}
			var hc *http.Client
			if own {
				hc = &http.Client{} // follows redirects by default; the wrapper must not let it
				opts = append(opts, WithHTTPClient(hc))
			}
			c, _ := newTestClient(t, origin.base(), opts...)
			_, err := c.CreateJobs(context.Background(), "P", "DL1", validBody())
			// Any redirect may follow an action: an UnknownOutcomeError, whose cause (the
			// *RedirectError) is in Err, not behind Unwrap.
			var unknown *UnknownOutcomeError
			isUnknown := errors.As(err, &unknown)
			if !isUnknown {
				t.Errorf("%d: outcome unknown = %v (err %v)", code, isUnknown, err)
			}
			cause := err
			if isUnknown {
				cause = unknown.Err
			}
			var redirect *RedirectError
			if !errors.As(cause, &redirect) || redirect.StatusCode != code {
				t.Fatalf("%d: err = %v, want a *RedirectError", code, err)
			}
			msg := err.Error()
			if strings.Contains(msg, `Get "`) {
				t.Errorf("%d: the error names a GET that was never sent: %s", code, msg)
			}
			if !strings.Contains(msg, target.URL+"/web/api2/v1/projects/P/jobs/connectorTask") || !strings.Contains(msg, "suggests "+target.URL+"/web") {
				t.Errorf("%d: error names neither the Location nor the base URL it suggests: %s", code, msg)
			}
			if _, err := c.AsyncRequest(context.Background(), "1"); !errors.As(err, &redirect) {
				t.Errorf("%d: GET: err = %v, want a *RedirectError", code, err)
			}
			if n := origin.count("POST", "/connectorTask"); n != 1 {
				t.Errorf("%d: POSTs at the origin = %d, want 1", code, n)
			}
			if own && hc.CheckRedirect != nil {
				t.Errorf("the caller's client was changed")
			}
		}
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("the redirect target got %d requests, want 0", n)
	}
}

func TestLoginNeverSendsThePasswordToARedirectTarget(t *testing.T) {
	target := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, map[string]string{"token": "x"})
	})
	origin := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusPermanentRedirect)
	})
	c, _ := newTestClient(t, origin.base(), WithCredentials("user", "pass-secret"))
	_, err := c.Login(context.Background())
	var redirect *RedirectError
	if !errors.As(err, &redirect) {
		t.Fatalf("err = %v, want a *RedirectError", err)
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("the redirect target got %d requests, want 0", n)
	}
	if n := origin.count("POST", "/auth/login"); n != 1 {
		t.Errorf("logins at the origin = %d, want 1 (a redirect is not retried)", n)
	}
}

func TestBatchOutcomeOfRedirectsAndRefusedHeaders(t *testing.T) {
	for code, want := range map[int]Outcome{301: OutcomeUnknown, 307: OutcomeUnknown, 308: OutcomeUnknown, 302: OutcomeUnknown, 303: OutcomeUnknown} {
		target := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
		origin := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, target.URL+r.URL.Path, code)
		})
		c, _ := newTestClient(t, origin.base(), WithAPIToken("tok"))
		_, err := c.CreateJobs(context.Background(), "P", "DL1", validBody())
		if got := (BatchResult{Err: err}).Outcome(); got != want {
			t.Errorf("%d: outcome %q, want %q (err %v)", code, got, want, err)
		}
	}
	refused := &url.Error{Op: "Post", URL: "https://x", Err: errors.New(`net/http: invalid header field value for "Authorization"`)}
	if got := (BatchResult{Err: refused}).Outcome(); got != OutcomeFailed {
		t.Errorf("a header net/http refused: outcome %q, want failed", got)
	}
}
