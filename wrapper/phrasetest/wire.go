package phrasetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// phraseDateLayout is the layout of every date-time the fake writes: Phrase's own, with a
// colon-less offset, always +0000 (e.g. 2026-11-28T17:03:12+0000). api.DateTime reads it.
const phraseDateLayout = "2006-01-02T15:04:05-0700"

// formatPhraseDate returns t as Phrase writes it: UTC, whole seconds, "+0000".
func formatPhraseDate(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(phraseDateLayout)
}

// dateKeys are the JSON names of every date-time field the fake writes. api.DateTime marshals
// as RFC 3339 with "Z"; encode rewrites these keys' values into Phrase's form. A test checks
// that every api.DateTime field of the answer types is listed here.
var dateKeys = map[string]bool{
	"dateCreated":                        true,
	"dateDue":                            true,
	"updateSourceDate":                   true,
	"expires":                            true,
	"lastInvalidateAllSessionsPerformed": true,
	"due":                                true,
}

// Values and names an answer carries under WithUnknownEnumsAndFields; none is in the spec.
const (
	// UnknownJobStatus is the job status the fake writes under [WithUnknownEnumsAndFields].
	UnknownJobStatus = "SOMETHING_NEW"
	// UnknownAsyncAction is the asynchronous request action written under [WithUnknownEnumsAndFields].
	UnknownAsyncAction = "FUTURE_ACTION"
	// UnknownUserRole is the user role written under [WithUnknownEnumsAndFields].
	UnknownUserRole = "FUTURE_ROLE"
	// UnknownWarningDomain is the domain of the warning added under [WithUnknownEnumsAndFields].
	UnknownWarningDomain = "FUTURE_DOMAIN"
	// UnknownProviderType is the type of the provider added to every job under
	// [WithUnknownEnumsAndFields].
	UnknownProviderType = "FUTURE_PROVIDER_TYPE"
	// UnknownFieldName is the field added to every JSON object of every answer under
	// [WithUnknownEnumsAndFields]; its value is a string.
	UnknownFieldName = "someFutureField"
	// UnknownObjectFieldName is the field added to the top-level object of every answer under
	// [WithUnknownEnumsAndFields]; its value is an object holding an array.
	UnknownObjectFieldName = "someFutureObject"
)

// encode marshals v (a generated api type) as the fake sends it: date-times in Phrase's form,
// set adds or overrides top-level keys (e.g. an explicit "asyncResponse": null), and unknown
// fields are added when the option asks for them.
func (f *fake) encode(v any, set map[string]any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	tree, err = rewriteDates(tree, "")
	if err != nil {
		return nil, err
	}
	if top, ok := tree.(map[string]any); ok {
		for k, val := range set {
			top[k] = val
		}
		if f.cfg.unknownEnums {
			addUnknownFields(top)
			top[UnknownObjectFieldName] = map[string]any{
				"kind":  "added by phrasetest.WithUnknownEnumsAndFields",
				"items": []any{1, "two", nil, map[string]any{}},
			}
		}
	}
	return json.Marshal(tree)
}

// rewriteDates rewrites the values of dateKeys from RFC 3339 into Phrase's form.
func rewriteDates(node any, key string) (any, error) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			nv, err := rewriteDates(v, k)
			if err != nil {
				return nil, err
			}
			n[k] = nv
		}
	case []any:
		for i, v := range n {
			nv, err := rewriteDates(v, key)
			if err != nil {
				return nil, err
			}
			n[i] = nv
		}
	case string:
		if dateKeys[key] {
			d, err := api.ParseDateTime(n)
			if err != nil {
				return nil, fmt.Errorf("phrasetest: date field %s: %w", key, err)
			}
			return formatPhraseDate(d.Time), nil
		}
	}
	return node, nil
}

// addUnknownFields adds UnknownFieldName to every object in node.
func addUnknownFields(node any) {
	switch n := node.(type) {
	case map[string]any:
		for _, v := range n {
			addUnknownFields(v)
		}
		n[UnknownFieldName] = "a field this spec does not describe"
	case []any:
		for _, v := range n {
			addUnknownFields(v)
		}
	}
}

// writeJSON writes v (a generated api type) with status, as Phrase would.
func (f *fake) writeJSON(w http.ResponseWriter, status int, v any, set map[string]any) {
	body, err := f.encode(v, set)
	if err != nil {
		// Only a bug of the fake gets here; answer like Phrase's own failures do.
		status = http.StatusInternalServerError
		body = []byte(`{"errorCode":"InternalError","errorDescription":"phrasetest could not encode its answer."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError writes Phrase's error body: {"errorCode","errorDescription","errorDetails"?}.
func (f *fake) writeError(w http.ResponseWriter, status int, code, desc string, details ...api.ErrorDetailDto) {
	e := api.ErrorResponse{ErrorCode: &code, ErrorDescription: &desc}
	if len(details) > 0 {
		e.ErrorDetails = details
	}
	f.writeJSON(w, status, e, nil)
}

// fieldDetail is an errorDetails entry naming the field at fault.
func fieldDetail(code, field, message string) api.ErrorDetailDto {
	args := map[string]any{"field": field}
	return api.ErrorDetailDto{Code: &code, Args: &args, Message: &message}
}

// lostResponseHTML is what a proxy in front of Phrase answers when it lost the answer.
const lostResponseHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

func ptr[T any](v T) *T { return &v }
