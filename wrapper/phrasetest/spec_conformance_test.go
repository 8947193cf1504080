package phrasetest_test

// The fake and the spec can never disagree: TestSpecConformance records every answer the fake
// gives — every route, every fault an option injects, unknown enum values and fields included —
// and validates each against openapi.yaml with kin-openapi's openapi3filter.ValidateResponse
// (undeclared statuses fail, all errors reported, formats and patterns checked), plus a check
// of its own that no answer carries a field the spec does not declare (beyond the ones
// WithUnknownEnumsAndFields adds on purpose).
//
// With PHRASETEST_RECORD_DIR set it also writes the answers there, one JSON file each, for the
// second, independent validator (ajv, spec/validate-answers.mjs; `make spec-conformance`).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	connectortask "github.com/seed-a960d6a4/connectortask"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// RecordDirEnv names the directory TestSpecConformance writes the recorded answers to.
const recordDirEnv = "PHRASETEST_RECORD_DIR"

// recordedAnswer is one answer of the fake as spec/validate-answers.mjs reads it.
type recordedAnswer struct {
	Name    string `json:"name"`
	Options string `json:"options"` // the Server's options, for people
	Request struct {
		Method string `json:"method"`
		Path   string `json:"path"` // under /web
	} `json:"request"`
	// Operation is the spec's path template and method (lower case) the answer belongs to;
	// empty for paths and methods the spec does not have, whose body is checked against
	// Response instead.
	Operation *struct {
		Path   string `json:"path"`
		Method string `json:"method"`
	} `json:"operation,omitempty"`
	Response    string            `json:"response,omitempty"` // e.g. #/components/responses/NotFound
	Status      int               `json:"status"`
	ContentType string            `json:"contentType"`
	Headers     map[string]string `json:"headers,omitempty"`
	Body        string            `json:"body"`
	// UnknownFields lists the field names the answer may carry beyond the spec
	// (WithUnknownEnumsAndFields); every other undeclared field fails.
	UnknownFields []string `json:"unknownFields,omitempty"`
}

// conformance validates and records answers.
type conformance struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	fail   func(format string, args ...any) // t.Errorf, or a collector in the self-test

	mu       sync.Mutex
	answers  []recordedAnswer
	statuses map[string]map[int]bool // operation key -> statuses seen
}

// specServer is where routes are looked up: the first server of openapi.yaml.
const specServer = "https://cloud.memsource.com/web"

func init() {
	// openapi3filter decodes JSON and text/plain bodies; the HTML pages of proxies (502, 503,
	// 504, 413) are strings too, validated against their `type: string` schema.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

func newConformance(t *testing.T, spec []byte) *conformance {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil { // api/spec_test.go checks the examples
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		t.Fatal(err)
	}
	return &conformance{t: t, doc: doc, router: router, fail: t.Errorf, statuses: map[string]map[int]bool{}}
}

// call sends one request to srv, validates the answer and records it under name. headers are
// name, value pairs. It returns the answer's status and body.
func (c *conformance) call(srv *phrasetest.Server, opts, name, method, path, body string, unknown bool, headers ...string) (int, []byte) {
	t := c.t
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}

	a := recordedAnswer{Name: name, Options: opts, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(got)}
	a.Request.Method, a.Request.Path = method, path
	if v := resp.Header.Get("Retry-After"); v != "" {
		a.Headers = map[string]string{"Retry-After": v}
	}
	if unknown {
		a.UnknownFields = []string{phrasetest.UnknownFieldName, phrasetest.UnknownObjectFieldName}
	}

	// Route the request as if it went to Phrase itself.
	u, err := url.Parse(specServer + path)
	if err != nil {
		t.Fatal(err)
	}
	routed := req.Clone(t.Context())
	routed.URL, routed.Host = u, u.Host
	route, pathParams, err := c.router.FindRoute(routed)
	switch {
	case err == nil:
		a.Operation = &struct {
			Path   string `json:"path"`
			Method string `json:"method"`
		}{route.Path, strings.ToLower(route.Method)}
		c.validateOperation(a, routed, route, pathParams, resp.Header, got)
	case method != http.MethodGet && method != http.MethodPost || strings.Contains(err.Error(), "method not allowed"):
		a.Response = "#/components/responses/MethodNotAllowed"
		c.validateOffRoute(a, got)
	default:
		a.Response = "#/components/responses/NotFound"
		c.validateOffRoute(a, got)
	}
	if !strings.HasPrefix(a.ContentType, "text/html") {
		c.checkDeclaredFields(a, got)
	}

	c.mu.Lock()
	c.answers = append(c.answers, a)
	key := method + " " + path
	if a.Operation != nil {
		key = a.Operation.Method + " " + a.Operation.Path
	}
	if c.statuses[key] == nil {
		c.statuses[key] = map[int]bool{}
	}
	c.statuses[key][a.Status] = true
	c.mu.Unlock()
	return resp.StatusCode, got
}

// validateOperation is kin-openapi's response validation with its strictest options.
func (c *conformance) validateOperation(a recordedAnswer, req *http.Request, route *routers.Route, params map[string]string, h http.Header, body []byte) {
	c.t.Helper()
	opts := &openapi3filter.Options{
		IncludeResponseStatus:       true, // a status the spec does not declare fails
		MultiError:                  true, // every problem, not the first
		AuthenticationFunc:          openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions:     []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
		ExcludeRequestBody:          false,
		ExcludeResponseBody:         false,
		ExcludeWriteOnlyValidations: false,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 a.Status,
		Header:                 h,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(c.t.Context(), in); err != nil {
		c.fail("%s [%s]: %s %s answered %d, which openapi.yaml does not allow:\n%v\nbody: %s",
			a.Name, a.Options, a.Request.Method, a.Request.Path, a.Status, err, body)
	}
	// ValidateResponse skips bodies of media types it cannot decode; HTML must be declared.
	op := route.Operation
	r := op.Responses.Status(a.Status)
	if r == nil || r.Value == nil || r.Value.Content.Get(a.ContentType) == nil {
		c.fail("%s: %d with Content-Type %q is not declared for %s %s", a.Name, a.Status, a.ContentType, route.Method, route.Path)
	}
}

// validateOffRoute checks the answer to a path or method the spec does not have against the
// response component that describes such answers.
func (c *conformance) validateOffRoute(a recordedAnswer, body []byte) {
	c.t.Helper()
	name := strings.TrimPrefix(a.Response, "#/components/responses/")
	r := c.doc.Components.Responses[name]
	mt := r.Value.Content.Get(a.ContentType)
	if mt == nil {
		c.fail("%s: Content-Type %q is not declared by %s", a.Name, a.ContentType, a.Response)
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.fail("%s: body is not JSON: %v", a.Name, err)
		return
	}
	if err := mt.Schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		c.fail("%s: body does not match %s: %v\nbody: %s", a.Name, a.Response, err, body)
	}
}

// checkDeclaredFields fails on any object key the answer's schema does not declare, other than
// a.UnknownFields: the spec must describe everything the fake sends.
func (c *conformance) checkDeclaredFields(a recordedAnswer, body []byte) {
	c.t.Helper()
	var schema *openapi3.SchemaRef
	if a.Operation != nil {
		op := c.doc.Paths.Find(a.Operation.Path).GetOperation(strings.ToUpper(a.Operation.Method))
		if r := op.Responses.Status(a.Status); r != nil && r.Value != nil {
			if mt := r.Value.Content.Get(a.ContentType); mt != nil {
				schema = mt.Schema
			}
		}
	} else if r := c.doc.Components.Responses[strings.TrimPrefix(a.Response, "#/components/responses/")]; r != nil {
		if mt := r.Value.Content.Get(a.ContentType); mt != nil {
			schema = mt.Schema
		}
	}
	if schema == nil {
		return // reported by the validation above
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return
	}
	var walk func(s *openapi3.Schema, v any, at string)
	walk = func(s *openapi3.Schema, v any, at string) {
		if s == nil {
			return
		}
		props := openapi3.Schemas{}
		var items *openapi3.SchemaRef
		free := s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has
		for _, m := range append([]*openapi3.SchemaRef{{Value: s}}, s.AllOf...) {
			for k, p := range m.Value.Properties {
				props[k] = p
			}
			if m.Value.Items != nil {
				items = m.Value.Items
			}
			if m.Value.AdditionalProperties.Has != nil && *m.Value.AdditionalProperties.Has {
				free = true
			}
		}
		switch v := v.(type) {
		case map[string]any:
			for k, val := range v {
				p, ok := props[k]
				switch {
				case ok:
					walk(p.Value, val, at+"."+k)
				case slices.Contains(a.UnknownFields, k), free:
				default:
					c.fail("%s: %s.%s is not declared in openapi.yaml; body: %s", a.Name, at, k, body)
				}
			}
		case []any:
			if items != nil {
				for i, val := range v {
					walk(items.Value, val, fmt.Sprintf("%s[%d]", at, i))
				}
			}
		}
	}
	walk(schema.Value, v, "$")
}

// write puts every answer into dir, one file each, and index.json listing them.
func (c *conformance) write(dir string) {
	t := c.t
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, a := range c.answers {
		// Login answers carry a (fake) API token; none is written to disk. The redacted body
		// still matches the spec (token is a string).
		a.Body = tokenValue.ReplaceAllString(a.Body, `${1}"`+phrasetest.Redacted+`"`)
		file := fmt.Sprintf("%03d-%s.json", i, strings.NewReplacer("/", "-", " ", "-").Replace(a.Name))
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, file), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, file)
	}
	b, _ := json.MarshalIndent(map[string]any{"answers": names}, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "index.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tokenValue matches the token of a login answer.
var tokenValue = regexp.MustCompile(`("token"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// fixedClock is a clock the test moves by hand.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// faultOptions says, for every exported Option of phrasetest, which scenario below covers it,
// or why it changes no answer's shape. A new option fails TestSpecConformanceCoversEveryOption
// until it is listed here (and, if it changes answers, covered).
var faultOptions = map[string]string{
	"WithClock":                  "every scenario (fixed dates)",
	"WithSeed":                   "every scenario (fixed ids)",
	"WithIDSource":               "ids",
	"WithProject":                "projects",
	"WithCredentials":            "projects",
	"WithToken":                  "projects",
	"WithTokenTTL":               "token-ttl",
	"WithTokenExpiresAfterCalls": "token-calls",
	"WithRateLimited":            "rate-limited",
	"WithUnavailable":            "unavailable",
	"WithLostResponse":           "lost-response",
	"WithLostRequest":            "lost-request",
	"WithRandomFaults":           "random-faults",
	"WithAsyncPendingPolls":      "async-never",
	"WithAsyncFailure":           "async-failure",
	"WithAsyncNeverFinishes":     "async-never",
	"WithUnknownEnumsAndFields":  "unknown-enums",
	"WithMaxBodyBytes":           "too-large",
	"WithLatency":                "none: it delays answers, it does not change them",
	"WithRequestRateLimit":       "request-rate",
	"WithRequestRateWindow":      "request-rate",
}

func TestSpecConformanceCoversEveryOption(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if id, ok := fn.Type.Results.List[0].Type.(*ast.Ident); ok && id.Name == "Option" {
				found = append(found, fn.Name.Name)
			}
		}
	}
	sort.Strings(found)
	if len(found) < 10 {
		t.Fatalf("found only %v", found)
	}
	for _, name := range found {
		if faultOptions[name] == "" {
			t.Errorf("phrasetest.%s is not covered by TestSpecConformance: add a scenario and list it in faultOptions", name)
		}
	}
	for name := range faultOptions {
		if !slices.Contains(found, name) {
			t.Errorf("faultOptions lists %s, which phrasetest no longer has", name)
		}
	}
}

func TestSpecConformance(t *testing.T) {
	c := newConformance(t, connectortask.OpenAPISpec)
	start := time.Date(2026, 12, 1, 7, 32, 30, 0, time.UTC)
	const json = "application/json"

	// server starts a fake with a fixed clock and ids, plus opts.
	server := func(opts ...phrasetest.Option) (*phrasetest.Server, *fixedClock) {
		clk := &fixedClock{t: start}
		srv := newServer(t, append([]phrasetest.Option{phrasetest.WithClock(clk.now), phrasetest.WithSeed(1)}, opts...)...)
		return srv, clk
	}
	login := func(srv *phrasetest.Server, opts, name string, unknown bool) string {
		status, body := c.call(srv, opts, name, "POST", "/api2/v1/auth/login",
			fmt.Sprintf(`{"userName":%q,"password":%q}`, srv.Username, srv.Password), unknown, "Content-Type", json)
		if status != http.StatusOK {
			t.Fatalf("%s: login answered %d", name, status)
		}
		var out struct{ Token string }
		if err := jsonUnmarshal(body, &out); err != nil || out.Token == "" {
			t.Fatalf("%s: no token in %s", name, body)
		}
		return out.Token
	}
	jobs := func(uid string) string { return "/api2/v1/projects/" + uid + "/jobs/connectorTask" }
	create := func(srv *phrasetest.Server, opts, name, tok, query, body string, unknown bool) (int, string) {
		status, b := c.call(srv, opts, name, "POST", jobs(srv.ProjectUID)+query, body, unknown,
			"Content-Type", json, "Authorization", "ApiToken "+tok)
		var out struct{ AsyncRequest struct{ ID string } }
		_ = jsonUnmarshal(b, &out)
		return status, out.AsyncRequest.ID
	}
	poll := func(srv *phrasetest.Server, opts, name, tok, id string, unknown bool) int {
		status, _ := c.call(srv, opts, name, "GET", "/api2/v1/async/"+id, "", unknown, "Authorization", "ApiToken "+tok)
		return status
	}
	full := `{"targetLangs":["de","fr"],"assignments":[{"targetLang":"de","providers":[{"type":"VENDOR","uid":"Vn3kRt8sQw1Lp0Zx"}],"assignedUsers":[{"id":1024}]}],` +
		`"importSettings":{"uid":"Is5qWe7rTy9uIo1p"},"preTranslate":true,"semanticMarkup":false,` +
		`"notifyProvider":{"organizationEmailTemplate":{"id":"77"},"notificationIntervalInMinutes":30},` +
		`"callbackUrl":"https://hooks.example.com/phrase","path":"marketing/2026","due":"2026-12-08T17:00:00Z",` +
		`"remoteFile":{"connectorToken":"ct-secret","remoteFolder":"/m","remoteFileName":"winter.docx","remoteFileNameRegex":false,"continuous":true},` +
		`"jobPreviewPackageFileUidRef":{"uid":"Pv1"},"xmlAssistantProfile":{"uid":"Xa1"}}`
	workflow := `{"targetLangs":["de"],"useProjectFileImportSettings":true,"workflowSettings":[{"id":"7","due":"2026-12-08T17:00:00Z",` +
		`"assignments":[{"targetLang":"de","providers":[{"type":"USER","id":"3"}]}],"notifyProvider":{"organizationEmailTemplate":{"id":"39"}}}]}`

	t.Run("default", func(t *testing.T) {
		const o = "default"
		srv, _ := server()
		tok := login(srv, o, "login ok", false)
		c.call(srv, o, "login wrong password", "POST", "/api2/v1/auth/login", `{"userName":"demo","password":"wrong"}`, false, "Content-Type", json)
		c.call(srv, o, "login missing fields", "POST", "/api2/v1/auth/login", `{}`, false, "Content-Type", json)
		c.call(srv, o, "login not JSON", "POST", "/api2/v1/auth/login", `userName=demo`, false, "Content-Type", "text/plain")
		c.call(srv, o, "login malformed JSON", "POST", "/api2/v1/auth/login", `{"userName":`, false, "Content-Type", json)
		c.call(srv, o, "login empty body", "POST", "/api2/v1/auth/login", ``, false, "Content-Type", json)
		c.call(srv, o, "login GET", "GET", "/api2/v1/auth/login", ``, false)

		status, id := create(srv, o, "create minimal", tok, "", `{"targetLangs":["de","fr"]}`, false)
		if status != http.StatusCreated || id == "" {
			t.Fatalf("create minimal: %d", status)
		}
		create(srv, o, "create every field", tok, "?downloadTaskId=dt1&continuous=true", full, false)
		create(srv, o, "create workflow", tok, "?downloadTaskId=dt2", workflow, false)
		create(srv, o, "create static token", srv.Token, "?downloadTaskId=dt3", `{"targetLangs":["ja"]}`, false)
		c.call(srv, o, "create Bearer", "POST", jobs(srv.ProjectUID), `{"targetLangs":["it"]}`, false, "Content-Type", json, "Authorization", "Bearer "+srv.Token)
		c.call(srv, o, "create no token", "POST", jobs(srv.ProjectUID), `{"targetLangs":["de"]}`, false, "Content-Type", json)
		create(srv, o, "create bad token", "not-a-token", "", `{"targetLangs":["de"]}`, false)
		for _, bad := range []struct{ name, body string }{
			{"create duplicate language", `{"targetLangs":["de","de"]}`},
			{"create unknown language", `{"targetLangs":["xx"]}`},
			{"create empty targetLangs", `{"targetLangs":[]}`},
			{"create no targetLangs", `{}`},
			{"create path too long", `{"targetLangs":["de"],"path":"` + strings.Repeat("p", 256) + `"}`},
			{"create interval out of range", `{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":1441}}`},
			{"create notifyProvider without template id", `{"targetLangs":["de"],"notifyProvider":{"organizationEmailTemplate":{"id":""}}}`},
			{"create due with workflowSettings", `{"targetLangs":["de"],"due":"2026-12-08T17:00:00Z","workflowSettings":[{"assignments":[]}]}`},
			{"create workflow step without assignments", `{"targetLangs":["de"],"workflowSettings":[{"id":"1"}]}`},
			{"create importSettings with project settings", `{"targetLangs":["de"],"importSettings":{"uid":"a"},"useProjectFileImportSettings":true}`},
			{"create importSettings without uid", `{"targetLangs":["de"],"importSettings":{"uid":""}}`},
			{"create remoteFile without token", `{"targetLangs":["de"],"remoteFile":{"connectorToken":"","remoteFileName":"f"}}`},
			{"create remoteFile without name", `{"targetLangs":["de"],"remoteFile":{"connectorToken":"t","remoteFileName":""}}`},
			{"create bad callbackUrl", `{"targetLangs":["de"],"callbackUrl":"hooks.example.com"}`},
			{"create assignment for another language", `{"targetLangs":["de"],"assignments":[{"targetLang":"fr"}]}`},
			{"create provider without type", `{"targetLangs":["de"],"assignments":[{"providers":[{"id":"1"}]}]}`},
			{"create malformed JSON", `{"targetLangs":`},
			{"create wrong type", `{"targetLangs":"de"}`},
			{"create trailing data", `{"targetLangs":["de"]} {}`},
		} {
			create(srv, o, bad.name, tok, "", bad.body, false)
		}
		c.call(srv, o, "create text/plain", "POST", jobs(srv.ProjectUID), `{"targetLangs":["de"]}`, false, "Content-Type", "text/plain", "Authorization", "ApiToken "+tok)
		c.call(srv, o, "create bad continuous", "POST", jobs(srv.ProjectUID)+"?continuous=maybe", `{"targetLangs":["de"]}`, false, "Content-Type", json, "Authorization", "ApiToken "+tok)
		c.call(srv, o, "create unknown project", "POST", jobs("NoSuchProject"), `{"targetLangs":["de"]}`, false, "Content-Type", json, "Authorization", "ApiToken "+tok)
		c.call(srv, o, "connectorTask DELETE", "DELETE", jobs(srv.ProjectUID), ``, false, "Authorization", "ApiToken "+tok)
		c.call(srv, o, "connectorTask GET", "GET", jobs(srv.ProjectUID), ``, false, "Authorization", "ApiToken "+tok)

		for i := range phrasetest.DefaultAsyncPendingPolls + 2 {
			poll(srv, o, fmt.Sprintf("async poll %d", i+1), tok, id, false)
		}
		poll(srv, o, "async unknown id", tok, "999999999", false)
		c.call(srv, o, "async no token", "GET", "/api2/v1/async/"+id, "", false)
		c.call(srv, o, "async POST", "POST", "/api2/v1/async/"+id, "", false, "Authorization", "ApiToken "+tok)
		c.call(srv, o, "unknown path", "GET", "/api2/v1/projects", "", false, "Authorization", "ApiToken "+tok)
	})

	t.Run("unknown-enums", func(t *testing.T) {
		const o = "WithUnknownEnumsAndFields"
		srv, _ := server(phrasetest.WithUnknownEnumsAndFields(), phrasetest.WithAsyncPendingPolls(1))
		tok := login(srv, o, "login with unknown role and fields", true)
		_, id := create(srv, o, "create with unknown status, action, domain, provider type", tok, "", full, true)
		poll(srv, o, "async pending with unknown fields", tok, id, true)
		poll(srv, o, "async finished with unknown fields", tok, id, true)
		create(srv, o, "error with unknown fields", tok, "", `{"targetLangs":["de","de"]}`, true)
		c.call(srv, o, "unknown path with unknown fields", "GET", "/nowhere", "", true)
	})

	t.Run("projects", func(t *testing.T) {
		const o = "WithProject, WithCredentials, WithToken"
		srv, _ := server(phrasetest.WithProject("P1", "pt_pt", "en_us"), phrasetest.WithProject("P2"),
			phrasetest.WithCredentials("jane", "pw"), phrasetest.WithToken("static"))
		tok := login(srv, o, "login other credentials", false)
		create(srv, o, "create in other project", tok, "", `{"targetLangs":["pt_pt","en_us"]}`, false)
		c.call(srv, o, "create in second project", "POST", jobs("P2"), `{"targetLangs":["de"]}`, false, "Content-Type", json, "Authorization", "ApiToken static")
	})

	t.Run("ids", func(t *testing.T) {
		const o = "WithIDSource"
		n := 0
		srv, _ := server(phrasetest.WithIDSource(func() string { n++; return fmt.Sprintf("id%04d", n) }))
		tok := login(srv, o, "login with given ids", false)
		_, id := create(srv, o, "create with given ids", tok, "", `{"targetLangs":["de"]}`, false)
		poll(srv, o, "async with given id", tok, id, false)
	})

	t.Run("token-ttl", func(t *testing.T) {
		const o = "WithTokenTTL(1m)"
		srv, clk := server(phrasetest.WithTokenTTL(time.Minute))
		tok := login(srv, o, "login short token", false)
		clk.add(2 * time.Minute)
		create(srv, o, "create with expired token", tok, "", `{"targetLangs":["de"]}`, false)
	})

	t.Run("token-calls", func(t *testing.T) {
		const o = "WithTokenExpiresAfterCalls(1)"
		srv, _ := server(phrasetest.WithTokenExpiresAfterCalls(1))
		tok := login(srv, o, "login", false)
		_, id := create(srv, o, "create first call", tok, "", `{"targetLangs":["de"]}`, false)
		poll(srv, o, "async with invalidated token", tok, id, false)
	})

	t.Run("rate-limited", func(t *testing.T) {
		for _, ra := range []string{"30", ""} {
			o := fmt.Sprintf("WithRateLimited(1, %q)", ra)
			srv, _ := server(phrasetest.WithRateLimited(1, ra))
			create(srv, o, "create rate limited", srv.Token, "", `{"targetLangs":["de"]}`, false)
			create(srv, o, "create after rate limit", srv.Token, "", `{"targetLangs":["de"]}`, false)
		}
	})

	t.Run("unavailable", func(t *testing.T) {
		o := `WithUnavailable(2, "5")`
		srv, _ := server(phrasetest.WithUnavailable(2, "5"))
		create(srv, o, "create unavailable", srv.Token, "", `{"targetLangs":["de"]}`, false)
		poll(srv, o, "async unavailable", srv.Token, "1", false)
		srv2, _ := server(phrasetest.WithUnavailable(1, ""))
		poll(srv2, `WithUnavailable(1, "")`, "async unavailable without Retry-After", srv2.Token, "1", false)
	})

	t.Run("lost-response", func(t *testing.T) {
		const o = "WithLostResponse(1)"
		srv, _ := server(phrasetest.WithLostResponse(1))
		create(srv, o, "create answer lost by a proxy", srv.Token, "", `{"targetLangs":["de"]}`, false)
	})

	t.Run("lost-request", func(t *testing.T) {
		const o = "WithLostRequest(1)"
		srv, _ := server(phrasetest.WithLostRequest(1))
		create(srv, o, "create lost before Phrase acted", srv.Token, "", `{"targetLangs":["de"]}`, false)
	})

	t.Run("random-faults", func(t *testing.T) {
		const o = "WithRandomFaults(1, 1)"
		srv, _ := server(phrasetest.WithRandomFaults(1, 1))
		for i := range 4 {
			create(srv, o, fmt.Sprintf("create with a random fault %d", i+1), srv.Token, "", `{"targetLangs":["de"]}`, false)
		}
	})

	t.Run("list-jobs", func(t *testing.T) {
		const o = "default (List jobs)"
		srv, _ := server(phrasetest.WithAsyncPendingPolls(0))
		auth := []string{"Authorization", "ApiToken " + srv.Token}
		list := func(name, query string, unknown bool) {
			c.call(srv, o, name, "GET", "/api2/v2/projects/"+srv.ProjectUID+"/jobs"+query, "", unknown, auth...)
		}
		list("list jobs of an empty project", "", false)
		_, id := create(srv, o, "create for the list", srv.Token, "", full, false)
		create(srv, o, "create a second file for the list", srv.Token, "", `{"targetLangs":["ja"]}`, false)
		list("list jobs, import running", "", false)
		poll(srv, o, "async finished for the list", srv.Token, id, false)
		list("list jobs, one imported", "?pageSize=2&pageNumber=1", false)
		list("list jobs filtered", "?status=NEW&status=ACCEPTED&targetLang=de&filename=winter.docx&workflowLevel=1&notReady=false&dueInHours=720&assignedUser=1024&assignedVendor=42", false)
		list("list jobs count only", "?count=true", false)
		list("list jobs past the last page", "?pageNumber=9", false)
		list("list jobs pageSize too large", "?pageSize=51", false)
		list("list jobs negative pageNumber", "?pageNumber=-1", false)
		list("list jobs bad count", "?count=maybe", false)
		c.call(srv, o, "list jobs unknown project", "GET", "/api2/v2/projects/NoSuchProject/jobs", "", false, auth...)
		c.call(srv, o, "list jobs no token", "GET", "/api2/v2/projects/"+srv.ProjectUID+"/jobs", "", false)
		c.call(srv, o, "list jobs POST", "POST", "/api2/v2/projects/"+srv.ProjectUID+"/jobs", "", false, auth...)

		const u = "WithUnknownEnumsAndFields (List jobs)"
		srv2, _ := server(phrasetest.WithUnknownEnumsAndFields())
		create(srv2, u, "create for the list with unknown fields", srv2.Token, "", `{"targetLangs":["de"]}`, true)
		c.call(srv2, u, "list jobs with unknown status and fields", "GET", "/api2/v2/projects/"+srv2.ProjectUID+"/jobs", "", true, "Authorization", "ApiToken "+srv2.Token)
	})

	t.Run("async-failure", func(t *testing.T) {
		const o = `WithAsyncFailure, WithAsyncPendingPolls(0)`
		srv, _ := server(phrasetest.WithAsyncFailure("IMPORT_FAILED", "The file could not be imported."), phrasetest.WithAsyncPendingPolls(0))
		_, id := create(srv, o, "create", srv.Token, "", `{"targetLangs":["de"]}`, false)
		poll(srv, o, "async failed", srv.Token, id, false)
	})

	t.Run("async-never", func(t *testing.T) {
		const o = "WithAsyncNeverFinishes"
		srv, _ := server(phrasetest.WithAsyncNeverFinishes(), phrasetest.WithAsyncPendingPolls(0))
		_, id := create(srv, o, "create", srv.Token, "", `{"targetLangs":["de"]}`, false)
		poll(srv, o, "async never finishes", srv.Token, id, false)
	})

	t.Run("request-rate", func(t *testing.T) {
		const o = "WithRequestRateLimit(60), WithRequestRateWindow(1s)"
		srv, _ := server(phrasetest.WithRequestRateLimit(60), phrasetest.WithRequestRateWindow(time.Second))
		login(srv, o, "login within the limit", false)
		c.call(srv, o, "login over the limit", "POST", "/api2/v1/auth/login", `{"userName":"demo","password":"demo-password"}`, false, "Content-Type", json)
		poll(srv, o, "async over the limit", srv.Token, "1", false)
		create(srv, o, "create over the limit", srv.Token, "", `{"targetLangs":["de"]}`, false)
	})

	t.Run("too-large", func(t *testing.T) {
		const o = "WithMaxBodyBytes(32)"
		srv, _ := server(phrasetest.WithMaxBodyBytes(32))
		create(srv, o, "create body too large", srv.Token, "", full, false)
		c.call(srv, o, "login body too large", "POST", "/api2/v1/auth/login", `{"userName":"demo","password":"`+strings.Repeat("x", 64)+`"}`, false, "Content-Type", json)
	})

	if t.Failed() {
		return
	}
	// Every status the spec's operations declare that the fake can answer was seen; a status
	// the fake answers and the spec lacks has failed above.
	want := map[string][]int{
		"post /api2/v1/auth/login":                               {200, 400, 401, 413, 415, 429},
		"post /api2/v1/projects/{projectUid}/jobs/connectorTask": {201, 400, 401, 404, 413, 415, 429, 502, 503},
		"get /api2/v1/async/{asyncRequestId}":                    {200, 401, 404, 429, 503},
	}
	for key, codes := range want {
		for _, code := range codes {
			if !c.statuses[key][code] {
				t.Errorf("no recorded answer %d for %s", code, key)
			}
		}
	}
	// Every operation of the spec is exercised, with a success among its answers: a new
	// operation (and so a new handler of the fake) needs a scenario above.
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			key := strings.ToLower(method) + " " + path
			ok := false
			for code := range c.statuses[key] {
				ok = ok || code/100 == 2
			}
			if !ok {
				t.Errorf("no successful answer recorded for %s: add a scenario to TestSpecConformance", key)
			}
		}
	}
	t.Logf("%d answers validated against openapi.yaml", len(c.answers))
	if dir := os.Getenv(recordDirEnv); dir != "" {
		c.write(dir)
		t.Logf("recorded answers written to %s", dir)
	}
}

// jsonUnmarshal is json.Unmarshal (the test's local "json" names the media type).
var jsonUnmarshal = json.Unmarshal

// The validation above is not vacuous: against copies of openapi.yaml that each say one thing
// the fake does not do, the same answers fail.
func TestSpecConformanceCatchesDisagreement(t *testing.T) {
	spec := string(connectortask.OpenAPISpec)
	edit := func(from, to string) string {
		t.Helper()
		if strings.Count(spec, from) != 1 {
			t.Fatalf("passage not found exactly once in openapi.yaml: %q", from)
		}
		return strings.Replace(spec, from, to, 1)
	}
	for _, m := range []struct {
		name, spec, want string
	}{
		{"date-times declared RFC 3339 only",
			edit("(Z|[+-][0-9]{2}:?[0-9]{2})$'", "(Z|[+-][0-9]{2}:[0-9]{2})$'"), "doesn't match the regular expression"},
		{"parent not nullable (AsyncRequestDto)",
			edit("    AsyncRequestDto:\n      type: object\n      nullable: true\n", "    AsyncRequestDto:\n      type: object\n"), "parent"},
		{"413 not declared for connectorTask",
			strings.Replace(spec, "        '413':\n          $ref: '#/components/responses/PayloadTooLarge'\n", "", -1), "413"},
		{"sourceFileUid not declared",
			edit("        sourceFileUid:\n          type: string\n          nullable: true\n          description: The uid of the job's source file.\n",
				"        sourceFileUidRenamed:\n          type: string\n          nullable: true\n          description: The uid of the job's source file.\n"), "sourceFileUid is not declared"},
	} {
		t.Run(m.name, func(t *testing.T) {
			c := newConformance(t, []byte(m.spec))
			var got []string
			c.fail = func(format string, args ...any) { got = append(got, fmt.Sprintf(format, args...)) }
			clk := &fixedClock{t: time.Date(2026, 12, 1, 7, 32, 30, 0, time.UTC)}
			srv := newServer(t, phrasetest.WithClock(clk.now), phrasetest.WithSeed(1), phrasetest.WithMaxBodyBytes(64), phrasetest.WithAsyncPendingPolls(1))
			auth := []string{"Content-Type", "application/json", "Authorization", "ApiToken " + srv.Token}
			_, body := c.call(srv, m.name, "create", "POST", jobsPath(srv.ProjectUID), `{"targetLangs":["de"]}`, false, auth...)
			var out struct{ AsyncRequest struct{ ID string } }
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				c.call(srv, m.name, "poll", "GET", "/api2/v1/async/"+out.AsyncRequest.ID, "", false, auth[2:]...)
			}
			c.call(srv, m.name, "too large", "POST", jobsPath(srv.ProjectUID), createBody(strings.Repeat("x", 80)), false, auth...)
			if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, m.want) }) {
				t.Errorf("the answers validated against a spec with %s; want a failure mentioning %q, got %q", m.name, m.want, got)
			}
		})
	}
}
