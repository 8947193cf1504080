// Package userinput reads values as a person types them on the command line: points in time
// ("+3d", RFC 3339, Phrase's own form) and region names. Only the CLI needs it; a Go service
// passes a time.Time and a wrapper.Region.
package userinput

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// maxRelative bounds a relative time given to ParseTime (about 100 years), far beyond any due
// date and far from time.Duration's overflow.
const maxRelative = 100 * 365 * 24 * time.Hour

// ParseTime reads a point in time as a user writes it and returns it in UTC with whole seconds,
// the form every date-time is sent in. It accepts
//
//   - RFC 3339 with any offset: 2026-12-01T17:00:00Z, 2026-12-01T18:00:00+01:00 (a fraction of a
//     second is dropped);
//   - Phrase's own form with a colon-less offset: 2026-12-01T17:00:00+0000;
//   - a time relative to now: "+" and a Go duration ("+72h", "+90m", "+1h30m") or a number of
//     days ("+3d"), optionally followed by a duration ("+1d12h").
//
// The CLI uses it for --due and for the due dates of batch lines.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty time: want RFC 3339 (2026-12-01T17:00:00Z) or a relative time (+72h, +3d)")
	}
	if s[0] == '+' {
		d, err := parseRelative(s[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("relative time %q: %w; want e.g. +72h, +90m, +3d or +1d12h", s, err)
		}
		return now.Add(d).UTC().Truncate(time.Second), nil
	}
	dt, err := api.ParseDateTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want RFC 3339 (2026-12-01T17:00:00Z), Phrase's form (2026-12-01T17:00:00+0000) or a relative time (+72h, +3d)", s)
	}
	return dt.Time.UTC().Truncate(time.Second), nil
}

// parseRelative reads "3d", "72h", "1d12h", "90m" (no sign; the caller stripped the "+").
func parseRelative(s string) (time.Duration, error) {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, errors.New("want a positive amount after +")
	}
	var total time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		days, err := strconv.ParseUint(s[:i], 10, 32)
		if err != nil {
			return 0, errors.New("want a whole number of days before d")
		}
		if days > uint64(maxRelative/(24*time.Hour)) {
			return 0, errors.New("too far in the future")
		}
		total = time.Duration(days) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return total, nil
		}
		if s[0] == '+' || s[0] == '-' {
			return 0, errors.New("want a duration such as 12h after the days")
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("not a duration")
	}
	if d < 0 {
		return 0, errors.New("want a positive amount after +")
	}
	if d > maxRelative || total+d > maxRelative {
		return 0, errors.New("too far in the future")
	}
	return total + d, nil
}
