package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// A bad flag value is a Problem like any other: create reports every problem of the flags and
// of the body at once (exit 2, nothing sent), instead of stopping at the first flag that does
// not parse. Problems of a flag have the flag as their path ("--due"); problems of the body
// have the JSON path ("/targetLangs/1").

// collectsProblems marks the commands (create) that report the global flags' problems with
// their own; the others refuse them before they run.
const collectsProblems = "connectortask/collects-problems"

// durationValue is a duration flag that records a value it cannot parse instead of failing the
// parse, so that the command can report it with the other problems.
type durationValue struct {
	d   *time.Duration
	raw string
	err error
}

func newDurationValue(d *time.Duration, def time.Duration) *durationValue {
	*d = def
	return &durationValue{d: d}
}

func (v *durationValue) Set(s string) error {
	v.raw = s
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		v.err = err
		return nil
	}
	*v.d, v.err = d, nil
	return nil
}

func (v *durationValue) String() string { return v.d.String() }
func (v *durationValue) Type() string   { return "duration" }

// durationProblem is the problem of a duration flag that did not parse, or was not positive
// where it must be; ok is false when the flag is fine.
func durationProblem(fs *pflag.FlagSet, name, example string, mustBePositive bool) (wrapper.Problem, bool) {
	f := fs.Lookup(name)
	if f == nil || !f.Changed {
		return wrapper.Problem{}, false
	}
	v, ok := f.Value.(*durationValue)
	if !ok {
		return wrapper.Problem{}, false
	}
	fix := "give a duration such as " + example
	switch {
	case v.err != nil:
		return wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%q is not a duration", v.raw), Fix: fix}, true
	case mustBePositive && *v.d <= 0:
		return wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%s is not a positive duration", *v.d), Fix: fix}, true
	}
	return wrapper.Problem{}, false
}

// globalProblems checks the root's flags: -o and --timeout.
func (a *app) globalProblems(fs *pflag.FlagSet) []wrapper.Problem {
	var ps []wrapper.Problem
	switch a.output {
	case "json", "table":
	default:
		ps = append(ps, wrapper.Problem{Path: "--output", Message: fmt.Sprintf("%q is not an output format", a.output), Fix: "give -o json or -o table"})
	}
	if p, bad := durationProblem(fs, "timeout", "30s or 2m", true); bad {
		ps = append(ps, p)
	}
	return ps
}

// problemsError is the error of a list of problems of flags (and of the body, for create):
// exit 2, nothing was sent.
func problemsError(ps []wrapper.Problem) error {
	if len(ps) == 0 {
		return nil
	}
	return &wrapper.ValidationError{Problems: ps}
}

// flagsOnlyError is problemsError for a command without a request body: a usage error whose
// lines are the problems.
func flagsOnlyError(ps []wrapper.Problem) error {
	if len(ps) == 0 {
		return nil
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return &usageError{err: errors.New(strings.Join(lines, "\n  "))}
}

// withoutPath drops the problems at exactly path (one the CLI has already said in its words).
func withoutPath(ps []wrapper.Problem, path string) []wrapper.Problem {
	out := ps[:0:0]
	for _, p := range ps {
		if p.Path != path {
			out = append(out, p)
		}
	}
	return out
}
