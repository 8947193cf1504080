package wrapper

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

func TestLanguageCodesThatCanNeverBeCodesAreRefused(t *testing.T) {
	for _, bad := range []string{"de fr", "x/y", "de,fr", "😀", "de\t", " de", "de\\at", "ü", "de;fr", "pt.br", "de\x00"} {
		err := ValidateRequest(&api.JobCreateRequestDto{TargetLangs: []string{"fr", bad}}, vNow)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%q accepted", bad)
			continue
		}
		p := ve.Problems[0]
		if p.Path != "/targetLangs/1" || !strings.Contains(p.Message, "not a language code") || p.Fix == "" {
			t.Errorf("%q: %+v", bad, ve.Problems)
		}
		if strings.ContainsAny(p.Message, "\x00\t") {
			t.Errorf("%q: the message carries the raw control character: %q", bad, p.Message)
		}
	}
	// Plausible codes pass; Phrase decides whether it knows them.
	good := []string{"de", "FR", "pt_br", "zh_hant_tw", "sr-Latn", "es-419", "x", "abcdefghijklmnop", "en_us_x1"}
	if err := ValidateRequest(&api.JobCreateRequestDto{TargetLangs: good}, vNow); err != nil {
		t.Errorf("plausible codes refused: %v", err)
	}
}

func TestLanguageCodeProblemsCoverAssignments(t *testing.T) {
	body := api.JobCreateRequestDto{
		TargetLangs: []string{"de fr", "it"},
		Assignments: &[]api.ProvidersPerLanguage{{TargetLang: ptr("it")}, {TargetLang: ptr("x/y")}},
	}
	got := paths(t, ValidateRequest(&body, vNow))
	for _, want := range []string{"/targetLangs/0", "/assignments/1/targetLang"} {
		if !slices.Contains(got, want) {
			t.Errorf("no problem at %s: %v", want, got)
		}
	}
	body = api.JobCreateRequestDto{
		TargetLangs:      []string{"it"},
		WorkflowSettings: &[]api.WorkflowStepConfiguration{{Assignments: []api.ProvidersPerLanguage{{TargetLang: ptr("it")}, {TargetLang: ptr("")}, {TargetLang: ptr("i t")}}}},
	}
	err := ValidateRequest(&body, vNow)
	got = paths(t, err)
	for _, want := range []string{"/workflowSettings/0/assignments/1/targetLang", "/workflowSettings/0/assignments/2/targetLang"} {
		if !slices.Contains(got, want) {
			t.Errorf("no problem at %s: %v", want, got)
		}
	}
	if !strings.Contains(err.Error(), "empty language code") {
		t.Errorf("the empty assignment language should be named: %v", err)
	}
}

func TestLanguageCodeFixSplitsALists(t *testing.T) {
	err := ValidateRequest(&api.JobCreateRequestDto{TargetLangs: []string{"de fr"}}, vNow)
	if !strings.Contains(err.Error(), `give one language per entry, e.g. "de", "fr"`) {
		t.Errorf("fix: %v", err)
	}
	err = ValidateRequestJSON([]byte(`{"targetLangs":["x/y"]}`), vNow)
	if got := paths(t, err); !slices.Equal(got, []string{"/targetLangs/0"}) {
		t.Errorf("ValidateRequestJSON: %v", got)
	}
}

func TestDueNowIsRefused(t *testing.T) {
	err := ValidateRequest(&api.JobCreateRequestDto{TargetLangs: []string{"de"}, Due: api.NewDateTimePtr(vNow.Add(400 * time.Millisecond))}, vNow)
	if got := paths(t, err); !slices.Equal(got, []string{"/due"}) || !strings.Contains(err.Error(), "not in the future") {
		t.Errorf("a due date within this second: %v", err)
	}
}

func TestValidateRequestJSONReportsDuplicateKeys(t *testing.T) {
	raw := "{\"targetLangs\": [\"de\"],\n \"due\": \"2099-01-01T00:00:00Z\",\n \"targetLangs\": [\"fr\"]}"
	err := ValidateRequestJSON([]byte(raw), vNow)
	if got := paths(t, err); !slices.Equal(got, []string{"/targetLangs"}) {
		t.Fatalf("problems at %v, want /targetLangs", got)
	}
	if !strings.Contains(err.Error(), "lines 1 and 3") || !strings.Contains(err.Error(), `keep one "targetLangs"`) {
		t.Errorf("message: %v", err)
	}
	err = ValidateRequestJSON([]byte(`{"targetLangs":["de"],"workflowSettings":[{"due":"2099-01-01T00:00:00Z","due":"2099-01-02T00:00:00Z"}]}`), vNow)
	if got := paths(t, err); !slices.Contains(got, "/workflowSettings/0/due") {
		t.Errorf("nested duplicate: %v", got)
	}
	if err := ValidateRequestJSON([]byte(`{"targetLangs":["de"],"remoteFile":{"connectorToken":"c","remoteFileName":"f"}}`), vNow); err != nil {
		t.Errorf("no duplicate: %v", err)
	}
}
