package wrapper

import (
	"encoding/json"
	"net/http"
	"strings"
)

// A server (or a proxy) can set a request-id header, or any header, to what it was sent: the
// Authorization credential, a login token. Request ids and headers are therefore redacted where
// they are captured, like the body of an error answer.

// header returns a copy of h with every known secret in its values replaced; h itself (the
// response's, possibly shared) is not changed. It returns h when nothing was replaced.
func (r redactor) header(h http.Header) http.Header {
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if red := r.str(v); red != v {
				if out == nil {
					out = h.Clone()
				}
				out[k][i] = red
			}
		}
	}
	if out == nil {
		return h
	}
	return out
}

// response redacts the request id and the headers of resp.
func (r redactor) response(resp Response) Response {
	resp.RequestID = r.str(resp.RequestID)
	resp.Header = r.header(resp.Header)
	return resp
}

// hookRedactor returns the redactor of the Client and of req (its connector token and the
// Authorization it carries), for what retry hooks and log records tell of an answer to req.
func (c *Client) hookRedactor(req *http.Request) redactor {
	return redactor{set: c.secrets, extra: requestSecrets(req, req.Header.Get("Authorization"))}
}

// exchangeRedactor returns the redactor of the Client and of req for the record of one exchange
// and, for an answer to a login, the token it hands out: that record is written before the
// login is done and its token known to the Client.
func (c *Client) exchangeRedactor(req *http.Request, authz string, resp *http.Response) redactor {
	r := redactor{set: c.secrets, extra: requestSecrets(req, authz)}
	if resp == nil || !strings.HasSuffix(req.URL.Path, "/auth/login") {
		return r
	}
	if mb, ok := resp.Body.(*memBody); ok {
		var login struct {
			Token string `json:"token"`
		}
		if json.Unmarshal(mb.data, &login) == nil && login.Token != "" {
			r.extra = append(r.extra[:len(r.extra):len(r.extra)], login.Token)
		}
	}
	return r
}

// line is oneLine with the secrets redacted after the white space is collapsed (which can join
// a secret an echo split) and before the cut (which would leave the start of one).
func (r redactor) line(s string, n int) string {
	return oneLine(r.str(strings.Join(strings.Fields(s), " ")), n)
}
