package wrapper

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://cloud.memsource.com/web":   "https://cloud.memsource.com/web",
		"https://cloud.memsource.com/web/":  "https://cloud.memsource.com/web",
		"http://127.0.0.1:8080/web":         "http://127.0.0.1:8080/web",
		"http://127.8.9.10/web":             "http://127.8.9.10/web",
		"http://[::1]:9000/web":             "http://[::1]:9000/web",
		"http://localhost:9000/web":         "http://localhost:9000/web",
		"https://phrase.internal.corp:8443": "https://phrase.internal.corp:8443",
	}
	for in, want := range ok {
		c, err := New(WithBaseURL(in))
		if err != nil {
			t.Errorf("WithBaseURL(%q): %v", in, err)
			continue
		}
		if c.BaseURL() != want {
			t.Errorf("WithBaseURL(%q).BaseURL() = %q, want %q", in, c.BaseURL(), want)
		}
	}
	bad := []string{
		"http://cloud.memsource.com/web", // plain http off loopback
		"http://10.0.0.1/web",
		"http://localhost.evil.com/web",
		"cloud.memsource.com/web",
		"ftp://cloud.memsource.com/web",
		"https:///web",
		"https://jane:hunter2@cloud.memsource.com/web",
		"https://cloud.memsource.com/web?token=x",
		"https://cloud.memsource.com/web#frag",
		"://",
	}
	for _, in := range bad {
		_, err := New(WithBaseURL(in))
		if err == nil {
			t.Errorf("WithBaseURL(%q) accepted", in)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestRegions(t *testing.T) {
	c, err := New()
	if err != nil || c.BaseURL() != "https://cloud.memsource.com/web" {
		t.Errorf("default = %v, %v", c, err)
	}
	c, _ = New(WithRegion(RegionUS))
	if c.BaseURL() != "https://us.cloud.memsource.com/web" {
		t.Errorf("US = %s", c.BaseURL())
	}
	c, _ = New(WithBaseURL("http://127.0.0.1:1/web"), WithRegion(RegionUS))
	if c.BaseURL() != "http://127.0.0.1:1/web" {
		t.Errorf("WithBaseURL does not win over WithRegion: %s", c.BaseURL())
	}
	for in, want := range map[string]Region{"eu": RegionEU, "EU": RegionEU, " us ": RegionUS} {
		if r, err := ParseRegion(in); err != nil || r != want {
			t.Errorf("ParseRegion(%q) = %q, %v", in, r, err)
		}
	}
	if _, err := ParseRegion("asia"); err == nil {
		t.Error("ParseRegion(asia) accepted")
	}
	if _, err := New(WithRegion("mars")); err == nil {
		t.Error("WithRegion(mars) accepted")
	}
}

func TestConflictingCredentials(t *testing.T) {
	combos := [][]Option{
		{WithAPIToken("a"), WithBearerToken("b")},
		{WithAPIToken("a"), WithCredentials("u", "p")},
		{WithCredentials("u", "p"), WithBearerToken("b")},
	}
	for _, opts := range combos {
		_, err := New(opts...)
		if err == nil || !strings.Contains(err.Error(), "conflicting credentials") {
			t.Errorf("err = %v", err)
		}
	}
}

func TestOptionValuesChecked(t *testing.T) {
	bad := []Option{
		WithAPIToken(""), WithBearerToken(" "), WithAPIToken("a\nb"), WithCredentials("", "p"), WithCredentials("u", ""),
		WithHTTPClient(nil), WithUserAgent(""), WithUserAgent("a\r\nX-Evil: 1"), WithClock(nil), WithLogger(nil),
		WithRetryPolicy(RetryPolicy{MaxAttempts: -1}), WithRateLimit(-1),
	}
	for i, o := range bad {
		if _, err := New(o); err == nil {
			t.Errorf("option %d accepted", i)
		}
	}
}

func TestDefaultHTTPClientHasTimeouts(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.hc == http.DefaultClient {
		t.Fatal("the default client is http.DefaultClient")
	}
	tr, ok := c.hc.Transport.(*http.Transport)
	if !ok || tr == http.DefaultTransport {
		t.Fatalf("transport = %T, want a transport of its own", c.hc.Transport)
	}
	if tr.DialContext == nil || tr.TLSHandshakeTimeout != 10*time.Second || tr.ResponseHeaderTimeout != time.Minute || tr.Proxy == nil {
		t.Errorf("transport = %+v", tr)
	}
	if c.attemptTimeout != time.Minute {
		t.Errorf("attempt timeout = %v", c.attemptTimeout)
	}
	hc := &http.Client{Transport: &http.Transport{}}
	c, _ = New(WithHTTPClient(hc))
	if c.hc.Transport != hc.Transport {
		t.Error("WithHTTPClient ignored")
	}
	// The wrapper follows no redirect, through a copy: the caller's client is not changed.
	if c.hc == hc || c.hc.CheckRedirect == nil || hc.CheckRedirect != nil {
		t.Error("WithHTTPClient: want a copy that refuses redirects, the caller's client unchanged")
	}
}
