package main

import (
	"encoding/json"
	"testing"
)

// `connectortask version` is answered before cobra builds its tree (issue 13); it must print
// exactly what the version command prints when cobra runs it (`version -o json`).
func TestVersionFastPathPrintsWhatTheCommandPrints(t *testing.T) {
	c := newCLI(t, nil)
	fast := c.run("version")
	full := c.run("version", "-o", "json")
	wantCode(t, fast, exitOK)
	wantCode(t, full, exitOK)
	if fast.stdout != full.stdout || fast.stderr != full.stderr {
		t.Fatalf("fast path:\n%s\ncobra:\n%s", fast, full)
	}
	var v versionInfo
	if err := json.Unmarshal([]byte(fast.stdout), &v); err != nil || v.Module == "" || v.GoVersion == "" {
		t.Fatalf("not the version JSON: %v\n%s", err, fast.stdout)
	}
}
