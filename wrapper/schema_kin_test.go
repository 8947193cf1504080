package wrapper

// The differential test of the request validator (schema.go) against kin-openapi: the
// validation that wrapper used before (kin-openapi's Schema.VisitJSON over the decoded request,
// its errors turned into Problems, date-times checked with api.ParseDateTime), kept here
// verbatim as the reference. Both must report exactly the same Problems (path, message, fix)
// for every JSON value: the seeds run in `go test`, and
//
//	go test -run '^$' -fuzz FuzzSchemaAgreesWithKinOpenAPI -fuzztime 10m ./wrapper
//
// searches for a disagreement. Besides the body schema of openapi.yaml it uses a synthetic
// schema with the keywords that body does not use today (allOf, nullable, pattern,
// additionalProperties, readOnly, exclusive bounds, maxItems, enums beside null...).

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/apispec"
	"github.com/seed-a960d6a4/connectortask/internal/reqschema"
	"github.com/seed-a960d6a4/connectortask/internal/reqschema/compile"
)

// kinBodySchema is the body schema as kin-openapi loads it from the embedded spec.
var kinBodySchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	doc, err := apispec.GetSpec()
	if err != nil {
		return nil, err
	}
	item := doc.Paths.Find("/api2/v1/projects/{projectUid}/jobs/connectorTask")
	return item.Post.RequestBody.Value.Content.Get("application/json").Schema.Value, nil
})

const syntheticSpec = `
openapi: 3.0.3
info: {title: synthetic, version: "1"}
paths: {}
components:
  schemas:
    Root:
      type: object
      required: [name, kind, ro]
      additionalProperties: false
      properties:
        name: {type: string, minLength: 2, maxLength: 5, pattern: '^[a-z]+$'}
        kind: {type: string, enum: [a, b], nullable: true}
        strict: {type: string, enum: [a, b]}
        count: {type: integer, format: int32, minimum: 1, maximum: 10, exclusiveMaximum: true}
        big: {type: integer, format: int64}
        ratio: {type: number, minimum: 0, exclusiveMinimum: true}
        low: {type: number, maximum: 5}
        due: {type: string, format: date-time}
        tags: {type: array, minItems: 1, maxItems: 2, items: {type: string, maxLength: 3}}
        meta: {type: object, additionalProperties: {type: integer}}
        anything: {}
        untyped: {minLength: 1, description: any type}
        ro: {type: string, readOnly: true}
        both:
          allOf:
            - $ref: '#/components/schemas/Part'
            - type: object
              required: [b]
              properties: {b: {type: boolean}}
        free: {type: object}
        nul: {nullable: true, type: object, properties: {x: {type: string}}}
        list: {type: array, items: {$ref: '#/components/schemas/Part'}}
    Part:
      type: object
      required: [a]
      properties: {a: {type: string, enum: [x]}}
`

type syntheticSchemas struct {
	kin      *openapi3.Schema
	nodes    []reqschema.Node
	patterns []*regexp.Regexp
}

var synthetic = sync.OnceValues(func() (syntheticSchemas, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(syntheticSpec))
	if err != nil {
		return syntheticSchemas{}, err
	}
	if err := doc.Validate(loader.Context); err != nil {
		return syntheticSchemas{}, err
	}
	root := doc.Components.Schemas["Root"].Value
	nodes, err := compile.Compile(root)
	if err != nil {
		return syntheticSchemas{}, err
	}
	return syntheticSchemas{kin: root, nodes: nodes, patterns: compilePatterns(nodes)}, nil
})

// agree compares the two validators on data (one JSON value) against the body schema
// (synthetic false) or the synthetic one, in both modes (strict: unknown fields too).
func agree(t *testing.T, data []byte, useSynthetic bool) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return // not one JSON value: ValidateRequestJSON reports it before validating
	}
	for _, strict := range []bool{false, true} {
		var want, got []Problem
		if useSynthetic {
			syn, err := synthetic()
			if err != nil {
				t.Fatal(err)
			}
			want = kinSchemaProblems(syn.kin, doc)
			if strict {
				want = append(want, kinUnknownFieldProblems(syn.kin, doc, "")...)
			}
			if m, ok := doc.(map[string]any); ok {
				if s, ok := m["due"].(string); ok {
					if _, err := api.ParseDateTime(s); err != nil {
						want = append(want, Problem{Path: "/due", Message: "not a date-time", Fix: "use RFC 3339 in UTC, e.g. 2026-12-01T17:00:00Z"})
					}
				}
			}
			got = walkSchema(syn.nodes, syn.patterns, data, strict)
		} else {
			s, err := kinBodySchema()
			if err != nil {
				t.Fatal(err)
			}
			want = kinSchemaProblems(s, doc)
			if strict {
				want = append(want, kinUnknownFieldProblems(s, doc, "")...)
			}
			want = append(want, kinDateProblems(doc)...)
			got = schemaProblemsJSON(data, strict)
		}
		w, g := sortedProblems(want), sortedProblems(got)
		if !slices.Equal(w, g) {
			t.Fatalf("validators disagree on %s (synthetic %v, strict %v)\nkin-openapi: %q\nwrapper:     %q", data, useSynthetic, strict, w, g)
		}
	}
}

func sortedProblems(ps []Problem) []Problem {
	var ve *ValidationError
	if errors.As(problemsErr(slices.Clone(ps)), &ve) {
		return ve.Problems
	}
	return nil
}

var differentialSeeds = []string{
	// The body schema.
	`{"targetLangs":["de"]}`,
	`{"targetLangs":["de","fr"],"due":"2099-12-01T17:00:00Z","path":"marketing/2026/winter","callbackUrl":"https://hooks.example.com/phrase/jobs","preTranslate":true,"assignments":[{"targetLang":"de","providers":[{"type":"VENDOR","uid":"Vn3kRt8sQw1Lp0Zx"}]}]}`,
	`{"targetLangs":["de"],"workflowSettings":[{"id":"wfStep1","due":"2026-12-01T17:00:00+0000","assignments":[{"targetLang":"de","providers":[{"type":"VENDOR","uid":"V"}],"assignedUsers":[{"id":1024}]}],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":30}}]}`,
	`{}`, `[]`, `null`, `"x"`, `1.5`, `true`,
	`{"targetLangs":[]}`, `{"targetLangs":null}`, `{"targetLangs":"de"}`, `{"targetLangs":[null,1,true,{},[]]}`,
	`{"targetLangs":["de"],"due":null}`, `{"targetLangs":["de"],"due":"next friday"}`, `{"targetLangs":["de"],"due":5}`,
	`{"targetLangs":["de"],"path":"` + strings.Repeat("é", 256) + `"}`,
	`{"targetLangs":["de"],"path":"` + strings.Repeat("a", 255) + `"}`,
	`{"targetLangs":["de"],"path":"` + strings.Repeat(`\u00e9`, 256) + `"}`,
	`{"targetLangs":["de"],"notifyProvider":{"notificationIntervalInMinutes":-1}}`,
	`{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{},"notificationIntervalInMinutes":1e10}}`,
	`{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":7},"notificationIntervalInMinutes":1.5}}`,
	`{"targetLangs":["de"],"assignments":[{"assignedUsers":[{"id":1e19},{"id":-9.3e18},{"id":"1"},{}]}]}`,
	`{"targetLangs":["de"],"assignments":[{"providers":[{"type":"USER"},{"type":"user"},{"type":null},{"type":7},{}]}]}`,
	`{"targetLangs":["de"],"remoteFile":{"connectorToken":12345678,"remoteFileName":null}}`,
	`{"targetLangs":["de"],"remoteFile":{}}`,
	`{"targetLangs":["de"],"importSettings":{"uid":""},"xmlAssistantProfile":null,"jobPreviewPackageFileUidRef":[]}`,
	`{"targetLangs":["de"],"workflowSettings":[{}, null, {"assignments":null,"due":"x"}]}`,
	`{"targetLangs":["de"],"dueDate":"x","Path":"p","assignment":[],"remoteFile":{"connectorToken":"c","remoteFileName":"f","folder":"/"}}`,
	`{"targetLangs":["de"],"path":5,"path":"ok"}`, `{"targetLangs":["de"],"path":"ok","path":5}`,
	`{"targetLangs":["de"],"x":1,"x":2,"t\u0061rgetLangs":[]}`,
	`{"targetLangs":["de"],"a/b~c":1,"assignments":[{"providers":[{"type":"USER","x~y":1}]}]}`,
	"{\"targetLangs\":[\"de\"],\"\xff\":1,\"\xfe\":2}",
	" \n{\"targetLangs\" : [ \"de\" , \"fr\" ] ,\n \"preTranslate\" : false }\n",
	// The synthetic schema (a leading S selects it in the fuzz target).
	`S{"name":"ab","kind":"a","ro":null}`,
	`S{"kind":null}`,
	`S{"name":"A","kind":"c","strict":null,"ro":"x"}`,
	`S{"name":"abcdef7","kind":5,"count":10,"big":1e20,"ratio":0,"low":6,"due":"x"}`,
	`S{"count":0.5,"ratio":-1,"tags":[],"meta":{"a":1,"b":"x","c":null},"anything":null,"untyped":""}`,
	`S{"tags":["abcd",1,"a","b"],"untyped":7,"both":{},"free":{"z":1},"nul":null,"list":[{"a":"y"},{},null,{"a":"x","q":1}]}`,
	`S{"both":{"a":"x","b":true,"c":1},"nul":{"x":1,"y":2}}`,
	`S{"both":{"a":"y","b":"no"},"zz":1,"aa":2,"zz":3}`,
	`S{"both":null}`, `S{"untyped":"\u00e9"}`, `S{"name":"a\u0062"}`, `S{"ro":"x","ro":null}`,
	`S[]`, `S"x"`, `S{"tags":null,"meta":[],"free":"x"}`,
}

func TestSchemaAgreesWithKinOpenAPI(t *testing.T) {
	for _, s := range differentialSeeds {
		syn := strings.HasPrefix(s, "S")
		agree(t, []byte(strings.TrimPrefix(s, "S")), syn)
	}
}

// Problems are sorted by path in a total order: keys whose numbers tie ("0", "00"), numbers at
// the ends of int's range, and numbers against other keys (8 < 22 numerically, "22" < "2A" <
// "8" as text went round), so the order found never shows. The fuzz target found both.
func TestComparePathsIsATotalOrder(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"/x/000000", "/x/00000000000000", -1},
		{"/x/2", "/x/10", -1},
		{"/x/-9223372036854775808", "/x/9223372036854775807", -1},
		{"/x/9223372036854775807", "/x/-9223372036854775808", 1},
		{"/a", "/a/b", -1},
		{"/a/0", "/a/0", 0},
		{"/8", "/22", -1}, {"/22", "/2A", -1}, {"/8", "/2A", -1}, {"/0A10", "/8", 1},
	} {
		if got := comparePaths(c.a, c.b); (got > 0) != (c.want > 0) || (got < 0) != (c.want < 0) {
			t.Errorf("comparePaths(%q, %q) = %d, want sign of %d", c.a, c.b, got, c.want)
		}
	}
}

// FuzzSchemaAgreesWithKinOpenAPI: the validator and kin-openapi report the same problems on
// any JSON value; a first byte 'S' selects the synthetic schema.
func FuzzSchemaAgreesWithKinOpenAPI(f *testing.F) {
	for _, s := range differentialSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		syn := len(data) > 0 && data[0] == 'S'
		if syn {
			data = data[1:]
		}
		agree(t, data, syn)
	})
}

// The reference: wrapper's validation before schema.go, kin-openapi's errors as Problems.

func kinSchemaProblems(s *openapi3.Schema, doc any) []Problem {
	err := s.VisitJSON(doc, openapi3.MultiErrors(), openapi3.VisitAsRequest())
	if err == nil {
		return nil
	}
	var ps []Problem
	kinCollect(err, &ps)
	return ps
}

func kinCollect(err error, ps *[]Problem) {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			kinCollect(e, ps)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		*ps = append(*ps, Problem{Path: "", Message: err.Error()})
		return
	}
	if se.SchemaField == "format" && se.Schema != nil && se.Schema.Format == "date-time" {
		return
	}
	if se.Origin != nil {
		var inner openapi3.MultiError
		if errors.As(se.Origin, &inner) {
			kinCollect(inner, ps)
			return
		}
	}
	*ps = append(*ps, kinProblem(se))
}

func kinProblem(se *openapi3.SchemaError) Problem {
	path := kinPointer(se.JSONPointer())
	reason := se.Reason
	s := se.Schema
	p := Problem{Path: path, Message: reason}
	switch se.SchemaField {
	case "required":
		name := kinBetween(reason, `"`, `"`)
		if name != "" && !strings.HasSuffix(path, "/"+escapePointer(name)) {
			p.Path = path + "/" + escapePointer(name)
		}
		p.Message = "required field is missing"
		p.Fix = "add it"
	case "type":
		if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 {
			p.Message = "wrong type: want " + article(s.Type.Slice()[0])
			p.Fix = "give " + article(s.Type.Slice()[0]) + " here"
		}
	case "nullable":
		if rp, ok := requiredNullProblem(p.Path); ok {
			return rp
		}
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

func kinUnknownFieldProblems(s *openapi3.Schema, doc any, path string) []Problem {
	if s == nil {
		return nil
	}
	var ps []Problem
	switch v := doc.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return nil
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
				names := make([]string, 0, len(s.Properties))
				for name := range s.Properties {
					names = append(names, name)
				}
				slices.Sort(names)
				for _, name := range names {
					if strings.EqualFold(name, k) || strings.EqualFold(name, k+"s") || strings.EqualFold(name+"s", k) {
						p.Fix = "did you mean " + strconv.Quote(name) + "?"
						break
					}
				}
				ps = append(ps, p)
				continue
			}
			if ref != nil {
				ps = append(ps, kinUnknownFieldProblems(ref.Value, v[k], path+"/"+escapePointer(k))...)
			}
		}
	case []any:
		if s.Items == nil {
			return nil
		}
		for i, item := range v {
			ps = append(ps, kinUnknownFieldProblems(s.Items.Value, item, path+"/"+strconv.Itoa(i))...)
		}
	}
	return ps
}

func kinDateProblems(doc any) []Problem {
	var ps []Problem
	check := func(v any, path string) {
		s, ok := v.(string)
		if !ok {
			return
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

func kinPointer(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(escapePointer(s))
	}
	return b.String()
}

func kinBetween(s, open, close string) string {
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
