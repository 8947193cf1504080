package main

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzParseLine: any input line either becomes a task or a list of problems with JSON paths —
// never a panic, never both, and a task that has no problems names a project.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		`{"projectUid":"P","downloadTaskId":"DL1","targetLangs":["de"]}`,
		`{"downloadTaskId":"DL2","targetLangs":"de,fr","due":"+3d","path":"a/b"}`,
		`{"body":{"targetLangs":["de"],"workflowSettings":[{"assignments":[]}]},"ref":{"id":7}}`,
		`{"projectUid":null,"targetLangs":null}`,
		`{"targetLang":["de"]}`,
		`[1,2]`, `{`, ``, `null`, `{"due":12}`,
	} {
		f.Add([]byte(s), false)
	}
	now := time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte, tooLong bool) {
		r := &batchRun{a: &app{now: func() time.Time { return now }}, defaults: batchDefaults{projectUID: "Pdefault", body: map[string]json.RawMessage{"targetLangs": json.RawMessage(`["de"]`)}}}
		task := r.parseLine(3, raw, tooLong)
		if task.line != 3 {
			t.Fatalf("line = %d, want 3", task.line)
		}
		for _, p := range task.problems {
			if p.Message == "" {
				t.Fatalf("a problem without a message: %+v", p)
			}
		}
		if tooLong && len(task.problems) == 0 {
			t.Fatal("a line over the length limit was accepted")
		}
		if len(task.problems) == 0 && task.projectUID == "" {
			t.Fatalf("task without problems and without a project: %q", raw)
		}
	})
}
