package wrapper_test

import (
	"context"
	"sync"
	"testing"

	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// WithSecretHook hands over every token a login obtains (the first and a renewed one), so that a
// program can keep it out of its own output; the password given to the options is not passed.
func TestWithSecretHookSeesEveryLoginToken(t *testing.T) {
	srv := phrasetest.NewServer()
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var got []string
	c := newE2E(t, srv, wrapper.WithCredentials(srv.Username, srv.Password), wrapper.WithSecretHook(func(s string) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, s)
	}))
	for range 2 {
		if _, err := c.Login(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] == got[1] {
		t.Fatalf("hook saw %q, want the two tokens the two logins handed out", got)
	}
	for _, s := range got {
		if s == srv.Password || s == "" {
			t.Fatalf("hook saw %q: only tokens a login obtains", s)
		}
	}
	if _, err := wrapper.New(wrapper.WithSecretHook(nil)); err == nil {
		t.Fatal("WithSecretHook(nil) must be refused")
	}
}
