package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/redact"
)

// The wrapper keeps the secrets it knows out of everything it lets out: the Error() strings of
// its errors and its log records. The Client's redact.Set holds the static token or the
// password and every login token obtained; each request adds its own connector token (from
// body.remoteFile.connectorToken), which is not kept in the Client's set (a batch would grow it
// without bound).

// secretsKey carries the connector tokens of one call in its context, for the transport.
type secretsKey struct{}

// withRequestSecrets returns ctx carrying secrets for the transport to redact.
func withRequestSecrets(ctx context.Context, secrets ...string) context.Context {
	var keep []string
	for _, s := range secrets {
		if len(s) >= redact.MinLen {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return ctx
	}
	return context.WithValue(ctx, secretsKey{}, keep)
}

// requestSecrets returns the secrets of req beyond the Client's: its connector token (from the
// context, or read from the body of a connectorTask POST sent through API()) and the
// Authorization value it carries.
func requestSecrets(req *http.Request, authz string) []string {
	var out []string
	if v, ok := req.Context().Value(secretsKey{}).([]string); ok {
		out = append(out, v...)
	} else if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/jobs/connectorTask") && req.GetBody != nil {
		if t := connectorTokenOf(req); t != "" {
			out = append(out, t)
		}
	}
	if authz != "" {
		out = append(out, authz)
		if _, cred, ok := strings.Cut(authz, " "); ok {
			out = append(out, cred)
		}
	}
	return out
}

// connectorTokenOf reads remoteFile.connectorToken from the body of req, "" when there is none.
func connectorTokenOf(req *http.Request) string {
	rc, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer rc.Close()
	var body struct {
		RemoteFile *struct {
			ConnectorToken string `json:"connectorToken"`
		} `json:"remoteFile"`
	}
	if json.NewDecoder(rc).Decode(&body) != nil || body.RemoteFile == nil {
		return ""
	}
	return body.RemoteFile.ConnectorToken
}

// bodySecrets returns the connector token of a create request's body.
func bodySecrets(body *api.JobCreateRequestDto) []string {
	if body.RemoteFile != nil && body.RemoteFile.ConnectorToken != "" {
		return []string{body.RemoteFile.ConnectorToken}
	}
	return nil
}

// redactor replaces the Client's secrets and those of one request.
type redactor struct {
	set   *redact.Set
	extra []string
}

// str returns s with every known secret replaced by redact.Marker.
func (r redactor) str(s string) string {
	s = r.set.String(s)
	if len(r.extra) > 0 && s != "" {
		var x redact.Set
		x.Add(r.extra...)
		s = x.String(s)
	}
	return s
}

// apiError redacts the fields of e that echo what the server was sent.
func (r redactor) apiError(e *APIError) {
	e.URL = r.str(e.URL)
	e.ErrorCode = r.str(e.ErrorCode)
	e.ErrorDescription = r.str(e.ErrorDescription)
	e.Body = r.str(e.Body)
	e.RequestID = r.str(e.RequestID)
	e.Header = r.header(e.Header)
	e.red = r
	for i, d := range e.Details {
		if d.Message != nil {
			m := r.str(*d.Message)
			e.Details[i].Message = &m
		}
	}
}

// err returns err with its Error() string redacted; errors.As still reaches every error behind
// it. A *RedirectError and a *url.Error in the chain are redacted in place.
func (r redactor) err(err error) error {
	if err == nil {
		return nil
	}
	var re *RedirectError
	if errors.As(err, &re) {
		re.URL, re.Location, re.SuggestBase = r.str(re.URL), r.str(re.Location), r.str(re.SuggestBase)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = r.str(ue.URL)
	}
	msg := err.Error()
	if red := r.str(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

// redactedError shows a redacted message for err.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// checkNoControl refuses a secret or name with a control character (C0, DEL): it cannot be sent
// in a header, and in a body it is a copy-and-paste accident. The value is never echoed.
func checkNoControl(what, v string) error {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b == 0x7f {
			return fmt.Errorf("%s contains a control character (byte %d of %d is %s); copy it again without line breaks or invisible characters", what, i+1, len(v), controlName(b))
		}
	}
	return nil
}

// controlName names a control byte without showing any other part of the secret.
func controlName(b byte) string {
	switch b {
	case '\r':
		return "a carriage return"
	case '\n':
		return "a line feed"
	case '\t':
		return "a tab"
	case 0x7f:
		return "DEL"
	}
	return fmt.Sprintf("0x%02x", b)
}
