package main

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"strings"

	"github.com/seed-a960d6a4/connectortask/internal/redact"
)

// Every byte the CLI writes passes through one redact.Set (internal/redact decides what a
// secret looks like once written): stdout and stderr are wrapped when the app is made, so
// results, errors, help, progress and -v log records cannot bypass it, and the journal writes
// through the same set. The set learns the secrets as the CLI learns them: the API token and
// password from the environment at the start, the token of --token-file when it is read, and
// the connector tokens of --data and of batch lines when they are decoded. A server that
// echoes a request back thus cannot make the CLI print what it was given to keep.

// redactedStreams wraps stdout and stderr; flush writes what they hold back (a last line
// without its end) and is called when the command is over.
func redactedStreams(secrets *redact.Set, stdout, stderr io.Writer) (out, errOut io.Writer, flush func()) {
	ow, ew := secrets.Writer(schemeFilter{stdout}), secrets.Writer(schemeFilter{stderr})
	return ow, ew, func() {
		_ = ow.Flush()
		_ = ew.Flush()
	}
}

// credentialAfterScheme finds a credential after an authorization scheme, as an echoed
// Authorization header shows it ("ApiToken 5f2c...", "Bearer eyJ..."), also URL-encoded. Only
// a credential of 8 or more token characters with a digit among them counts, so that prose
// ("Bearer authentication") is left alone.
var credentialAfterScheme = regexp.MustCompile(`\b(?:ApiToken|Bearer)(?:[ \t]+|%20|\+)([A-Za-z0-9._~+/=-]{8,})`)

// schemeFilter replaces the credential after an authorization scheme, whatever it is: the
// token that the wrapper's login obtains is not known to the CLI, and a server that echoes
// the request's Authorization header back would otherwise show it. redact.Writer hands it
// whole lines. No output of the CLI has a real credential after "ApiToken " (the dry run shows
// "ApiToken [REDACTED]"; login prints its token as a JSON field).
type schemeFilter struct{ w io.Writer }

func (f schemeFilter) Write(p []byte) (int, error) {
	if !bytes.Contains(bytes.ToLower(p), []byte("token")) && !bytes.Contains(bytes.ToLower(p), []byte("bearer")) {
		return f.w.Write(p)
	}
	out := credentialAfterScheme.ReplaceAllFunc(p, func(m []byte) []byte {
		sub := credentialAfterScheme.FindSubmatchIndex(m)
		cred := m[sub[2]:sub[3]]
		if !bytes.ContainsAny(cred, "0123456789") {
			return m
		}
		return append(append([]byte{}, m[:sub[2]]...), redact.Marker...)
	})
	if _, err := f.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// learnEnvSecrets adds the secrets of the environment to the set.
func (a *app) learnEnvSecrets() {
	for _, name := range []string{envToken, envPassword} {
		if v := a.getenv(name); v != "" {
			a.secrets.Add(v, strings.TrimSpace(v))
		}
	}
}

// secretKeys are the JSON fields whose values are secrets (lower case).
var secretKeys = map[string]bool{"connectortoken": true, "password": true, "token": true}

// learnJSONSecrets adds the values of connectorToken (and password, token) fields anywhere in
// a JSON document to the set: a --data body or a batch line.
func (a *app) learnJSONSecrets(raw []byte) {
	lower := bytes.ToLower(raw)
	if !bytes.Contains(lower, []byte("token")) && !bytes.Contains(lower, []byte("password")) {
		return
	}
	var doc any
	if json.Unmarshal(raw, &doc) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && secretKeys[strings.ToLower(k)] {
					a.secrets.Add(s, strings.TrimSpace(s))
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}
