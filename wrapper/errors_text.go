package wrapper

import "strings"

// addsDetail reports whether a detail message says something the text already written (the
// description and the details before it) does not: it is not empty and not contained in any of
// them, compared without case, surrounding space or a final full stop.
func addsDetail(detail string, said ...string) bool {
	d := normDetail(detail)
	if d == "" {
		return false
	}
	for _, s := range said {
		if strings.Contains(normDetail(s), d) {
			return false
		}
	}
	return true
}

// normDetail is s in one line, lower case, without a final full stop.
func normDetail(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimSuffix(s, ".")
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
