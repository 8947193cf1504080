package userinput

import (
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 28, 17, 3, 12, 987654321, time.FixedZone("CET", 3600))
	cases := map[string]string{
		"2026-12-01T17:00:00Z":          "2026-12-01T17:00:00Z",
		"2026-12-01T18:00:00+01:00":     "2026-12-01T17:00:00Z",
		"2026-12-01T18:00:00.999+01:00": "2026-12-01T17:00:00Z",
		"2026-12-01T17:00:00+0000":      "2026-12-01T17:00:00Z",
		"2026-12-01T12:00:00-0500":      "2026-12-01T17:00:00Z",
		"2026-12-01t17:00:00z":          "2026-12-01T17:00:00Z",
		" +72h ":                        "2026-12-01T16:03:12Z",
		"+90m":                          "2026-11-28T17:33:12Z",
		"+3d":                           "2026-12-01T16:03:12Z",
		"+1d12h":                        "2026-11-30T04:03:12Z",
		"+1h30m":                        "2026-11-28T17:33:12Z",
	}
	for in, want := range cases {
		got, err := ParseTime(in, now)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", in, err)
			continue
		}
		if got.Location() != time.UTC || got.Nanosecond() != 0 || got.Format(time.RFC3339) != want {
			t.Errorf("ParseTime(%q) = %v, want %s UTC whole seconds", in, got, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "+", "+-3h", "+3", "+3dd", "+d", "+3d-1h", "2026-12-01", "2026-13-01T00:00:00Z", "+999999999d", "+3w"} {
		if _, err := ParseTime(bad, now); err == nil {
			t.Errorf("ParseTime(%q): no error", bad)
		}
	}
}

// FuzzParseTime: whatever the input, ParseTime does not panic, and a time it returns is UTC
// with whole seconds.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-01T17:00:00Z", "2026-12-01T17:00:00+0000", "+72h", "+3d", "+1d12h", "+0s", "+9223372036854775807ns", "+106751d", "-1h", "x"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, now)
		if err != nil {
			return
		}
		if got.Location() != time.UTC || got.Nanosecond() != 0 {
			t.Fatalf("ParseTime(%q) = %v: not UTC whole seconds", s, got)
		}
		if len(s) > 0 && s[0] == '+' && got.Before(now) {
			t.Fatalf("ParseTime(%q) = %v: relative time before now", s, got)
		}
	})
}

func TestParseRegion(t *testing.T) {
	for in, want := range map[string]wrapper.Region{"eu": wrapper.RegionEU, "EU": wrapper.RegionEU, " us ": wrapper.RegionUS} {
		if r, err := ParseRegion(in); err != nil || r != want {
			t.Errorf("ParseRegion(%q) = %q, %v", in, r, err)
		}
	}
	if _, err := ParseRegion("asia"); err == nil {
		t.Error("ParseRegion(asia) accepted")
	}
}
