package wrapper

import (
	"strings"
	"unicode"
)

// pathIDProblem checks an id that goes into a URL path (a project uid, an async request id).
// Beyond an empty one, it refuses what would send the request elsewhere or nowhere: "." and
// ".." (dot segments, which URL resolution removes: --project-uid .. posted to
// /api2/v1/jobs/connectorTask), a "/" and control characters, none of which any Phrase id has.
func pathIDProblem(field, value, fix string) *Problem {
	msg := ""
	switch {
	case strings.TrimSpace(value) == "":
		msg = "the " + field + " is empty"
	case value == "." || value == "..":
		msg = "the " + field + " is \"" + value + "\", a path segment that would send the request to another address"
	case strings.Contains(value, "/"):
		msg = "the " + field + " contains a \"/\""
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		msg = "the " + field + " contains a control character"
	default:
		return nil
	}
	return &Problem{Path: field, Message: msg, Fix: fix}
}
