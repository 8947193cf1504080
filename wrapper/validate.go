package wrapper

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// Problem is one thing wrong with a request: where, what, and how to fix it.
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

// ValidationError lists every problem found in a request before it was sent; nothing was sent.
// The problems are sorted by path.
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
// *ValidationError that lists every problem at once. now is the time due dates are compared
// with. CreateJobs calls it (after applying WithDefaultDueOffset) unless the
// client was built WithoutValidation.
//
// The request, as it would be sent, is checked against the JobCreateRequestDto schema of
// openapi.yaml, compiled into wrapper at generation time (reqschema_gen.go: required fields,
// types, lengths, ranges, the provider types USER and VENDOR), and against the rules the
// schema cannot express:
//
//   - due and workflowSettings are not both set (a due date is per step in projects with
//     workflows), nor assignments and workflowSettings (likewise);
//   - importSettings is not set together with useProjectFileImportSettings=true;
//   - no target language is listed twice (compared case-insensitively), none is empty;
//   - each target language, in targetLangs and in assignments, could be a language code: only
//     ASCII letters, digits, "_" and "-" (Phrase decides whether it knows the code);
//   - the targetLang of every assignment, top-level or per workflow step, is one of targetLangs;
//   - callbackUrl is an absolute http or https URL;
//   - due, and every step's due, is in the future (not in the past, nor this very second).
func ValidateRequest(body *api.JobCreateRequestDto, now time.Time) error {
	if body == nil {
		return &ValidationError{Problems: []Problem{{Path: "", Message: "no request body", Fix: "pass a JobCreateRequestDto with at least targetLangs"}}}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return encodeProblem(err)
	}
	return validateEncoded(body, data, now)
}

// encodeProblem is the *ValidationError of a request that json.Marshal refuses.
func encodeProblem(err error) error {
	return &ValidationError{Problems: []Problem{{Path: "", Message: "the request cannot be encoded as JSON: " + err.Error(), Fix: "check the date-times and values of the request"}}}
}

// validateEncoded is ValidateRequest for a body already encoded as data (json.Marshal(body),
// hence valid JSON, which the schema walker relies on): the client encodes a request once,
// validates those bytes and sends the same bytes.
func validateEncoded(body *api.JobCreateRequestDto, data []byte, now time.Time) error {
	ps := schemaProblemsJSON(data, false)
	ps = append(ps, ruleProblems(body, now)...)
	return problemsErr(ps)
}

// ValidateRequestJSON checks a job-creating request given as raw JSON, as a file holds it (for
// `connectortask validate`). Beyond the checks of ValidateRequest it reports, as Problems,
// JSON that does not parse, values of the wrong type, date-times that do not parse, fields
// the spec does not know (a misspelt field would otherwise be ignored by Phrase), and keys
// repeated in one object (decoders keep one of them silently).
func ValidateRequestJSON(data []byte, now time.Time) error {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return &ValidationError{Problems: []Problem{jsonSyntaxProblem(data, err)}}
	}
	if dec.More() || dec.InputOffset() < int64(len(bytes.TrimRight(data, " \t\r\n"))) {
		return &ValidationError{Problems: []Problem{{Path: "", Message: "more than one JSON value", Fix: "give exactly one JSON object"}}}
	}
	if _, ok := doc.(map[string]any); !ok {
		return &ValidationError{Problems: []Problem{{Path: "", Message: "the request is not a JSON object", Fix: `give an object such as {"targetLangs": ["de"]}`}}}
	}
	ps := duplicateKeyProblems(data)
	ps = append(ps, schemaProblemsJSON(data, true)...)
	var body api.JobCreateRequestDto
	if err := json.Unmarshal(data, &body); err != nil {
		if len(ps) == 0 {
			ps = append(ps, decodeProblem(err))
		}
	} else {
		ps = append(ps, ruleProblems(&body, now)...)
	}
	return problemsErr(ps)
}

// problemsErr returns nil for no problems, or a *ValidationError with them sorted by path.
func problemsErr(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	ps = slices.Compact(ps)
	slices.SortStableFunc(ps, func(a, b Problem) int { return comparePaths(a.Path, b.Path) })
	return &ValidationError{Problems: ps}
}

// comparePaths orders JSON paths segment by segment: numbers numerically and before other
// segments, which compare as strings (as do numbers that tie, such as "0" and "00"). It is a
// total order, so the order of the problems does not depend on the order they were found in.
func comparePaths(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		switch {
		case aerr == nil && berr == nil && ai != bi:
			return cmp.Compare(ai, bi)
		case aerr == nil && berr != nil:
			return -1 // numbers before other keys, or "8" < "22" < "2A" < "8" would go round
		case aerr != nil && berr == nil:
			return 1
		}
		return strings.Compare(as[i], bs[i])
	}
	return len(as) - len(bs)
}

// specLoads counts how often the request schema was prepared (schemaReady); tests assert it is
// once per process.
var specLoads atomic.Int32

// ruleProblems checks the rules the schema cannot express.
func ruleProblems(b *api.JobCreateRequestDto, now time.Time) []Problem {
	ps := langCodeProblems(b)
	add := func(path, msg, fix string) { ps = append(ps, Problem{Path: path, Message: msg, Fix: fix}) }

	if b.Due != nil && !b.Due.IsZero() && b.WorkflowSettings != nil && len(*b.WorkflowSettings) > 0 {
		add("/due", "due is set together with workflowSettings",
			"for a project with workflows give each step's due in workflowSettings[].due and remove due; for a project without workflows remove workflowSettings")
	}
	if b.Assignments != nil && len(*b.Assignments) > 0 && b.WorkflowSettings != nil && len(*b.WorkflowSettings) > 0 {
		add("/assignments", "assignments is set together with workflowSettings",
			"for a project with workflows assign providers per step in workflowSettings[].assignments and remove assignments; for a project without workflows remove workflowSettings")
	}
	if b.ImportSettings != nil && b.UseProjectFileImportSettings != nil && *b.UseProjectFileImportSettings {
		add("/importSettings", "importSettings is set together with useProjectFileImportSettings=true",
			"remove importSettings, or set useProjectFileImportSettings to false")
	}

	if b.RemoteFile != nil {
		if err := checkNoControl("the connector token", b.RemoteFile.ConnectorToken); err != nil {
			add("/remoteFile/connectorToken", err.Error(), "give the connector's token as Phrase shows it (Settings > Connectors)")
		}
	}

	langs := make(map[string]int, len(b.TargetLangs))
	for i, l := range b.TargetLangs {
		path := "/targetLangs/" + strconv.Itoa(i)
		key := strings.ToLower(strings.TrimSpace(l))
		if key == "" {
			add(path, "empty target language", "give a language code such as de or pt_br, or remove the entry")
			continue
		}
		if first, dup := langs[key]; dup {
			add(path, fmt.Sprintf("target language %q is listed again (first at /targetLangs/%d)", l, first), "list each target language once")
			continue
		}
		langs[key] = i
	}
	checkAssignments := func(list []api.ProvidersPerLanguage, base string) {
		for i, a := range list {
			if a.TargetLang == nil {
				continue
			}
			if _, ok := langs[strings.ToLower(strings.TrimSpace(*a.TargetLang))]; !ok {
				add(base+"/"+strconv.Itoa(i)+"/targetLang",
					fmt.Sprintf("target language %q is not one of targetLangs %v", *a.TargetLang, b.TargetLangs),
					"add it to targetLangs, or assign a language listed there")
			}
		}
	}
	if b.Assignments != nil {
		checkAssignments(*b.Assignments, "/assignments")
	}

	cutoff := utcSeconds(now)
	checkDue := func(d *api.DateTime, path string) {
		if d == nil || d.IsZero() {
			return
		}
		if why := dueNotFuture(d.Time, cutoff); why != "" {
			add(path, fmt.Sprintf("due %s is %s (now %s)", d.String(), why, api.NewDateTime(now).String()),
				"give a date in the future, e.g. +72h from now")
		}
	}
	checkDue(b.Due, "/due")
	if b.WorkflowSettings != nil {
		for i, st := range *b.WorkflowSettings {
			base := "/workflowSettings/" + strconv.Itoa(i)
			checkAssignments(st.Assignments, base+"/assignments")
			checkDue(st.Due, base+"/due")
		}
	}

	if b.CallbackUrl != nil {
		if msg := checkCallbackURL(*b.CallbackUrl); msg != "" {
			add("/callbackUrl", msg, "give an absolute URL such as https://hooks.example.com/phrase/jobs")
		}
	}
	return ps
}

// checkCallbackURL returns what is wrong with a callback URL, or "".
func checkCallbackURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "not an absolute http(s) URL"
	case u.Host == "" || u.Hostname() == "":
		return "the URL has no host"
	}
	return ""
}

// jsonSyntaxProblem describes JSON that does not parse, with the line and column.
func jsonSyntaxProblem(data []byte, err error) Problem {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	}
	msg := "not valid JSON: " + err.Error()
	if offset >= 0 {
		line, col := lineCol(data, offset)
		msg = fmt.Sprintf("not valid JSON at line %d, column %d: %s", line, col, err.Error())
	}
	return Problem{Path: "", Message: msg, Fix: "correct the JSON syntax"}
}

// decodeProblem turns an error of decoding into the request type into a Problem.
func decodeProblem(err error) Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return Problem{Path: "/" + strings.ReplaceAll(te.Field, ".", "/"), Message: "wrong type: want " + te.Type.String(), Fix: "give a value of the type the spec declares"}
	}
	return Problem{Path: "", Message: "cannot be read as a request: " + err.Error(), Fix: "see JobCreateRequestDto in openapi.yaml"}
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// escapePointer escapes one JSON pointer segment (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// article returns a JSON type name with its indefinite article ("an array", "a string").
func article(t string) string {
	switch t {
	case "array", "object", "integer":
		return "an " + t
	}
	return "a " + t
}
