package redact

import (
	"bytes"
	"strings"
	"testing"
)

func TestStringReplacesEveryForm(t *testing.T) {
	var s Set
	s.Add("tok/en+\"x", "", "ab", "pass word")
	cases := map[string]string{
		`Authorization: ApiToken tok/en+"x`:  "Authorization: ApiToken " + Marker,
		`{"echo":"tok/en+\"x"}`:              `{"echo":"` + Marker + `"}`,
		`?token=tok%2Fen%2B%22x`:             "?token=" + Marker,
		`/a/tok%2Fen+%22x`:                   "/a/" + Marker,
		`password=pass+word or pass%20word`:  "password=" + Marker + " or " + Marker,
		`ab is too short to be redacted: ab`: `ab is too short to be redacted: ab`,
		`nothing secret`:                     `nothing secret`,
	}
	for in, want := range cases {
		if got := s.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLongestSecretFirst(t *testing.T) {
	var s Set
	s.Add("abc", "abcdef")
	if got := s.String("xabcdefx abc"); got != "x"+Marker+"x "+Marker {
		t.Fatalf("got %q", got)
	}
}

func TestNilAndEmptySet(t *testing.T) {
	var nilSet *Set
	if nilSet.String("x") != "x" || !nilSet.Empty() {
		t.Fatal("nil set must pass text through")
	}
	var s Set
	b := []byte("abc")
	if got := s.Bytes(b); &got[0] != &b[0] {
		t.Fatal("empty set must return the same slice")
	}
}

func TestWriterFindsSecretsAcrossWrites(t *testing.T) {
	var s Set
	s.Add("s3cr3t-token")
	var out bytes.Buffer
	w := s.Writer(&out)
	text := "line one s3cr3t-token\nprogress s3cr3t-token\rtail s3cr3t-token"
	for i := 0; i < len(text); i++ { // one byte per Write: the worst split
		if _, err := w.Write([]byte{text[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(out.String(), "tail") {
		t.Fatalf("a line without its end was passed on before Flush: %q", out.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(text, "s3cr3t-token", Marker)
	if out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestWriterLongLineKeepsTail(t *testing.T) {
	var s Set
	s.Add("0123456789")
	var out bytes.Buffer
	w := s.Writer(&out)
	long := strings.Repeat("x", maxHeld+5) + "01234"
	_, _ = w.Write([]byte(long))
	_, _ = w.Write([]byte("56789\n"))
	if out.Len() == 0 {
		t.Fatal("a line over maxHeld must be passed on in pieces")
	}
	_ = w.Flush()
	if strings.Contains(out.String(), "0123456789") || !strings.HasSuffix(out.String(), Marker+"\n") {
		t.Fatalf("secret across the cut of a long line leaked: ...%q", out.String()[out.Len()-30:])
	}
}

func FuzzStringNeverLeaks(f *testing.F) {
	f.Add("secret-value", "prefix secret-value suffix")
	f.Add("a\"b\\c", `{"x":"a\"b\\c"}`)
	f.Fuzz(func(t *testing.T, secret, text string) {
		if len(secret) < MinLen || strings.Contains(Marker, secret) {
			return
		}
		var s Set
		s.Add(secret)
		if got := s.String(text + secret + text); strings.Contains(got, secret) {
			t.Fatalf("secret %q survives in %q", secret, got)
		}
	})
}
