package redact

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var percentEscape = regexp.MustCompile(`%[0-9A-F]{2}`)

// percentLower writes the hex of every percent escape of s in lower case.
func percentLower(s string) string { return percentEscape.ReplaceAllStringFunc(s, strings.ToLower) }

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

// The forms other encoders write (red-team finding 3): "/" as "\/" (Java, PHP), lower-case
// percent escapes, "%20" for a space in a query, \uXXXX escapes.
func TestStringReplacesOtherEncodersForms(t *testing.T) {
	var s Set
	s.Add("apiSECRET1/tok+9", "pass word=é<'")
	for _, in := range []string{
		`{"echo":"apiSECRET1\/tok+9"}`,           // Java, PHP
		`apiSECRET1%2ftok%2b9`,                   // lower-case hex
		`apiSECRET1%2Ftok%2B9`,                   // url.QueryEscape
		`apiSECRET1\u002ftok\u002b9`,             // every non-alphanumeric escaped
		`apiSECRET1\u002Ftok\u002B9`,             // the same, upper-case hex
		`pass%20word%3d%c3%a9%3c%27`,             // query with %20, lower-case hex
		`pass+word%3D%C3%A9%3C%27`,               // url.QueryEscape
		`pass%20word=%C3%A9%3C%27`,               // url.PathEscape
		`pass word=\u00e9<'`,                     // PHP's json_encode
		`pass\u0020word\u003d\u00e9\u003c\u0027`, // all escaped
		`pass word\u003dé\u003c\u0027`,           // Gson
		`pass word=é\u003c'`,                     // Go
	} {
		if got := s.String("x " + in + " y"); strings.Contains(got, "SECRET") || strings.Contains(got, "word") {
			t.Errorf("String(%q) = %q: a form survives", in, got)
		}
	}
	if n := len(forms("pass word=é<'/")); n > 16 {
		t.Errorf("%d forms of one secret; keep it bounded", n)
	}
	if n := len(forms("abcDEF123")); n != 1 {
		t.Errorf("%d forms of a secret of letters and digits, want 1", n)
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
	f.Add("tok/en+ 9<é", "echo ")
	f.Fuzz(func(t *testing.T, secret, text string) {
		if len(secret) < MinLen || strings.Contains(Marker, secret) {
			return
		}
		var s Set
		s.Add(secret)
		if got := s.String(text + secret + text); strings.Contains(got, secret) {
			t.Fatalf("secret %q survives in %q", secret, got)
		}
		// The secret as other encoders write it, each computed here independently of forms.
		goJSON, _ := json.Marshal(secret)
		written := []string{
			string(goJSON[1 : len(goJSON)-1]),
			strings.ReplaceAll(string(goJSON[1:len(goJSON)-1]), "/", `\/`),
			url.QueryEscape(secret),
			url.PathEscape(secret),
			percentLower(url.QueryEscape(secret)),
			percentLower(strings.ReplaceAll(url.QueryEscape(secret), "+", "%20")),
		}
		for _, w := range written {
			if strings.Contains(Marker, w) {
				continue
			}
			if got := s.String(text + w + text); strings.Contains(got, w) && !strings.Contains(text+text, w) {
				t.Fatalf("secret %q written as %q survives in %q", secret, w, got)
			}
		}
	})
}

// BenchmarkString redacts a 64 KiB result with the secrets of a CLI run (token, password,
// login token, connector token), each with its written forms.
func BenchmarkString(b *testing.B) {
	var s Set
	s.Add("apiSECRET1/tok+9", "pw SECRET2/x+y", "L0ginSECRET3/en+abc", "ctSECRET4/ab+cd")
	text := strings.Repeat(`{"uid":"abc123","filename":"a.docx","targetLang":"de","status":"NEW"}`+"\n", 64<<10/70)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = s.String(text)
	}
}
