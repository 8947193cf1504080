package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// A bad flag value is a Problem like any other: create reports every problem of the flags and
// of the body at once (exit 2, nothing sent), instead of stopping at the first flag that does
// not parse. Problems of a flag have the flag as their path ("--due"); problems of the body
// have the JSON path ("/targetLangs/1").

// collectsProblems marks the commands (create) that report the problems of the flags checked
// before any command runs (checkFlags) with their own; the others refuse them before they run.
const collectsProblems = "connectortask/collects-problems"

// lenientValue is a flag value that records a value it cannot parse instead of failing the
// parse (pflag stops at the first such value), so that the command reports it with the others.
type lenientValue interface {
	pflag.Value
	// parseProblem is the problem of the value given to flag name, if it did not parse.
	parseProblem(name string) (wrapper.Problem, bool)
}

// parseProblems returns the problems of every flag of fs whose value did not parse.
func parseProblems(fs *pflag.FlagSet) []wrapper.Problem {
	var ps []wrapper.Problem
	fs.VisitAll(func(f *pflag.Flag) {
		if lv, ok := f.Value.(lenientValue); ok && f.Changed {
			if p, bad := lv.parseProblem(f.Name); bad {
				ps = append(ps, p)
			}
		}
	})
	return ps
}

// durationValue is a lenient duration flag.
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

func (v *durationValue) parseProblem(name string) (wrapper.Problem, bool) {
	if v.err == nil {
		return wrapper.Problem{}, false
	}
	return wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%q is not a duration", v.raw), Fix: "give a duration such as 30s, 2m or 1h"}, true
}

// boolValue is a lenient boolean flag (--wait, --wait=false; --wait=maybe is a problem).
type boolValue struct {
	b   *bool
	raw string
	err error
}

// boolFlag registers a lenient boolean flag that defaults to false.
func boolFlag(fs *pflag.FlagSet, b *bool, name, usage string) {
	*b = false
	fs.VarPF(&boolValue{b: b}, name, "", usage).NoOptDefVal = "true"
}

func (v *boolValue) Set(s string) error {
	v.raw = s
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		v.err = err
		return nil
	}
	*v.b, v.err = b, nil
	return nil
}

func (v *boolValue) String() string   { return strconv.FormatBool(*v.b) }
func (v *boolValue) Type() string     { return "bool" }
func (v *boolValue) IsBoolFlag() bool { return true }

func (v *boolValue) parseProblem(name string) (wrapper.Problem, bool) {
	if v.err == nil {
		return wrapper.Problem{}, false
	}
	return wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%q is not true or false", v.raw), Fix: fmt.Sprintf("give --%s alone, or --%s=false", name, name)}, true
}

// positiveProblem is the problem of a duration flag that parsed but is not positive.
func positiveProblem(fs *pflag.FlagSet, name, example string) (wrapper.Problem, bool) {
	f := fs.Lookup(name)
	if f == nil || !f.Changed {
		return wrapper.Problem{}, false
	}
	v, ok := f.Value.(*durationValue)
	if !ok || v.err != nil || *v.d > 0 {
		return wrapper.Problem{}, false
	}
	return wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%s is not a positive duration", *v.d), Fix: "give a duration such as " + example}, true
}

// flagProblems checks the flags of a command: every value that did not parse, -o, --timeout.
func (a *app) checkFlags(fs *pflag.FlagSet) []wrapper.Problem {
	ps := parseProblems(fs)
	switch a.output {
	case "json", "table":
	default:
		ps = append(ps, wrapper.Problem{Path: "--output", Message: fmt.Sprintf("%q is not an output format", a.output), Fix: "give -o json or -o table"})
	}
	if p, bad := positiveProblem(fs, "timeout", "30s or 2m"); bad {
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

// intValue is a lenient integer flag (--concurrency 8; --concurrency eight is a problem).
type intValue struct {
	n   *int
	raw string
	err error
}

// intFlag registers a lenient integer flag with its default.
func intFlag(fs *pflag.FlagSet, n *int, name string, def int, usage string) {
	*n = def
	fs.Var(&intValue{n: n}, name, usage)
}

func (v *intValue) Set(s string) error {
	v.raw = s
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		v.err = err
		return nil
	}
	*v.n, v.err = n, nil
	return nil
}

func (v *intValue) String() string { return strconv.Itoa(*v.n) }
func (v *intValue) Type() string   { return "int" }

func (v *intValue) parseProblem(name string) (wrapper.Problem, bool) {
	if v.err == nil {
		return wrapper.Problem{}, false
	}
	return wrapper.Problem{Path: "--" + name, Message: fmt.Sprintf("%q is not a whole number", v.raw), Fix: fmt.Sprintf("give --%s a number such as 8", name)}, true
}
