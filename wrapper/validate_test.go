package wrapper

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

var vNow = time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC)

// paths returns the paths of the problems of err, or fails the test if err is not a
// *ValidationError.
func paths(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v (%T), want *ValidationError", err, err)
	}
	var out []string
	for _, p := range ve.Problems {
		if p.Message == "" || p.Fix == "" {
			t.Errorf("problem without message or fix: %+v", p)
		}
		out = append(out, p.Path)
	}
	return out
}

func TestValidateRequestRules(t *testing.T) {
	future := api.NewDateTimePtr(vNow.Add(48 * time.Hour))
	past := api.NewDateTimePtr(vNow.Add(-time.Second))
	step := func(due *api.DateTime, langs ...string) api.WorkflowStepConfiguration {
		s := api.WorkflowStepConfiguration{Due: due, Assignments: []api.ProvidersPerLanguage{}}
		for _, l := range langs {
			s.Assignments = append(s.Assignments, api.ProvidersPerLanguage{TargetLang: ptr(l)})
		}
		return s
	}
	cases := []struct {
		name string
		body api.JobCreateRequestDto
		want []string // problem paths; nil means valid
	}{
		{"minimal", api.JobCreateRequestDto{TargetLangs: []string{"de"}}, nil},
		{"full and valid", api.JobCreateRequestDto{
			TargetLangs: []string{"de", "fr"}, WorkflowSettings: &[]api.WorkflowStepConfiguration{step(future, "de", "FR")},
			ImportSettings: &api.UidReference{Uid: "u"}, UseProjectFileImportSettings: ptr(false),
			CallbackUrl: ptr("https://hooks.example.com/x"), Path: ptr("a/b"),
			RemoteFile: &api.JobCreateRemoteFileDto{ConnectorToken: "c", RemoteFileName: "f.docx"},
		}, nil},
		{"due with workflowSettings", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: future, WorkflowSettings: &[]api.WorkflowStepConfiguration{step(nil)}}, []string{"/due"}},
		{"assignments with workflowSettings", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Assignments: &[]api.ProvidersPerLanguage{{TargetLang: ptr("de")}}, WorkflowSettings: &[]api.WorkflowStepConfiguration{step(nil, "de")}}, []string{"/assignments"}},
		{"importSettings with useProjectFileImportSettings", api.JobCreateRequestDto{TargetLangs: []string{"de"}, ImportSettings: &api.UidReference{Uid: "u"}, UseProjectFileImportSettings: ptr(true)}, []string{"/importSettings"}},
		{"duplicate target language", api.JobCreateRequestDto{TargetLangs: []string{"de", "fr", "DE"}}, []string{"/targetLangs/2"}},
		{"empty target language", api.JobCreateRequestDto{TargetLangs: []string{"de", " "}}, []string{"/targetLangs/1"}},
		{"no target languages", api.JobCreateRequestDto{TargetLangs: []string{}}, []string{"/targetLangs"}},
		{"nil target languages", api.JobCreateRequestDto{}, []string{"/targetLangs"}},
		{"assignment language not requested", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Assignments: &[]api.ProvidersPerLanguage{{TargetLang: ptr("de")}, {TargetLang: ptr("it")}}}, []string{"/assignments/1/targetLang"}},
		{"step assignment language not requested", api.JobCreateRequestDto{TargetLangs: []string{"de"}, WorkflowSettings: &[]api.WorkflowStepConfiguration{step(nil, "de"), step(nil, "de", "ja")}}, []string{"/workflowSettings/1/assignments/1/targetLang"}},
		{"relative callbackUrl", api.JobCreateRequestDto{TargetLangs: []string{"de"}, CallbackUrl: ptr("/hooks")}, []string{"/callbackUrl"}},
		{"ftp callbackUrl", api.JobCreateRequestDto{TargetLangs: []string{"de"}, CallbackUrl: ptr("ftp://h/x")}, []string{"/callbackUrl"}},
		{"callbackUrl without host", api.JobCreateRequestDto{TargetLangs: []string{"de"}, CallbackUrl: ptr("https:///x")}, []string{"/callbackUrl"}},
		{"due in the past", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: past}, []string{"/due"}},
		{"step due in the past", api.JobCreateRequestDto{TargetLangs: []string{"de"}, WorkflowSettings: &[]api.WorkflowStepConfiguration{step(future), step(past)}}, []string{"/workflowSettings/1/due"}},
		{"due now is refused", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: api.NewDateTimePtr(vNow)}, []string{"/due"}},
		{"due a second from now", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: api.NewDateTimePtr(vNow.Add(time.Second))}, nil},
		{"unknown provider type", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Assignments: &[]api.ProvidersPerLanguage{{TargetLang: ptr("de"), Providers: &[]api.ProviderReference{{Type: "ROBOT"}}}}}, []string{"/assignments/0/providers/0/type"}},
		{"path too long", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Path: ptr(strings.Repeat("p", 256))}, []string{"/path"}},
		{"remote file without token", api.JobCreateRequestDto{TargetLangs: []string{"de"}, RemoteFile: &api.JobCreateRemoteFileDto{RemoteFileName: "f"}}, []string{"/remoteFile/connectorToken"}},
		{"notification interval out of range", api.JobCreateRequestDto{TargetLangs: []string{"de"}, NotifyProvider: &api.NotifyProviderDto{OrganizationEmailTemplate: api.IdReference{Id: "1"}, NotificationIntervalInMinutes: ptr(int32(1441))}}, []string{"/notifyProvider/notificationIntervalInMinutes"}},
		{"year beyond RFC 3339", api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: api.NewDateTimePtr(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}, []string{"/due"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateRequest(&tc.body, vNow)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("valid request refused: %v", err)
				}
				return
			}
			if got := paths(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("problems at %q, want %q\n%v", got, tc.want, err)
			}
		})
	}
	if got := paths(t, ValidateRequest(nil, vNow)); len(got) != 1 {
		t.Errorf("nil body: %v", got)
	}
}

func TestValidateReportsAllProblemsAtOnce(t *testing.T) {
	body := api.JobCreateRequestDto{
		TargetLangs:                  []string{"de", "de"},
		Due:                          api.NewDateTimePtr(vNow.Add(-time.Hour)),
		WorkflowSettings:             &[]api.WorkflowStepConfiguration{{Assignments: []api.ProvidersPerLanguage{{TargetLang: ptr("it"), Providers: &[]api.ProviderReference{{Type: "NOPE"}}}}}},
		ImportSettings:               &api.UidReference{Uid: "u"},
		UseProjectFileImportSettings: ptr(true),
		CallbackUrl:                  ptr("hooks.example.com"),
		Path:                         ptr(strings.Repeat("x", 300)),
	}
	err := ValidateRequest(&body, vNow)
	want := []string{"/callbackUrl", "/due", "/due", "/importSettings", "/path", "/targetLangs/1",
		"/workflowSettings/0/assignments/0/providers/0/type", "/workflowSettings/0/assignments/0/targetLang"}
	if got := paths(t, err); !slices.Equal(got, want) {
		t.Errorf("problems at\n%q\nwant\n%q\n%v", got, want, err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("Error() has %d lines, want one per problem:\n%s", len(lines), err)
	}
	if lines[0] != "/callbackUrl: not an absolute http(s) URL (give an absolute URL such as https://hooks.example.com/phrase/jobs)" {
		t.Errorf("line format: %q", lines[0])
	}
}

func TestInvalidRequestSendsNothing(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) { writeCreated(w) })
	for _, opt := range []Option{WithAPIToken("t"), WithCredentials("jane", "pw")} {
		c, _ := newTestClient(t, srv.base(), opt)
		_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, api.JobCreateRequestDto{TargetLangs: []string{"de", "de"}})
		paths(t, err)
		_, err = c.CreateJobsFromDownloadTask(context.Background(), "", nil, validBody())
		paths(t, err)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0 (no login either)", n)
	}
}

func TestWithoutValidationSends(t *testing.T) {
	srv := newWire(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, 400, "NOT_UNIQUE_TARGET_LANG", "Target languages must be unique.")
	})
	c, _ := newTestClient(t, srv.base(), WithAPIToken("t"), WithoutValidation())
	_, err := c.CreateJobsFromDownloadTask(context.Background(), "P", nil, api.JobCreateRequestDto{TargetLangs: []string{"de", "de"}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != "NOT_UNIQUE_TARGET_LANG" {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestValidateRequestJSON(t *testing.T) {
	cases := []struct {
		name, json string
		want       []string
	}{
		{"valid with Phrase's date form", `{"targetLangs":["de"],"due":"2026-12-01T17:00:00+0000"}`, nil},
		{"valid workflow example", `{"targetLangs":["de"],"workflowSettings":[{"id":"wfStep1","due":"2026-12-01T17:00:00Z","assignments":[{"targetLang":"de","providers":[{"type":"VENDOR","uid":"V"}],"assignedUsers":[{"id":1024}]}]}],"useProjectFileImportSettings":true,"callbackUrl":"https://hooks.example.com/phrase/jobs"}`, nil},
		{"not JSON", `{"targetLangs": [`, []string{""}},
		{"two values", `{"targetLangs":["de"]} {}`, []string{""}},
		{"not an object", `["de"]`, []string{""}},
		{"wrong types", `{"targetLangs":"de","preTranslate":"yes","assignments":{}}`, []string{"/assignments", "/preTranslate", "/targetLangs"}},
		{"unknown fields", `{"targetLangs":["de"],"dueDate":"x","remoteFile":{"connectorToken":"c","remoteFileName":"f","folder":"/"}}`, []string{"/dueDate", "/remoteFile/folder"}},
		{"bad date", `{"targetLangs":["de"],"due":"next friday"}`, []string{"/due"}},
		{"rules too", `{"targetLangs":["de","de"],"due":"2020-01-01T00:00:00Z"}`, []string{"/due", "/targetLangs/1"}},
		{"missing targetLangs", `{}`, []string{"/targetLangs"}},
		{"null due", `{"targetLangs":["de"],"due":null}`, []string{"/due"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateRequestJSON([]byte(tc.json), vNow)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("valid JSON refused: %v", err)
				}
				return
			}
			if got := paths(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("problems at %q, want %q\n%v", got, tc.want, err)
			}
		})
	}
	err := ValidateRequestJSON([]byte("{\n  \"targetLangs\": [\"de\",]\n}"), vNow)
	if !strings.Contains(err.Error(), "line 2") {
		t.Errorf("syntax error without its line: %v", err)
	}
	err = ValidateRequestJSON([]byte(`{"targetLangs":["de"],"remoteFile":{"connectorToken":12345678,"remoteFileName":"f"}}`), vNow)
	if err == nil || strings.Contains(err.Error(), "12345678") {
		t.Errorf("a wrong-typed connectorToken is reported without its value: %v", err)
	}
}

func TestSpecLoadedOncePerProcess(t *testing.T) {
	for range 5 {
		_ = ValidateRequest(&api.JobCreateRequestDto{TargetLangs: []string{"de"}}, vNow)
		_ = ValidateRequestJSON([]byte(`{"targetLangs":["de"]}`), vNow)
	}
	if n := specLoads.Load(); n != 1 {
		t.Errorf("spec loaded %d times, want 1", n)
	}
}

// FuzzValidateRequestJSON: on any input, ValidateRequestJSON returns nil or a
// *ValidationError whose problems all have a message, and never panics.
func FuzzValidateRequestJSON(f *testing.F) {
	for _, s := range []string{
		`{"targetLangs":["de"]}`,
		`{"targetLangs":["de","DE"],"due":"2020-01-01T00:00:00+0000","workflowSettings":[{"assignments":[{"targetLang":"x"}]}]}`,
		`{"targetLangs":["de"],"remoteFile":{"connectorToken":"c","remoteFileName":"f"},"notifyProvider":{"organizationEmailTemplate":{"id":"1"},"notificationIntervalInMinutes":-1}}`,
		`{"targetLangs":[null],"assignments":[{"providers":[{"type":7}]}],"callbackUrl":"%zz"}`,
		`{"workflowSettings":[{"due":"2030-01-01T00:00:00Z","assignments":null}]}`,
		`[]`, `null`, `"x"`, `{`, ``, `{"a":{"b":{"c":[1,2,{"d":null}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := ValidateRequestJSON(data, vNow)
		if err == nil {
			return
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("err = %v (%T)", err, err)
		}
		for _, p := range ve.Problems {
			if p.Message == "" {
				t.Fatalf("problem without message: %+v", p)
			}
		}
	})
}
