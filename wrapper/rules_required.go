package wrapper

import (
	"strconv"
	"strings"

	"github.com/seed-a960d6a4/connectortask/internal/reqschema"
)

// requiredNullProblem is the Problem of a required field sent as null: a nil slice
// (TargetLangs: nil) encodes as null, and the schema's "null is not allowed" would hide that the
// field is required. ok is false when the field at path is not a required one.
func requiredNullProblem(path string) (p Problem, ok bool) {
	if !requiredAt(requestSchema[:], path) {
		return Problem{}, false
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	return Problem{Path: path, Message: "required field is null", Fix: "give " + unescapePointer(name) + " a value: it is required"}, true
}

// requiredAt reports whether the JSON pointer path names a property that its parent object,
// found from the table's root through properties, array items and allOf, lists as required.
func requiredAt(table []reqschema.Node, path string) bool {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) == 0 || segs[0] == "" || len(table) == 0 {
		return false
	}
	nodes := []int32{0}
	for _, seg := range segs[:len(segs)-1] {
		var next []int32
		for _, i := range expandAllOf(table, nodes) {
			n := &table[i]
			if _, err := strconv.Atoi(seg); err == nil && n.Items != reqschema.None {
				next = append(next, n.Items)
				continue
			}
			for _, p := range n.Props {
				if p.Name == unescapePointer(seg) {
					next = append(next, p.Node)
				}
			}
		}
		if len(next) == 0 {
			return false
		}
		nodes = next
	}
	last := unescapePointer(segs[len(segs)-1])
	for _, i := range expandAllOf(table, nodes) {
		for _, r := range table[i].Required {
			if r == last {
				return true
			}
		}
	}
	return false
}

// expandAllOf returns nodes with the schemas their allOf lists, transitively.
func expandAllOf(table []reqschema.Node, nodes []int32) []int32 {
	out := append([]int32(nil), nodes...)
	for k := 0; k < len(out); k++ {
		out = append(out, table[out[k]].AllOf...)
	}
	return out
}

// unescapePointer undoes the escaping of one JSON pointer segment (~1 is /, ~0 is ~).
func unescapePointer(seg string) string {
	return strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
}
