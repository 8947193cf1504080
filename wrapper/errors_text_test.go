package wrapper

import (
	"testing"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// TestErrorTextSaysEachThingOnce: a detail that repeats the description (or an earlier detail)
// is left out of the error text; one that adds something stays.
func TestErrorTextSaysEachThingOnce(t *testing.T) {
	msg := func(s string) api.ErrorDetailDto { return api.ErrorDetailDto{Message: &s} }
	apiCases := []struct {
		e    APIError
		want string
	}{
		{APIError{Method: "POST", URL: "https://h/web/api2/v1/projects/Pr2/jobs/connectorTask", StatusCode: 400,
			ErrorCode: "UNKNOWN_TARGET_LANG", ErrorDescription: `Target language "xx" is not one of project Pr2's.`,
			Details: []api.ErrorDetailDto{msg(`Target language "xx" is not one of project Pr2's`), msg("target language \"xx\" is not one of project Pr2's.")}},
			`POST /api2/v1/projects/Pr2/jobs/connectorTask: 400 Bad Request: UNKNOWN_TARGET_LANG: Target language "xx" is not one of project Pr2's.`},
		{APIError{Method: "POST", URL: "https://h/web/api2/v1/auth/login", StatusCode: 401,
			ErrorCode: "AuthInvalidCredentials", ErrorDescription: "Invalid credentials.",
			Details: []api.ErrorDetailDto{msg("user jane is locked"), msg("user jane is locked"), msg("")}},
			"POST /api2/v1/auth/login: 401 Unauthorized: AuthInvalidCredentials: Invalid credentials.; user jane is locked"},
	}
	for _, tc := range apiCases {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("APIError.Error() =\n%s\nwant\n%s", got, tc.want)
		}
	}

	code, desc, id := "ImportFailed", "bad file", "900"
	details := []api.ErrorDetailDto{msg("bad file"), msg("line 3: not XML")}
	e := &AsyncRequestError{Request: &api.AsyncRequestDto{Id: &id, AsyncResponse: &api.AsyncResponseDto{ErrorCode: &code, ErrorDesc: &desc, ErrorDetails: details}}}
	if got, want := e.Error(), "async request 900 failed: ImportFailed: bad file; line 3: not XML"; got != want {
		t.Errorf("AsyncRequestError.Error() = %q, want %q", got, want)
	}
}

// TestNilTargetLangsSaysRequired: TargetLangs left nil is sent as null; the problem says that
// the field is required, not merely that null is not allowed.
func TestNilTargetLangsSaysRequired(t *testing.T) {
	err := ValidateRequest(&api.JobCreateRequestDto{}, time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC))
	ve, ok := err.(*ValidationError)
	if !ok || len(ve.Problems) != 1 {
		t.Fatalf("err = %v", err)
	}
	p := ve.Problems[0]
	if p.Path != "/targetLangs" || p.Message != "required field is null" || p.Fix != "give targetLangs a value: it is required" {
		t.Errorf("problem = %+v", p)
	}
}
