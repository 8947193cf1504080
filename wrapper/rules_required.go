package wrapper

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// requiredNullProblem is the Problem of a required field sent as null: a nil slice
// (TargetLangs: nil) encodes as null, and the schema's "null is not allowed" would hide that the
// field is required. ok is false when the field at path is not a required one.
func requiredNullProblem(path string) (p Problem, ok bool) {
	root, err := bodySchema()
	if err != nil || !requiredAt(root, path) {
		return Problem{}, false
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	return Problem{Path: path, Message: "required field is null", Fix: "give " + unescapePointer(name) + " a value: it is required"}, true
}

// requiredAt reports whether the JSON pointer path names a property its parent object, found
// from root through properties and array items, lists as required.
func requiredAt(root *openapi3.Schema, path string) bool {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) == 0 || segs[0] == "" {
		return false
	}
	s := root
	for _, seg := range segs[:len(segs)-1] {
		if s == nil {
			return false
		}
		if _, err := strconv.Atoi(seg); err == nil && s.Items != nil {
			s = s.Items.Value
			continue
		}
		ref := s.Properties[unescapePointer(seg)]
		if ref == nil {
			return false
		}
		s = ref.Value
	}
	if s == nil {
		return false
	}
	last := unescapePointer(segs[len(segs)-1])
	for _, r := range s.Required {
		if r == last {
			return true
		}
	}
	return false
}

// unescapePointer undoes the escaping of one JSON pointer segment (~1 is /, ~0 is ~).
func unescapePointer(seg string) string {
	return strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
}
