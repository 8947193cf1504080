package phrasetest_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// script runs the same requests against srv and returns the answers' bodies.
func script(t *testing.T, srv *phrasetest.Server) [][]byte {
	var out [][]byte
	r := do(t, srv, "POST", "/api2/v1/auth/login", `{"userName":"demo","password":"demo-password"}`, "Content-Type", "application/json")
	out = append(out, r.body)
	out = append(out, createJobs(t, srv, `{"targetLangs":["de","fr"],"assignments":[{"providers":[{"type":"USER"}]}]}`).body)
	for range 3 {
		out = append(out, do(t, srv, "GET", "/api2/v1/async/"+asyncID(t, out[1]), "", "Authorization", "ApiToken "+srv.Token).body)
	}
	return out
}

func asyncID(t *testing.T, body []byte) string {
	_, rest, ok := bytes.Cut(body, []byte(`"asyncRequest":{`))
	if !ok {
		t.Fatalf("no asyncRequest in %s", body)
	}
	_, rest, _ = bytes.Cut(rest, []byte(`"id":"`))
	id, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(id)
}

func TestSeedAndClockMakeAnswersDeterministic(t *testing.T) {
	run := func(seed uint64) [][]byte {
		clock := newClock()
		srv := newServer(t, phrasetest.WithSeed(seed), phrasetest.WithClock(clock.Now))
		return script(t, srv)
	}
	a, b, c := run(7), run(7), run(8)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("answer %d differs between two runs with one seed:\n%s\n%s", i, a[i], b[i])
		}
	}
	if bytes.Equal(a[1], c[1]) {
		t.Error("different seeds gave the same ids")
	}
}

func TestIDSourceGivesEveryID(t *testing.T) {
	var mu sync.Mutex
	n := 0
	next := func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("id-%03d", n)
	}
	srv := newServer(t, phrasetest.WithIDSource(next))
	r := createJobs(t, srv, createBody("de", "fr"))
	for _, want := range []string{`"sourceFileUid":"id-001"`, `"id":"id-002"`, `"uid":"id-003"`, `"uid":"id-004"`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("answer lacks %s: %s", want, r.body)
		}
	}
	if tok := login(t, srv); tok != "id-005" {
		t.Errorf("login token = %q, want id-005", tok)
	}
}
