package api_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	connectortask "github.com/seed-a960d6a4/connectortask"
	"github.com/seed-a960d6a4/connectortask/internal/specdoc"
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
	doc, err := specdoc.GetSpec()
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

func TestSpecEveryDateIsDateTimeAndEveryPropertyDescribed(t *testing.T) {
	doc := loadSpec(t)
	seen := map[*openapi3.Schema]bool{}
	for name, s := range doc.Components.Schemas {
		walk(name, s, seen, func(path string, v *openapi3.Schema) {
			if v.Description == "" {
				t.Errorf("%s has no description", path)
			}
			last := path[strings.LastIndex(path, ".")+1:]
			if (strings.HasPrefix(last, "date") || last == "due" || last == "expires" || strings.HasSuffix(last, "Date") || strings.HasSuffix(last, "Performed")) && v.Format != "date-time" {
				t.Errorf("%s looks like a date but is not format date-time", path)
			}
		})
		for prop, p := range s.Value.Properties {
			if p.Ref != "" && p.Value.Description == "" {
				t.Errorf("%s.%s refers to an undescribed schema", name, prop)
			}
		}
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
	for _, name := range []string{"JobStatus", "ProviderType", "AsyncRequestAction", "WarningDomain", "UserRole"} {
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
