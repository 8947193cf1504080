package wrapper

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/seed-a960d6a4/connectortask/api"
)

// langCodeProblems reports target languages that can never be a Phrase language code. Phrase's
// codes (de, pt_br, zh_hant_tw, sr-Latn, es-419) are ASCII letters, digits, "_" and "-"; the
// client rejects only what falls outside that (whitespace, "/", punctuation, non-ASCII, an
// empty code) and leaves to Phrase whether a plausible code is one it knows, so a batch of
// thousands does not fail line by line at Phrase over a typo such as "de fr".
//
// It checks targetLangs and the targetLang of every assignment, top-level and per workflow
// step. An empty or blank entry of targetLangs is reported by ruleProblems.
func langCodeProblems(b *api.JobCreateRequestDto) []Problem {
	var ps []Problem
	check := func(code, path string, emptyToo bool) {
		if strings.TrimSpace(code) == "" {
			if emptyToo {
				ps = append(ps, Problem{Path: path, Message: "empty language code", Fix: "give a language code such as de or pt_br"})
			}
			return
		}
		if why := badLangCode(code); why != "" {
			ps = append(ps, Problem{
				Path:    path,
				Message: fmt.Sprintf("%s is not a language code: %s", strconv.QuoteToASCII(code), why),
				Fix:     langCodeFix(code),
			})
		}
	}
	for i, l := range b.TargetLangs {
		check(l, "/targetLangs/"+strconv.Itoa(i), false)
	}
	assignments := func(list []api.ProvidersPerLanguage, base string) {
		for i, a := range list {
			if a.TargetLang != nil {
				check(*a.TargetLang, base+"/"+strconv.Itoa(i)+"/targetLang", true)
			}
		}
	}
	if b.Assignments != nil {
		assignments(*b.Assignments, "/assignments")
	}
	if b.WorkflowSettings != nil {
		for i, st := range *b.WorkflowSettings {
			assignments(st.Assignments, "/workflowSettings/"+strconv.Itoa(i)+"/assignments")
		}
	}
	return ps
}

// badLangCode says why code cannot be a Phrase language code, or returns "".
func badLangCode(code string) string {
	for _, r := range code {
		switch {
		case r < unicode.MaxASCII && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'):
		case unicode.IsSpace(r):
			return "it contains whitespace"
		case r == '/' || r == '\\':
			return "it contains a slash"
		case r == ',' || r == ';':
			return fmt.Sprintf("it contains %q", r)
		default:
			return fmt.Sprintf("it contains %s; a code has only ASCII letters, digits, _ and -", strconv.QuoteRuneToASCII(r))
		}
	}
	return ""
}

// langCodeFix is the fix for a bad code: split a list, or use a code.
func langCodeFix(code string) string {
	if f := strings.FieldsFunc(code, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }); len(f) > 1 {
		quoted := make([]string, len(f))
		for i, s := range f {
			quoted[i] = strconv.QuoteToASCII(s)
		}
		return "give one language per entry, e.g. " + strings.Join(quoted, ", ")
	}
	return "give a Phrase language code such as de, pt_br or zh_hant_tw"
}
