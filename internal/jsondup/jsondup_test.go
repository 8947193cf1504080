package jsondup

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func paths(ds []Duplicate) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Path)
	}
	return out
}

func TestFind(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{`{"targetLangs":["de"],"targetLangs":["fr"]}`, []string{"/targetLangs"}},
		{`{"a":1,"b":2,"a":3,"a":4}`, []string{"/a", "/a"}},
		{`{"a":{"x":1},"b":{"x":2}}`, []string{}},
		{`{"workflowSettings":[{"due":"x"},{"due":"y","due":"z"}]}`, []string{"/workflowSettings/1/due"}},
		{`[{"a":1,"a":2},[{"b":[],"b":{}}]]`, []string{"/0/a", "/1/0/b"}},
		{`{"a/b":1,"a/b":2,"m~n":1,"m~n":2}`, []string{"/a~1b", "/m~0n"}},
		{`{"\u0061":1,"a":2}`, []string{"/a"}}, // the same key, escaped differently
		{`{"A":1,"a":2}`, []string{}},          // keys are case-sensitive
		{`{"a":[1,2,{"c":{"d":{"a":1}}}],"e":"a"}`, []string{}},
		{`"a"`, []string{}},
		{`12`, []string{}},
		{`{}`, []string{}},
		{` {"a":1} trailing`, []string{}}, // the first value only
	}
	for _, tc := range cases {
		got, err := Find([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
		}
		if !slices.Equal(paths(got), tc.want) {
			t.Errorf("%s: got %v, want %v", tc.in, paths(got), tc.want)
		}
	}
}

func TestFindOffsets(t *testing.T) {
	in := "{\"a\": 1,\n \"a\": 2}"
	got, err := Find([]byte(in))
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	if d := got[0]; in[:d.First] != `{"a"` || in[:d.Offset] != "{\"a\": 1,\n \"a\"" {
		t.Errorf("offsets %d %d", d.First, d.Offset)
	}
}

func TestFindInvalid(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1,"a":`, `{"a" 1}`, `[1,]`, `{1:2}`} {
		if _, err := Find([]byte(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
	got, err := Find([]byte(`{"a":1,"a":2,`))
	if err == nil || len(got) != 1 {
		t.Errorf("want the duplicate found before the error: %v %v", got, err)
	}
}

// keyTokens counts the members of every object in v, as written (a repeated key counts twice),
// by a recursive descent independent of Find's loop.
func keyTokens(dec *json.Decoder) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, err
	}
	n := 0
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			if _, err := dec.Token(); err != nil { // the key
				return 0, err
			}
			m, err := keyTokens(dec)
			if err != nil {
				return 0, err
			}
			n += 1 + m
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			m, err := keyTokens(dec)
			if err != nil {
				return 0, err
			}
			n += m
		}
		_, err = dec.Token()
	}
	return n, err
}

// mapKeys counts the members of every object of a decoded tree (duplicates resolved).
func mapKeys(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			n += 1 + mapKeys(e)
		}
	case []any:
		for _, e := range v {
			n += mapKeys(e)
		}
	}
	return n
}

// FuzzFind checks Find against encoding/json: it never panics, it accepts every valid JSON
// document, and the duplicates it reports are exactly the members that decoding drops.
func FuzzFind(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `[{"x":[{"y":1,"y":2}]}]`, `{"targetLangs":["de"],"targetLangs":["fr"]}`, `"s"`, `{`, `{"\u00e9":1,"é":2}`, `[[[[]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		dups, err := Find(data)
		var v any
		if json.Unmarshal(data, &v) != nil {
			return // invalid (or trailing data): only "no panic" is promised
		}
		if err != nil {
			t.Fatalf("valid JSON %q refused: %v", data, err)
		}
		written, err := keyTokens(json.NewDecoder(bytes.NewReader(data)))
		if err != nil {
			t.Fatalf("keyTokens %q: %v", data, err)
		}
		if want := written - mapKeys(v); len(dups) != want {
			t.Fatalf("%q: %d duplicates reported, decoding dropped %d", data, len(dups), want)
		}
		for _, d := range dups {
			if !strings.HasPrefix(d.Path, "/") || d.Offset <= d.First || d.Offset > int64(len(data)) {
				t.Fatalf("%q: bad duplicate %+v", data, d)
			}
		}
		// A re-encoded tree has unique keys.
		again, _ := json.Marshal(v)
		if ds, err := Find(again); err != nil || len(ds) != 0 {
			t.Fatalf("re-encoded %s: %v %v", again, ds, err)
		}
	})
}
