package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

func TestParseDateTimeForms(t *testing.T) {
	want := time.Date(2016, 7, 21, 11, 38, 27, 0, time.UTC)
	for _, in := range []string{
		"2016-07-21T11:38:27+0000", // Phrase's own form
		"2016-07-21T11:38:27Z",
		"2016-07-21T11:38:27+00:00",
		"2016-07-21T13:38:27+0200",
		"2016-07-21T13:38:27+02:00",
		"2016-07-21T06:38:27-0500",
		"2016-07-21T11:38:27.000+0000",
		"2016-07-21T11:38:27.000Z",
		"2016-07-21t11:38:27z",
	} {
		d, err := api.ParseDateTime(in)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", in, err)
			continue
		}
		if !d.Equal(want) {
			t.Errorf("ParseDateTime(%q) = %v, want %v", in, d.Time, want)
		}
	}
}

func TestParseDateTimeRejects(t *testing.T) {
	for _, in := range []string{"", "2016-07-21", "yesterday", "2016-07-21 11:38:27", "2016-13-21T11:38:27Z", "2016-07-21T11:38:27+000"} {
		if _, err := api.ParseDateTime(in); err == nil {
			t.Errorf("ParseDateTime(%q) succeeded, want error", in)
		} else if !strings.Contains(err.Error(), "RFC 3339") {
			t.Errorf("error for %q does not say which forms are accepted: %v", in, err)
		}
	}
}

func TestDateTimeWritesUTCWholeSecondsZ(t *testing.T) {
	local := time.FixedZone("CET", 3600)
	d := api.DateTime{Time: time.Date(2026, 12, 1, 18, 0, 0, 987654321, local)}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `"2026-12-01T17:00:00Z"` {
		t.Fatalf("Marshal = %s, want \"2026-12-01T17:00:00Z\"", got)
	}
	if got := d.String(); got != "2026-12-01T17:00:00Z" {
		t.Fatalf("String = %s", got)
	}
	txt, _ := d.MarshalText()
	if string(txt) != "2026-12-01T17:00:00Z" {
		t.Fatalf("MarshalText = %s", txt)
	}
	if n := api.NewDateTime(d.Time); n.Nanosecond() != 0 || n.Location() != time.UTC {
		t.Fatalf("NewDateTime kept %v", n.Time)
	}
}

func TestDateTimeJSONNullAndEmpty(t *testing.T) {
	var v struct {
		A *api.DateTime `json:"a"`
		B api.DateTime  `json:"b"`
		C api.DateTime  `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a":null,"b":"","c":"2016-07-21T11:38:27+0000"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != nil || !v.B.IsZero() || v.C.IsZero() {
		t.Fatalf("got %+v", v)
	}
	if err := json.Unmarshal([]byte(`{"c":12345}`), &v); err == nil {
		t.Fatal("a number decoded as a date-time")
	}
	var zero api.DateTime
	if b, _ := json.Marshal(zero); string(b) != "null" {
		t.Fatalf("zero marshals as %s", b)
	}
}

// FuzzParseDateTime: parsing never panics, and whatever parses re-encodes to the wire form,
// which parses back to the same second.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2016-07-21T11:38:27+0000", "2026-12-01T17:00:00Z", "2026-12-01T17:00:00.5-07:00", "x", "2016-07-21T11:38:27+00", "9999-12-31T23:59:59+2359"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := api.ParseDateTime(s)
		if err != nil {
			return
		}
		wire := d.String()
		back, err := api.ParseDateTime(wire)
		if err != nil {
			if d.Year() < 0 || d.UTC().Year() > 9999 || d.UTC().Year() < 0 {
				return // outside what RFC 3339 can write
			}
			t.Fatalf("wire form %q of %q does not parse: %v", wire, s, err)
		}
		if !back.Equal(d.UTC().Truncate(time.Second)) {
			t.Fatalf("%q -> %q -> %v, want %v", s, wire, back.Time, d.UTC().Truncate(time.Second))
		}
	})
}
