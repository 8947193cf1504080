// This file is hand-written, not generated: oapi-codegen maps every `format: date-time` of
// openapi.yaml to DateTime (see api/oapi-codegen.yaml). It lives in package api because the
// generated types need it, and wrapper imports api (putting it in wrapper would be a cycle).

package api

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// WireLayout is the layout every DateTime is written in: RFC 3339 in UTC, whole seconds, "Z".
const WireLayout = "2006-01-02T15:04:05Z"

// Layouts a date-time is read with. Phrase answers with a colon-less offset
// (2016-07-21T11:38:27+0000), which is ISO 8601 but not RFC 3339, so time.Time's own JSON
// decoding refuses it; RFC 3339 (any offset, optional fraction) is accepted too.
const (
	layoutRFC3339   = time.RFC3339Nano
	layoutOffset4   = "2006-01-02T15:04:05.999999999-0700" // +0000
	layoutOffsetHrs = "2006-01-02T15:04:05.999999999-07"   // +00
)

// layoutFor picks the one layout that can read s from the shape of its offset, so that a
// response full of dates is not parsed twice per date (a failed time.Parse allocates its error).
func layoutFor(s string) string {
	switch n := len(s); {
	case n >= 5 && isSign(s[n-5]) && isDigits(s[n-4:]):
		return layoutOffset4
	case n >= 3 && isSign(s[n-3]) && isDigits(s[n-2:]):
		return layoutOffsetHrs
	}
	return layoutRFC3339
}

func isSign(b byte) bool { return b == '+' || b == '-' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// DateTime is a point in time as Phrase TMS writes and reads it. It decodes RFC 3339 and
// Phrase's colon-less offsets, and encodes as RFC 3339 in UTC with whole seconds and a "Z"
// suffix (e.g. 2026-12-01T17:00:00Z), the form every Phrase endpoint accepts.
type DateTime struct {
	time.Time
}

// NewDateTime returns t as a DateTime, truncated to whole seconds and in UTC, so what is sent is
// exactly what is held.
func NewDateTime(t time.Time) DateTime {
	return DateTime{Time: t.UTC().Truncate(time.Second)}
}

// NewDateTimePtr returns a pointer to NewDateTime(t), for optional fields.
func NewDateTimePtr(t time.Time) *DateTime {
	d := NewDateTime(t)
	return &d
}

// ParseDateTime reads an RFC 3339 date-time (any offset, optional fraction) or one with a
// colon-less offset such as 2016-07-21T11:38:27+0000.
func ParseDateTime(s string) (DateTime, error) {
	t, err := time.Parse(layoutFor(s), s)
	if err == nil {
		return DateTime{Time: t}, nil
	}
	// time.Parse accepts a lower-case "z"/"t" for RFC 3339 only in some Go releases; being
	// explicit keeps the behaviour the same everywhere.
	if up := strings.ToUpper(s); up != s {
		if d, uerr := ParseDateTime(up); uerr == nil {
			return d, nil
		}
	}
	return DateTime{}, fmt.Errorf("date-time %q: want RFC 3339 (2026-12-01T17:00:00Z) or Phrase's form (2026-12-01T17:00:00+0000): %w", s, err)
}

// String returns the wire form: RFC 3339, UTC, whole seconds, "Z".
func (d DateTime) String() string {
	return d.Time.UTC().Truncate(time.Second).Format(WireLayout)
}

// MarshalJSON writes the wire form, or null for the zero time.
func (d DateTime) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(WireLayout)+2)
	b = append(b, '"')
	b = d.Time.UTC().Truncate(time.Second).AppendFormat(b, WireLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string with ParseDateTime; null and "" leave the zero time.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = DateTime{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("date-time: want a JSON string, got %.40s", b)
	}
	s := string(b[1 : len(b)-1])
	if s == "" {
		*d = DateTime{}
		return nil
	}
	parsed, err := ParseDateTime(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// MarshalText writes the wire form; it is used for date-times in query and path parameters.
func (d DateTime) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText reads the forms ParseDateTime accepts.
func (d *DateTime) UnmarshalText(b []byte) error {
	parsed, err := ParseDateTime(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
