package phrasetest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/seed-a960d6a4/connectortask/api"
)

// TestDateKeysCoverEveryDateTimeField guards encode: every api.DateTime field of every type the
// fake answers with must be listed in dateKeys, or it would go out in RFC 3339 with "Z".
func TestDateKeysCoverEveryDateTimeField(t *testing.T) {
	dateType := reflect.TypeFor[api.DateTime]()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, at string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ == dateType || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft == dateType && !dateKeys[name] {
				t.Errorf("%s.%s (json %q) is a date-time missing from dateKeys", at, f.Name, name)
			}
			walk(f.Type, at+"."+f.Name)
		}
	}
	for _, v := range []any{api.JobListDto{}, api.AsyncRequestDto{}, api.LoginResponseDto{}, api.ErrorResponse{}, api.JobCreateRequestDto{}} {
		walk(reflect.TypeOf(v), reflect.TypeOf(v).Name())
	}
}

func TestRedactBody(t *testing.T) {
	for in, want := range map[string]string{
		`{"password":"x"}`:                         `{"password":"[REDACTED]"}`,
		`{"password" :  "x\"y", "userName":"u"}`:   `{"password" :  "[REDACTED]", "userName":"u"}`,
		`{"PASSWORD":"x"}`:                         `{"PASSWORD":"[REDACTED]"}`,
		`{"password":12345}`:                       `{"password":"[REDACTED]"}`,
		`{"password":"unterminated`:                `{"password":"[REDACTED]"`,
		`{"remoteFile":{"connectorToken":"abc"}}`:  `{"remoteFile":{"connectorToken":"[REDACTED]"}}`,
		`userName=u&password=x&code=1`:             `userName=u&password=[REDACTED]&code=[REDACTED]`,
		`{"callbackUrl":"https://h/x?token=abc"}`:  `{"callbackUrl":"https://h/x?token=[REDACTED]"}`,
		`{"targetLangs":["de"],"path":"password"}`: `{"targetLangs":["de"],"path":"password"}`,
	} {
		if got := string(redactBody([]byte(in))); got != want {
			t.Errorf("redactBody(%s) = %s, want %s", in, got, want)
		}
	}
	if redactBody(nil) != nil {
		t.Error("redactBody(nil) != nil")
	}
}

func TestFormatPhraseDate(t *testing.T) {
	d, err := api.ParseDateTime("2026-11-28T18:03:12.9+01:00")
	if err != nil {
		t.Fatal(err)
	}
	if got := formatPhraseDate(d.Time); got != "2026-11-28T17:03:12+0000" {
		t.Errorf("formatPhraseDate = %s", got)
	}
}
