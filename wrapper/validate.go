package wrapper

import (
	"errors"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// Problem is one thing wrong with a request.
type Problem struct {
	Path    string // JSON path, e.g. "/targetLangs/1" or "/workflowSettings/0/assignments/0/targetLang"
	Message string // what is wrong
	Fix     string // what to do
}

// String returns "path: message (fix)".
func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	s := path + ": " + p.Message
	if p.Fix != "" {
		s += " (" + p.Fix + ")"
	}
	return s
}

// ValidationError lists every problem found in a request before it was sent. Nothing was sent.
type ValidationError struct{ Problems []Problem }

// Error returns one line per problem, "path: message (fix)".
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// ValidateRequest checks a job-creating request before it is sent and returns nil or a
// *ValidationError. See ValidateRequestJSON for the rules.
func ValidateRequest(body *api.JobCreateRequestDto, now time.Time) error {
	return errors.New("not implemented yet")
}

// ValidateRequestJSON checks a job-creating request given as raw JSON.
func ValidateRequestJSON(data []byte, now time.Time) error {
	return errors.New("not implemented yet")
}
