package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/jsondup"
	"github.com/seed-a960d6a4/connectortask/internal/userinput"
	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// lineTask is one input line, resolved against the defaults.
type lineTask struct {
	line              int
	projectUID        string
	downloadTaskID    string
	hasDownloadTaskID bool
	continuous        *bool
	body              api.JobCreateRequestDto
	ref               json.RawMessage
	problems          []wrapper.Problem
}

// overrideFields are the fields of a line that override one field of the body.
var overrideFields = []string{"targetLangs", "due", "path", "preTranslate", "semanticMarkup",
	"useProjectFileImportSettings", "importSettingsUid", "callbackUrl"}

// lineFields are all the fields a line may have.
var lineFields = append([]string{"projectUid", "downloadTaskId", "continuous", "body", "ref"}, overrideFields...)

// bodyOnlyFields are fields of JobCreateRequestDto that a line gives inside "body".
var bodyOnlyFields = []string{"workflowSettings", "assignments", "importSettings", "notifyProvider",
	"remoteFile", "jobPreviewPackageFileUidRef", "xmlAssistantProfile"}

func (r *batchRun) parseLine(line int, raw []byte, tooLong bool) lineTask {
	d := r.defaults
	t := lineTask{line: line, projectUID: d.projectUID, continuous: d.continuous}
	if d.downloadTaskID != nil {
		t.downloadTaskID, t.hasDownloadTaskID = *d.downloadTaskID, true
	}
	problem := func(path, msg, fix string) {
		t.problems = append(t.problems, wrapper.Problem{Path: path, Message: msg, Fix: fix})
	}
	if tooLong {
		problem("", fmt.Sprintf("the line is longer than %d bytes", maxBatchLineBytes), "split the task, or send it with create --data")
		return t
	}
	r.a.learnJSONSecrets(raw) // a connector token in the line is redacted from every output
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		msg := "not a JSON object"
		if err != nil {
			msg += ": " + err.Error()
		}
		problem("", msg, `give one object per line, e.g. {"projectUid": "...", "downloadTaskId": "..."}`)
		return t
	}
	// A key given twice: decoding keeps one of them silently (issue 14).
	dups, _ := jsondup.Find(raw) // it decoded: no syntax error here
	for _, d := range dups {
		problem(d.Path, d.Message(raw), d.Fix())
	}
	str := func(key string) (val string, present, null bool) {
		v, ok := fields[key]
		if !ok {
			return "", false, false
		}
		if isNull(v) {
			return "", true, true
		}
		if err := json.Unmarshal(v, &val); err != nil {
			problem("/"+key, "want a string, got "+jsonKind(v), "")
			return "", false, false
		}
		return strings.TrimSpace(val), true, false
	}
	boolean := func(key string) (val *bool, present bool) {
		v, ok := fields[key]
		if !ok {
			return nil, false
		}
		if isNull(v) {
			return nil, true
		}
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			problem("/"+key, "want true or false, got "+jsonKind(v), "")
			return nil, false
		}
		return &b, true
	}

	// Unknown fields: a misspelt override would otherwise be dropped without a word.
	var unknown []string
	for k := range fields {
		if !contains(lineFields, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		fix := "a line has " + strings.Join(lineFields, ", ")
		switch {
		case contains(bodyOnlyFields, k):
			fix = `give it inside "body", the line's complete JobCreateRequestDto`
		case nearest(k, lineFields) != "":
			fix = "did you mean " + nearest(k, lineFields) + "?"
		}
		problem("/"+k, "unknown field", fix)
	}

	if v, present, null := str("projectUid"); present {
		t.projectUID = ""
		if !null {
			t.projectUID = v
		}
	}
	if t.projectUID == "" {
		problem("/projectUid", "no project uid", "give projectUid in the line, or --project-uid for every line")
	}
	if v, present, null := str("downloadTaskId"); present {
		t.downloadTaskID, t.hasDownloadTaskID = v, !null
	}
	if v, present := boolean("continuous"); present {
		t.continuous = v
	}
	if v, ok := fields["ref"]; ok && !isNull(v) {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			t.ref = json.RawMessage(buf.Bytes())
		}
	}

	// The body: the line's own, or the defaults; then the overrides.
	body := make(map[string]json.RawMessage, len(d.body)+4)
	if v, ok := fields["body"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &body); err != nil || body == nil {
			problem("/body", "want a JSON object (a JobCreateRequestDto), got "+jsonKind(v), "")
			body = map[string]json.RawMessage{}
		}
	} else {
		for k, v := range d.body {
			body[k] = v
		}
	}
	set := func(key string, v any) {
		if b, err := json.Marshal(v); err == nil {
			body[key] = b
		}
	}
	if v, ok := fields["targetLangs"]; ok {
		var list []string
		var one string
		switch {
		case isNull(v):
			delete(body, "targetLangs")
		case json.Unmarshal(v, &list) == nil:
			set("targetLangs", splitLangs(list))
		case json.Unmarshal(v, &one) == nil:
			set("targetLangs", splitLangs([]string{one}))
		default:
			problem("/targetLangs", "want an array of language codes (or \"de,fr\"), got "+jsonKind(v), `e.g. ["de", "fr"]`)
		}
	}
	if v, present, null := str("due"); present {
		if null {
			delete(body, "due")
		} else if due, err := userinput.ParseTime(v, r.a.now()); err != nil {
			problem("/due", err.Error(), "RFC 3339 (2026-12-01T17:00:00Z) or relative (+72h, +3d)")
		} else {
			set("due", api.NewDateTimePtr(due))
		}
	}
	for key, field := range map[string]string{"path": "path", "callbackUrl": "callbackUrl"} {
		if v, present, null := str(key); present {
			if null {
				delete(body, field)
			} else {
				set(field, v)
			}
		}
	}
	for _, key := range []string{"preTranslate", "semanticMarkup"} {
		if v, present := boolean(key); present {
			if v == nil {
				delete(body, key)
			} else {
				set(key, *v)
			}
		}
	}
	// importSettingsUid and useProjectFileImportSettings are alternatives: a line that picks one
	// drops the default of the other (unless it gives both, which validation then refuses).
	uid, uidPresent, uidNull := str("importSettingsUid")
	useProject, usePresent := boolean("useProjectFileImportSettings")
	if uidPresent {
		if uidNull {
			delete(body, "importSettings")
		} else {
			set("importSettings", api.UidReference{Uid: uid})
			if !usePresent {
				delete(body, "useProjectFileImportSettings")
			}
		}
	}
	if usePresent {
		if useProject == nil {
			delete(body, "useProjectFileImportSettings")
		} else {
			set("useProjectFileImportSettings", *useProject)
			if *useProject && !uidPresent {
				delete(body, "importSettings")
			}
		}
	}

	final, err := json.Marshal(body)
	if err != nil {
		problem("/body", "cannot be encoded: "+err.Error(), "")
		return t
	}
	if err := wrapper.ValidateRequestJSON(final, r.a.now()); err != nil {
		var invalid *wrapper.ValidationError
		if errors.As(err, &invalid) {
			t.problems = append(t.problems, invalid.Problems...)
		} else {
			problem("", err.Error(), "")
		}
	}
	if len(t.problems) == 0 {
		if err := json.Unmarshal(final, &t.body); err != nil {
			problem("/body", err.Error(), "")
		}
	}
	return t
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// jsonKind names the type of a JSON value, for messages.
func jsonKind(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nearest returns the field k probably meant (same letters but case, or one a prefix of the
// other), or "".
func nearest(k string, fields []string) string {
	lk := strings.ToLower(k)
	for _, f := range fields {
		lf := strings.ToLower(f)
		if lk == lf || (len(lk) >= 3 && (strings.HasPrefix(lf, lk) || strings.HasPrefix(lk, lf))) {
			return f
		}
	}
	return ""
}
