package api_test

import (
	"context"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	connectortask "github.com/seed-a960d6a4/connectortask"
	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/apispec"
)

// loadSpec parses openapi.yaml exactly as committed and validates it, examples included.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(connectortask.OpenAPISpec)
	if err != nil {
		t.Fatalf("openapi.yaml does not load: %v", err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3.0 (examples included): %v", err)
	}
	return doc
}

func TestSpecLoadsAndValidates(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
}

func TestEmbeddedSpecValidates(t *testing.T) {
	doc, err := apispec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("embedded spec: %v", err)
	}
}

// An example that breaks its schema must be caught: the check above is not vacuous.
func TestExampleValidationCatchesABadExample(t *testing.T) {
	bad := strings.Replace(string(connectortask.OpenAPISpec),
		"                  targetLangs: [de, fr]\n                  due: '2026-12-01T17:00:00Z'",
		"                  targetLangs: de\n                  due: '2026-12-01T17:00:00Z'", 1)
	if bad == string(connectortask.OpenAPISpec) {
		t.Fatal("test fixture no longer matches openapi.yaml")
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err == nil {
		t.Fatal("an example with targetLangs as a string validated")
	}
}

func TestSpecOperations(t *testing.T) {
	doc := loadSpec(t)
	type opWant struct {
		method, path, id string
		secured          bool
		success          string
	}
	for _, w := range []opWant{
		{"POST", "/api2/v1/projects/{projectUid}/jobs/connectorTask", "createJobFromAsyncDownloadTask", true, "201"},
		{"POST", "/api2/v1/auth/login", "login", false, "200"},
		{"GET", "/api2/v1/async/{asyncRequestId}", "getAsyncRequest", true, "200"},
	} {
		item := doc.Paths.Find(w.path)
		if item == nil {
			t.Errorf("%s %s missing", w.method, w.path)
			continue
		}
		op := item.GetOperation(w.method)
		if op == nil || op.OperationID != w.id {
			t.Errorf("%s %s: operation %v, want id %s", w.method, w.path, op, w.id)
			continue
		}
		if op.Description == "" || op.Summary == "" {
			t.Errorf("%s: needs summary and description", w.id)
		}
		security := doc.Security
		if op.Security != nil {
			security = *op.Security
		}
		if got := len(security) > 0; got != w.secured {
			t.Errorf("%s: secured = %v, want %v", w.id, got, w.secured)
		}
		if op.Responses.Value(w.success) == nil {
			t.Errorf("%s: no %s response", w.id, w.success)
		}
		for _, code := range []string{"400", "401", "403", "404", "405", "408", "410", "415", "429", "500", "501"} {
			r := op.Responses.Value(code)
			if r == nil {
				t.Errorf("%s: no %s response", w.id, code)
				continue
			}
			if s := r.Value.Content.Get("application/json"); s == nil || s.Schema.Ref != "#/components/schemas/ErrorResponse" {
				t.Errorf("%s %s: body is not ErrorResponse", w.id, code)
			}
		}
		for _, code := range []string{"502", "503", "504"} {
			r := op.Responses.Value(code)
			if r == nil || r.Value.Content.Get("text/html") == nil {
				t.Errorf("%s %s: a proxy's HTML page is not described", w.id, code)
			}
		}
		for _, code := range []string{"429", "503"} {
			r := op.Responses.Value(code)
			if r == nil || r.Value.Headers["Retry-After"] == nil {
				t.Errorf("%s %s: no Retry-After header", w.id, code)
			}
		}
		for _, p := range op.Parameters {
			if p.Value.Description == "" {
				t.Errorf("%s: parameter %s has no description", w.id, p.Value.Name)
			}
		}
	}

	op := doc.Paths.Find("/api2/v1/projects/{projectUid}/jobs/connectorTask").Post
	q := map[string]*openapi3.Parameter{}
	for _, p := range op.Parameters {
		q[p.Value.In+":"+p.Value.Name] = p.Value
	}
	if p := q["path:projectUid"]; p == nil || !p.Required {
		t.Error("projectUid must be a required path parameter")
	}
	if p := q["query:downloadTaskId"]; p == nil || p.Required || !p.Schema.Value.Type.Is("string") {
		t.Error("downloadTaskId must be an optional string query parameter")
	}
	if p := q["query:continuous"]; p == nil || p.Schema.Value.Default != false {
		t.Error("continuous must be a boolean query parameter with default false")
	}

	var servers []string
	for _, s := range doc.Servers {
		servers = append(servers, s.URL)
	}
	if !slices.Equal(servers, []string{"https://cloud.memsource.com/web", "https://us.cloud.memsource.com/web"}) {
		t.Errorf("servers = %v", servers)
	}
	if s := doc.Components.SecuritySchemes["ApiToken"]; s == nil || s.Value.Type != "apiKey" || s.Value.In != "header" || s.Value.Name != "Authorization" {
		t.Error("ApiToken scheme must be an apiKey in the Authorization header")
	}
	if s := doc.Components.SecuritySchemes["Bearer"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" {
		t.Error("Bearer scheme must be http bearer")
	}
}

func props(t *testing.T, doc *openapi3.T, name string) openapi3.Schemas {
	t.Helper()
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("schema %s missing", name)
	}
	return s.Value.Properties
}

func keys(m openapi3.Schemas) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The fields of the endpoint's documentation page and the fact sheet, one by one.
func TestSpecFieldsMatchTheReference(t *testing.T) {
	doc := loadSpec(t)
	want := map[string][]string{
		"JobCreateRequestDto":       {"assignments", "callbackUrl", "due", "importSettings", "jobPreviewPackageFileUidRef", "notifyProvider", "path", "preTranslate", "remoteFile", "semanticMarkup", "targetLangs", "useProjectFileImportSettings", "workflowSettings", "xmlAssistantProfile"},
		"WorkflowStepConfiguration": {"assignments", "due", "id", "notifyProvider"},
		"ProvidersPerLanguage":      {"assignedUsers", "providers", "targetLang"},
		"ProviderReference":         {"id", "type", "uid"},
		"UidReference":              {"uid"},
		"IdReference":               {"id"},
		"NotifyProviderDto":         {"notificationIntervalInMinutes", "organizationEmailTemplate"},
		"JobCreateRemoteFileDto":    {"connectorToken", "continuous", "remoteFileName", "remoteFileNameRegex", "remoteFolder"},
		"JobListDto":                {"asyncRequest", "jobs", "unsupportedFiles", "warnings"},
		"JobPartReference":          {"continuous", "dateCreated", "dateDue", "filename", "imported", "jobAssignedEmailTemplate", "notificationIntervalInMinutes", "providers", "sourceFileUid", "status", "targetLang", "uid", "updateSourceDate", "workflowLevel", "workflowStep"},
		"WorkflowStepReference":     {"id", "lqaEnabled", "name", "order", "uid"},
		"AsyncRequestReference":     {"action", "dateCreated", "id"},
		"JobCreateWarningDto":       {"domain", "jobPartIds", "message"},
		"ErrorResponse":             {"errorCode", "errorDescription", "errorDetails"},
		"ErrorDetailDto":            {"args", "code", "message"},
		"LoginDto":                  {"code", "password", "userName"},
		"LoginResponseDto":          {"expires", "lastInvalidateAllSessionsPerformed", "token", "user"},
		"UserReference":             {"email", "firstName", "id", "lastName", "role", "uid", "userName"},
		"AsyncRequestDto":           {"action", "asyncResponse", "createdBy", "dateCreated", "id", "parent", "project"},
		"AsyncResponseDto":          {"acceptedSegmentsCount", "dateCreated", "errorCode", "errorDesc", "errorDetails", "warnings"},
		"ProjectReference":          {"name", "uid"},
		"IdReferenceLong":           {"id"},
	}
	for name, fields := range want {
		if got := keys(props(t, doc, name)); !slices.Equal(got, fields) {
			t.Errorf("%s fields = %v, want %v", name, got, fields)
		}
	}
	required := map[string][]string{
		"JobCreateRequestDto":       {"targetLangs"},
		"WorkflowStepConfiguration": {"assignments"},
		"ProviderReference":         {"type"},
		"UidReference":              {"uid"},
		"IdReference":               {"id"},
		"IdReferenceLong":           {"id"},
		"NotifyProviderDto":         {"organizationEmailTemplate"},
		"JobCreateRemoteFileDto":    {"connectorToken", "remoteFileName"},
		"LoginDto":                  {"password", "userName"},
	}
	for name, req := range required {
		got := slices.Clone(doc.Components.Schemas[name].Value.Required)
		sort.Strings(got)
		if !slices.Equal(got, req) {
			t.Errorf("%s required = %v, want %v", name, got, req)
		}
	}
	req := props(t, doc, "JobCreateRequestDto")
	if m := req["path"].Value.MaxLength; m == nil || *m != 255 {
		t.Error("path must have maxLength 255")
	}
	if d := req["useProjectFileImportSettings"].Value.Default; d != false {
		t.Error("useProjectFileImportSettings must default to false")
	}
	n := props(t, doc, "NotifyProviderDto")["notificationIntervalInMinutes"].Value
	if n.Min == nil || *n.Min != 0 || n.Max == nil || *n.Max != 1440 {
		t.Error("notificationIntervalInMinutes must be 0..1440")
	}
	if !props(t, doc, "JobCreateRemoteFileDto")["connectorToken"].Value.WriteOnly || !props(t, doc, "LoginDto")["password"].Value.WriteOnly {
		t.Error("credentials must be writeOnly")
	}
}

// walk visits every schema reachable in components, with a dotted name.
func walk(name string, s *openapi3.SchemaRef, seen map[*openapi3.Schema]bool, visit func(string, *openapi3.Schema)) {
	if s == nil || s.Value == nil || seen[s.Value] {
		return
	}
	seen[s.Value] = true
	visit(name, s.Value)
	for k, p := range s.Value.Properties {
		if p.Ref == "" {
			walk(name+"."+k, p, seen, visit)
		}
	}
	if s.Value.Items != nil && s.Value.Items.Ref == "" {
		walk(name+"[]", s.Value.Items, seen, visit)
	}
}

// looksLikeDate reports whether a property name names a date-time.
func looksLikeDate(name string) bool {
	return strings.HasPrefix(name, "date") || name == "due" || name == "expires" ||
		strings.HasSuffix(name, "Date") || strings.HasSuffix(name, "Performed")
}

// reachable returns the names of the component schemas reachable from the operations' request
// bodies (requests) and from their responses (responses). A schema may be in both.
func reachable(doc *openapi3.T) (requests, responses map[string]bool) {
	requests, responses = map[string]bool{}, map[string]bool{}
	var visit func(s *openapi3.SchemaRef, into map[string]bool)
	visit = func(s *openapi3.SchemaRef, into map[string]bool) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
			if into[name] {
				return
			}
			into[name] = true
		}
		v := s.Value
		if v == nil {
			return
		}
		for _, p := range v.Properties {
			visit(p, into)
		}
		visit(v.Items, into)
		for _, list := range []openapi3.SchemaRefs{v.AllOf, v.AnyOf, v.OneOf} {
			for _, m := range list {
				visit(m, into)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil {
				for _, mt := range op.RequestBody.Value.Content {
					visit(mt.Schema, requests)
				}
			}
			for _, r := range op.Responses.Map() {
				for _, mt := range r.Value.Content {
					visit(mt.Schema, responses)
				}
			}
		}
	}
	return requests, responses
}

const phraseDateTimeRef = "#/components/schemas/PhraseDateTime"

// wrappedRef returns the one $ref a property wraps in allOf (the OAS 3.0 way to give a
// referenced schema nullable and a description), or "".
func wrappedRef(p *openapi3.SchemaRef) string {
	if p.Ref == "" && len(p.Value.AllOf) == 1 {
		return p.Value.AllOf[0].Ref
	}
	return ""
}

func TestSpecEveryPropertyDescribed(t *testing.T) {
	doc := loadSpec(t)
	seen := map[*openapi3.Schema]bool{}
	for name, s := range doc.Components.Schemas {
		walk(name, s, seen, func(path string, v *openapi3.Schema) {
			if v.Description == "" {
				t.Errorf("%s has no description", path)
			}
		})
		for prop, p := range s.Value.Properties {
			if p.Ref != "" && p.Value.Description == "" {
				t.Errorf("%s.%s refers to an undescribed schema", name, prop)
			}
		}
	}
}

// The rules of spec/README.md ("Response fields: null and date-times"), applied to every schema
// a response carries. Every optional field accepts null in a strict OAS 3.0.3 reader, where
// nullable counts only beside a type in the same schema object (Python's
// openapi-schema-validator reads it so; nullable beside a $ref, or on an allOf that wraps one,
// lets no null through there): a field with an inline type is nullable itself, a field that
// refers to a schema wraps the $ref in allOf (to carry its description) and the referred
// schema is nullable, which only a schema that no request carries may be. Date-times of
// answers refer to PhraseDateTime (Phrase writes +0000, which is not RFC 3339); date-times of
// requests are format date-time.
func TestSpecResponseFieldsAcceptNullAndPhraseDates(t *testing.T) {
	doc := loadSpec(t)
	requests, responses := reachable(doc)
	if len(responses) < 10 || !requests["JobCreateRequestDto"] || !responses["AsyncRequestDto"] {
		t.Fatalf("reachable schemas look wrong: requests %v, responses %v", requests, responses)
	}
	for name, s := range doc.Components.Schemas {
		if s.Value.Nullable && requests[name] {
			t.Errorf("%s is nullable but requests carry it: null would pass request validation", name)
		}
		if s.Value.Nullable && s.Value.Type == nil {
			t.Errorf("%s: nullable without a type is ignored by strict readers", name)
		}
		for prop, p := range s.Value.Properties {
			at := name + "." + prop
			ref := wrappedRef(p)
			isDate := looksLikeDate(prop)
			required := slices.Contains(s.Value.Required, prop)
			if responses[name] && !required {
				switch {
				case p.Ref != "":
					t.Errorf("%s is a bare $ref; wrap it (allOf: [$ref], description) and make the schema it refers to nullable", at)
				case ref != "":
					target := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
					if target == nil || !target.Value.Nullable {
						t.Errorf("%s refers to %s, which is not nullable; Phrase writes unset fields as null", at, ref)
					}
					if p.Value.Nullable || p.Value.Type != nil {
						t.Errorf("%s: the allOf wrapper carries only a description (and an example); nullable belongs to %s", at, ref)
					}
				case !p.Value.Nullable || p.Value.Type == nil:
					t.Errorf("%s is optional in an answer but not nullable beside its type; Phrase writes unset fields as null", at)
				}
				if isDate && !requests[name] && (ref != phraseDateTimeRef || p.Value.Format != "") {
					t.Errorf("%s is a date-time in an answer: it must be allOf [$ref PhraseDateTime] without a format", at)
				}
			}
			if requests[name] && isDate && p.Value.Format != "date-time" {
				t.Errorf("%s is a date-time in a request: it must be format date-time", at)
			}
			if !requests[name] && !responses[name] {
				t.Errorf("%s: schema %s is used by no operation", at, name)
			}
		}
	}
	pdt := doc.Components.Schemas["PhraseDateTime"]
	if pdt == nil || !pdt.Value.Type.Is("string") || pdt.Value.Pattern == "" || pdt.Value.Format != "" || pdt.Value.Extensions["x-phrase-date-time"] != "iso8601-offset" {
		t.Fatal("PhraseDateTime must be a string with a pattern, no format, and x-phrase-date-time: iso8601-offset")
	}
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"2026-12-01T07:32:30+0000", true}, {"2026-12-01T07:32:30+00:00", true}, {"2026-12-01T07:32:30Z", true},
		{"2026-12-01T07:32:30.123+0200", true}, {"2026-12-01T07:32:30-05:30", true},
		{"2026-12-01 07:32:30+0000", false}, {"2026-12-01T07:32:30", false}, {"2026-12-01", false}, {"1764574350", false},
	} {
		err := pdt.Value.VisitJSON(c.in)
		if (err == nil) != c.ok {
			t.Errorf("PhraseDateTime on %q: err = %v, want ok = %v", c.in, err, c.ok)
		}
		if c.ok {
			if _, err := api.ParseDateTime(c.in); err != nil {
				t.Errorf("the pattern admits %q, which api.DateTime refuses: %v", c.in, err)
			}
		}
	}
}

// Go keeps api.DateTime for every date-time of the answers (api/go.overlay.yaml): the wrapper
// and the CLI depend on that shape.
func TestGeneratedDateTimesAreAPIDateTime(t *testing.T) {
	want := reflect.TypeFor[*api.DateTime]()
	seen := map[reflect.Type]bool{}
	var check func(t *testing.T, typ reflect.Type, at string)
	check = func(t *testing.T, typ reflect.Type, at string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ == want.Elem() {
			return
		}
		seen[typ] = true
		if typ.Name() == "" {
			t.Errorf("%s is an anonymous struct; an allOf wrapper lost its named type", at)
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if looksLikeDate(name) && f.Type != want {
				t.Errorf("%s.%s is %v, want *api.DateTime", typ.Name(), f.Name, f.Type)
			}
			check(t, f.Type, typ.Name()+"."+f.Name)
		}
	}
	for _, v := range []any{api.JobListDto{}, api.AsyncRequestDto{}, api.LoginResponseDto{}, api.ErrorResponse{}, api.JobCreateRequestDto{}} {
		check(t, reflect.TypeOf(v), reflect.TypeOf(v).Name())
	}
	if !seen[reflect.TypeFor[api.AsyncResponseDto]()] || !seen[reflect.TypeFor[api.UserReference]()] {
		t.Error("the walk did not reach AsyncResponseDto and UserReference")
	}
}

// Growing enums are open in openapi.yaml and closed only by the Go overlay; both lists agree.
func TestEnumsAreOpenAndOverlayAgrees(t *testing.T) {
	doc := loadSpec(t)
	overlayBytes, err := os.ReadFile("go.overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var overlay struct {
		Actions []struct {
			Target string `yaml:"target"`
			Update struct {
				Enum []string `yaml:"enum"`
			} `yaml:"update"`
		} `yaml:"actions"`
	}
	if err := yaml.Unmarshal(overlayBytes, &overlay); err != nil {
		t.Fatal(err)
	}
	fromOverlay := map[string][]string{}
	for _, a := range overlay.Actions {
		if a.Update.Enum == nil {
			continue
		}
		fromOverlay[strings.TrimPrefix(a.Target, "$.components.schemas.")] = a.Update.Enum
	}
	for _, name := range []string{"JobStatus", "ProviderType", "AsyncRequestAction", "WarningDomain", "UserRole", "ImportStatus"} {
		s := doc.Components.Schemas[name].Value
		if len(s.Enum) != 0 {
			t.Errorf("%s is a closed enum in openapi.yaml; readers in other languages would reject new values", name)
		}
		raw, ok := s.Extensions["x-extensible-enum"].([]any)
		if !ok || len(raw) == 0 {
			t.Errorf("%s has no x-extensible-enum", name)
			continue
		}
		var vals []string
		for _, v := range raw {
			vals = append(vals, v.(string))
			if !strings.Contains(s.Description, "`"+v.(string)+"`") {
				t.Errorf("%s: value %v not described", name, v)
			}
		}
		if !slices.Equal(vals, fromOverlay[name]) {
			t.Errorf("%s: overlay %v != spec %v; update api/go.overlay.yaml", name, fromOverlay[name], vals)
		}
		delete(fromOverlay, name)
	}
	if len(fromOverlay) != 0 {
		t.Errorf("overlay closes enums the spec does not have: %v", fromOverlay)
	}
	if got := len(doc.Components.Schemas["AsyncRequestAction"].Value.Extensions["x-extensible-enum"].([]any)); got != 37 {
		t.Errorf("AsyncRequestAction lists %d values, the fact sheet 37", got)
	}
}
