package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

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
// with. CreateJobsFromDownloadTask calls it (after applying WithDefaultDueOffset) unless the
// client was built WithoutValidation.
//
// The request, as it would be sent, is checked against the JobCreateRequestDto schema of the
// embedded OpenAPI spec (required fields, types, lengths, ranges, the provider types USER and
// VENDOR), and against the rules the schema cannot express:
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

// validateEncoded is ValidateRequest for a body already encoded as data (json.Marshal(body)):
// the client encodes a request once, validates those bytes and sends the same bytes.
func validateEncoded(body *api.JobCreateRequestDto, data []byte, now time.Time) error {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return &ValidationError{Problems: []Problem{{Path: "", Message: "the request cannot be encoded as JSON: " + err.Error()}}}
	}
	var ps []Problem
	ps = append(ps, schemaProblems(doc)...)
	ps = append(ps, dateProblems(doc)...)
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
	ps = append(ps, schemaProblems(doc)...)
	if s, err := bodySchema(); err == nil {
		ps = append(ps, unknownFieldProblems(s, doc, "")...)
	}
	ps = append(ps, dateProblems(doc)...)
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

// comparePaths orders JSON paths segment by segment, numbers numerically.
func comparePaths(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			return ai - bi
		}
		return strings.Compare(as[i], bs[i])
	}
	return len(as) - len(bs)
}

// specLoads counts how often the spec was loaded; tests assert it is once per process.
var specLoads atomic.Int32

// bodySchema returns the request body schema of the job-creating call from the embedded spec,
// loaded and resolved once per process.
var bodySchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	specLoads.Add(1)
	doc, err := api.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("loading the embedded spec: %w", err)
	}
	item := doc.Paths.Find("/api2/v1/projects/{projectUid}/jobs/connectorTask")
	if item == nil || item.Post == nil || item.Post.RequestBody == nil || item.Post.RequestBody.Value == nil {
		return nil, errors.New("the embedded spec has no request body for POST .../jobs/connectorTask")
	}
	mt := item.Post.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, errors.New("the embedded spec has no JSON schema for the connectorTask body")
	}
	return mt.Schema.Value, nil
})

// schemaProblems validates doc (decoded JSON) against the body schema, all errors at once.
func schemaProblems(doc any) []Problem {
	s, err := bodySchema()
	if err != nil {
		return []Problem{{Path: "", Message: "cannot validate: " + err.Error(), Fix: "report this as a bug, or build the client WithoutValidation"}}
	}
	err = s.VisitJSON(doc, openapi3.MultiErrors(), openapi3.VisitAsRequest())
	if err == nil {
		return nil
	}
	var ps []Problem
	collectSchemaErrors(err, &ps)
	return ps
}

// collectSchemaErrors flattens kin-openapi's (multi) errors into Problems.
func collectSchemaErrors(err error, ps *[]Problem) {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			collectSchemaErrors(e, ps)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		*ps = append(*ps, Problem{Path: "", Message: err.Error()})
		return
	}
	if se.SchemaField == "format" && se.Schema != nil && se.Schema.Format == "date-time" {
		return // dateProblems checks date-times with the client's own parser (+0000 included)
	}
	if se.Origin != nil {
		var inner openapi3.MultiError
		if errors.As(se.Origin, &inner) {
			collectSchemaErrors(inner, ps)
			return
		}
	}
	*ps = append(*ps, schemaProblem(se))
}

// schemaProblem turns one schema error into a Problem. It uses the error's reason and the
// schema, never the offending value, which may be a secret (a connectorToken).
func schemaProblem(se *openapi3.SchemaError) Problem {
	path := pointer(se.JSONPointer())
	reason := se.Reason
	s := se.Schema
	p := Problem{Path: path, Message: reason}
	switch se.SchemaField {
	case "required":
		name := between(reason, `"`, `"`)
		if name != "" && !strings.HasSuffix(path, "/"+escapePointer(name)) {
			p.Path = path + "/" + escapePointer(name)
			p.Message = "required field is missing"
		}
		p.Message = "required field is missing"
		p.Fix = "add it"
	case "type":
		if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 {
			p.Message = "wrong type: want " + article(s.Type.Slice()[0])
			p.Fix = "give " + article(s.Type.Slice()[0]) + " here"
		}
	case "nullable":
		p.Message = "null is not allowed here"
		p.Fix = "give a value or leave the field out"
	case "enum":
		if s != nil {
			vals := make([]string, 0, len(s.Enum))
			for _, v := range s.Enum {
				vals = append(vals, fmt.Sprint(v))
			}
			p.Message = "not an allowed value"
			p.Fix = "use one of " + strings.Join(vals, ", ")
		}
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			p.Message = fmt.Sprintf("longer than %d characters", *s.MaxLength)
			p.Fix = fmt.Sprintf("shorten it to at most %d characters", *s.MaxLength)
		}
	case "minLength":
		if s != nil {
			p.Fix = fmt.Sprintf("give at least %d characters", s.MinLength)
		}
	case "minItems":
		if s != nil {
			p.Message = fmt.Sprintf("fewer than %d item(s)", s.MinItems)
			p.Fix = fmt.Sprintf("give at least %d", s.MinItems)
		}
	case "minimum", "maximum":
		if s != nil && s.Min != nil && s.Max != nil {
			p.Message = fmt.Sprintf("out of range %v..%v", *s.Min, *s.Max)
			p.Fix = fmt.Sprintf("give a number from %v to %v", *s.Min, *s.Max)
		}
	case "format":
		p.Fix = "see the field's format in the spec"
	}
	if p.Message == "" {
		p.Message = "does not match the spec (" + se.SchemaField + ")"
	}
	if p.Fix == "" {
		p.Fix = "see JobCreateRequestDto in openapi.yaml"
	}
	return p
}

// unknownFieldProblems reports the object keys doc has and schema s does not declare.
func unknownFieldProblems(s *openapi3.Schema, doc any, path string) []Problem {
	if s == nil {
		return nil
	}
	var ps []Problem
	switch v := doc.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return nil // a free-form object
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ref, ok := s.Properties[k]
			if !ok {
				p := Problem{Path: path + "/" + escapePointer(k), Message: "unknown field", Fix: "remove it or correct its name"}
				if near := nearest(k, s.Properties); near != "" {
					p.Fix = "did you mean " + strconv.Quote(near) + "?"
				}
				ps = append(ps, p)
				continue
			}
			if ref != nil {
				ps = append(ps, unknownFieldProblems(ref.Value, v[k], path+"/"+escapePointer(k))...)
			}
		}
	case []any:
		if s.Items == nil {
			return nil
		}
		for i, item := range v {
			ps = append(ps, unknownFieldProblems(s.Items.Value, item, path+"/"+strconv.Itoa(i))...)
		}
	}
	return ps
}

// nearest returns the declared property that differs from k only in case, or "".
func nearest(k string, props openapi3.Schemas) string {
	for name := range props {
		if strings.EqualFold(name, k) || strings.EqualFold(name, k+"s") || strings.EqualFold(name+"s", k) {
			return name
		}
	}
	return ""
}

// dateProblems checks the date-times of a decoded request with the parser the client uses, so
// that Phrase's +0000 form is accepted and anything else is reported with its path.
func dateProblems(doc any) []Problem {
	var ps []Problem
	check := func(v any, path string) {
		s, ok := v.(string)
		if !ok {
			return // the schema reports wrong types
		}
		if _, err := api.ParseDateTime(s); err != nil {
			ps = append(ps, Problem{Path: path, Message: "not a date-time", Fix: "use RFC 3339 in UTC, e.g. 2026-12-01T17:00:00Z"})
		}
	}
	m, _ := doc.(map[string]any)
	if v, ok := m["due"]; ok {
		check(v, "/due")
	}
	if steps, ok := m["workflowSettings"].([]any); ok {
		for i, st := range steps {
			if sm, ok := st.(map[string]any); ok {
				if v, ok := sm["due"]; ok {
					check(v, "/workflowSettings/"+strconv.Itoa(i)+"/due")
				}
			}
		}
	}
	return ps
}

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

// pointer builds a JSON pointer from its segments.
func pointer(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(escapePointer(s))
	}
	return b.String()
}

// escapePointer escapes one JSON pointer segment (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// between returns the text between the first open and the next close, or "".
func between(s, open, close string) string {
	i := strings.Index(s, open)
	if i < 0 {
		return ""
	}
	rest := s[i+len(open):]
	j := strings.Index(rest, close)
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// article returns a JSON type name with its indefinite article ("an array", "a string").
func article(t string) string {
	switch t {
	case "array", "object", "integer":
		return "an " + t
	}
	return "a " + t
}
