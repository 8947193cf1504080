package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/reqschema"
)

// The request schema is requestSchema (reqschema_gen.go), generated from openapi.yaml by
// internal/reqschema/gen: a table, initialised statically by the linker, so a program pays
// nothing for it at start-up. The walker below checks JSON bytes against it without decoding
// them into maps, and reports what kin-openapi's Schema.VisitJSON (as a request, all errors)
// reports, as the same Problems; FuzzSchemaAgreesWithKinOpenAPI holds it to that.

// schemaReady prepares what the table needs at run time (compiled patterns), once per process
// and only when a request is first validated.
var schemaReady = sync.OnceValue(func() []*regexp.Regexp {
	specLoads.Add(1)
	return compilePatterns(requestSchema[:])
})

// compilePatterns compiles the pattern of every node (nil where it has none).
func compilePatterns(nodes []reqschema.Node) []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(nodes))
	for i, n := range nodes {
		if n.Pattern != "" {
			// kin-openapi compiles patterns with regexp too; a pattern that does not compile
			// fails openapi.yaml's lint and api's spec tests long before this runs.
			res[i] = regexp.MustCompile(n.Pattern)
		}
	}
	return res
}

// schemaWalker validates one JSON value (data, valid JSON) against a table of nodes.
type schemaWalker struct {
	data     []byte
	nodes    []reqschema.Node
	patterns []*regexp.Regexp
	ps       []Problem
	path     []pathSeg
	members  []member
}

// pathSeg is one segment of the current JSON path: an array index, or an object key held as
// its bytes in data (decoded only when a problem needs the path).
type pathSeg struct {
	idx        int // -1 for a key
	start, end int // the key's bytes, quotes excluded
	escaped    bool
}

// member is one key of the object being walked, and the problems its value produced.
type member struct {
	start, end int // the key's bytes, quotes excluded
	escaped    bool
	null       bool
	from, to   int // w.ps[from:to] came from this member
	shadowed   bool
}

var walkers = sync.Pool{New: func() any { return new(schemaWalker) }}

// schemaProblemsJSON validates data (one valid JSON value) against the request schema; with
// strict it also reports the keys the schema does not declare, as unknownFieldProblems did.
func schemaProblemsJSON(data []byte, strict bool) []Problem {
	return walkSchema(requestSchema[:], schemaReady(), data, strict)
}

// walkSchema validates data (one valid JSON value) against nodes (node 0 the root).
func walkSchema(nodes []reqschema.Node, patterns []*regexp.Regexp, data []byte, strict bool) []Problem {
	w := walkers.Get().(*schemaWalker)
	w.data, w.nodes, w.patterns, w.ps = data, nodes, patterns, nil
	pos := w.ws(0)
	w.visit(0, pos)
	if strict {
		w.unknown(0, pos)
	}
	ps := w.ps
	w.data, w.ps, w.path, w.members = nil, nil, w.path[:0], w.members[:0]
	walkers.Put(w)
	return ps
}

// visit checks the value at pos against node ni and returns the position after the value. It
// follows kin-openapi's order: null, allOf, enum, then the checks of the value's kind.
func (w *schemaWalker) visit(ni int32, pos int) int {
	n := &w.nodes[ni]
	c := w.data[pos]
	if c == 'n' && n.Nullable {
		return pos + 4
	}
	if n.Empty {
		if c == 'n' {
			w.add(n, "nullable", "")
		}
		return w.skip(pos)
	}
	if len(n.AllOf) > 0 {
		before, end := len(w.ps), 0
		for _, sub := range n.AllOf {
			end = w.visit(sub, pos)
		}
		if len(w.ps) > before || c == 'n' {
			return end
		}
	}
	if len(n.Enum) > 0 && !w.inEnum(n, pos) {
		w.add(n, "enum", "")
		return w.skip(pos)
	}
	switch c {
	case 'n':
		w.add(n, "nullable", "")
		return pos + 4
	case 't', 'f':
		if !permits(n, "boolean") {
			w.add(n, "type", "")
		}
		return w.skip(pos)
	case '"':
		return w.str(n, ni, pos)
	case '[':
		return w.array(n, pos)
	case '{':
		return w.object(n, pos)
	}
	return w.number(n, pos)
}

// permits reports whether node n allows JSON type t (a node without type allows all).
func permits(n *reqschema.Node, t string) bool {
	return n.Type == "" || n.Type == t
}

func (w *schemaWalker) inEnum(n *reqschema.Node, pos int) bool {
	if w.data[pos] != '"' {
		return false // the compiler allows string enums only
	}
	end, esc := w.strEnd(pos)
	raw := w.data[pos+1 : end-1]
	if esc || !utf8.Valid(raw) {
		s := w.decodeString(pos, end)
		return slices.Contains(n.Enum, s)
	}
	for _, e := range n.Enum {
		if string(raw) == e {
			return true
		}
	}
	return false
}

func (w *schemaWalker) str(n *reqschema.Node, ni int32, pos int) int {
	end, esc := w.strEnd(pos)
	if !permits(n, "string") {
		w.add(n, "type", "")
		return end
	}
	if n.MinLength == 0 && !n.HasMaxLength && n.Pattern == "" && n.Format != "date-time" {
		return end
	}
	raw := w.data[pos+1 : end-1]
	var s string
	decoded := esc || !utf8.Valid(raw)
	if decoded {
		s = w.decodeString(pos, end)
	}
	if n.MinLength != 0 || n.HasMaxLength {
		var length int64
		if decoded {
			length = int64(utf8.RuneCountInString(s))
		} else {
			length = int64(utf8.RuneCount(raw))
		}
		if n.MinLength != 0 && length < n.MinLength {
			w.add(n, "minLength", fmt.Sprintf("minimum string length is %d", n.MinLength))
		}
		if n.HasMaxLength && length > n.MaxLength {
			w.add(n, "maxLength", fmt.Sprintf("maximum string length is %d", n.MaxLength))
		}
	}
	if n.Pattern != "" {
		re := w.patterns[ni]
		ok := false
		if decoded {
			ok = re.MatchString(s)
		} else {
			ok = re.Match(raw)
		}
		if !ok {
			w.add(n, "pattern", fmt.Sprintf(`string doesn't match the regular expression "%s"`, n.Pattern))
		}
	}
	if n.Format == "date-time" {
		if !decoded {
			s = string(raw)
		}
		// The client's own parser, so that Phrase's +0000 form passes (kin-openapi's
		// date-time check is not used: it refuses +0000).
		if _, err := api.ParseDateTime(s); err != nil {
			w.ps = append(w.ps, Problem{Path: w.pointer(""), Message: "not a date-time", Fix: "use RFC 3339 in UTC, e.g. 2026-12-01T17:00:00Z"})
		}
	}
	return end
}

func (w *schemaWalker) number(n *reqschema.Node, pos int) int {
	end := pos
	for end < len(w.data) && strings.IndexByte("+-0123456789.eE", w.data[end]) >= 0 {
		end++
	}
	requireInt := n.Type == "integer"
	if !requireInt && !permits(n, "number") {
		w.add(n, "type", "")
		return end
	}
	v, _ := strconv.ParseFloat(string(w.data[pos:end]), 64)
	if requireInt && v != math.Trunc(v) {
		w.add(n, "type", "")
	}
	if requireInt && (n.Format == "int32" || n.Format == "int64") {
		if msg := intFormatProblem(n.Format, v); msg != "" {
			w.add(n, "format", fmt.Sprintf("integer doesn't match the format %q (%s)", n.Format, msg))
		}
	}
	if n.ExclusiveMin && !(v > n.Min) {
		w.add(n, "exclusiveMinimum", fmt.Sprintf("number must be more than %g", n.Min))
	}
	if n.ExclusiveMax && !(v < n.Max) {
		w.add(n, "exclusiveMaximum", fmt.Sprintf("number must be less than %g", n.Max))
	}
	if n.HasMin && !(n.Min <= v) {
		w.add(n, "minimum", fmt.Sprintf("number must be at least %g", n.Min))
	}
	if n.HasMax && !(n.Max >= v) {
		w.add(n, "maximum", fmt.Sprintf("number must be at most %g", n.Max))
	}
	return end
}

// intFormatProblem is kin-openapi's check of the int32 and int64 formats, or "".
func intFormatProblem(format string, v float64) string {
	var i int64
	switch {
	case v == float64(math.MaxInt64):
		i = math.MaxInt64
	case v >= float64(math.MinInt64) && v < float64(math.MaxInt64):
		i = int64(v)
	default:
		return fmt.Sprintf("value should be between %v and %v", int64(math.MinInt64), int64(math.MaxInt64))
	}
	if format == "int32" && (i < math.MinInt32 || i > math.MaxInt32) {
		return fmt.Sprintf("value should be between %v and %v", math.MinInt32, math.MaxInt32)
	}
	return ""
}

func (w *schemaWalker) array(n *reqschema.Node, pos int) int {
	if !permits(n, "array") {
		w.add(n, "type", "")
		return w.skip(pos)
	}
	count := 0
	pos = w.ws(pos + 1)
	for w.data[pos] != ']' {
		if n.Items != reqschema.None {
			w.path = append(w.path, pathSeg{idx: count})
			pos = w.visit(n.Items, pos)
			w.path = w.path[:len(w.path)-1]
		} else {
			pos = w.skip(pos)
		}
		count++
		pos = w.ws(pos)
		if w.data[pos] == ',' {
			pos = w.ws(pos + 1)
		}
	}
	if n.MinItems != 0 && int64(count) < n.MinItems {
		w.add(n, "minItems", fmt.Sprintf("minimum number of items is %d", n.MinItems))
	}
	if n.HasMaxItems && int64(count) > n.MaxItems {
		w.add(n, "maxItems", fmt.Sprintf("maximum number of items is %d", n.MaxItems))
	}
	return pos + 1
}

func (w *schemaWalker) object(n *reqschema.Node, pos int) int {
	if !permits(n, "object") {
		w.add(n, "type", "")
		return w.skip(pos)
	}
	base := len(w.members)
	var unsupported []string
	shadowed := false
	pos = w.ws(pos + 1)
	for w.data[pos] != '}' {
		kend, esc := w.strEnd(pos)
		esc = esc || !utf8.Valid(w.data[pos+1:kend-1]) // such keys are compared decoded
		m := member{start: pos + 1, end: kend - 1, escaped: esc}
		pos = w.ws(w.ws(kend) + 1) // past ':'
		m.null = w.data[pos] == 'n'
		for i := base; i < len(w.members); i++ {
			if !w.members[i].shadowed && w.sameKey(w.members[i], m) {
				w.members[i].shadowed, shadowed = true, true // the last one wins, as in a map
			}
		}
		m.from = len(w.ps)
		w.path = append(w.path, pathSeg{idx: -1, start: m.start, end: m.end, escaped: esc})
		if p := w.prop(n, m); p != nil {
			child := &w.nodes[p.Node]
			if child.ReadOnly && !m.null {
				w.ps = append(w.ps, w.problem(child, "readOnly", fmt.Sprintf("readOnly property %q in request", p.Name)))
			}
			pos = w.visit(p.Node, pos)
		} else if !n.NoAdditional {
			if n.Additional != reqschema.None {
				pos = w.visit(n.Additional, pos)
			} else {
				pos = w.skip(pos)
			}
		} else {
			unsupported = append(unsupported, w.key(m.start, m.end, esc))
			pos = w.skip(pos)
		}
		w.path = w.path[:len(w.path)-1]
		m.to = len(w.ps)
		w.members = append(w.members, m)
		pos = w.ws(pos)
		if w.data[pos] == ',' {
			pos = w.ws(pos + 1)
		}
	}
	if shadowed {
		w.dropShadowed(base)
	}
	if len(unsupported) > 0 {
		slices.Sort(unsupported)
		for _, k := range slices.Compact(unsupported) {
			w.add(n, "properties", fmt.Sprintf("property %q is unsupported", k))
		}
	}
	for _, name := range n.Required {
		if w.hasKey(base, name) {
			continue
		}
		if p := findProp(n, name); p != nil && w.nodes[p.Node].ReadOnly {
			continue
		}
		path := w.pointer(name)
		w.ps = append(w.ps, Problem{Path: path, Message: "required field is missing", Fix: "add it"})
	}
	w.members = w.members[:base]
	return pos + 1
}

// dropShadowed removes the problems of the members whose key came again later in the object.
func (w *schemaWalker) dropShadowed(base int) {
	kept := w.ps[:w.members[base].from]
	for i := base; i < len(w.members); i++ {
		m := w.members[i]
		if !m.shadowed {
			kept = append(kept, w.ps[m.from:m.to]...)
		}
	}
	// Problems after the last member (none yet) would follow here.
	w.ps = kept
}

func (w *schemaWalker) prop(n *reqschema.Node, m member) *reqschema.Prop {
	if m.escaped {
		return findProp(n, w.key(m.start, m.end, true))
	}
	k := w.data[m.start:m.end]
	for i := range n.Props {
		if n.Props[i].Name == string(k) {
			return &n.Props[i]
		}
	}
	return nil
}

func findProp(n *reqschema.Node, name string) *reqschema.Prop {
	for i := range n.Props {
		if n.Props[i].Name == name {
			return &n.Props[i]
		}
	}
	return nil
}

func (w *schemaWalker) hasKey(base int, name string) bool {
	for _, m := range w.members[base:] {
		if m.escaped {
			if w.key(m.start, m.end, true) == name {
				return true
			}
		} else if string(w.data[m.start:m.end]) == name {
			return true
		}
	}
	return false
}

func (w *schemaWalker) sameKey(a, b member) bool {
	if !a.escaped && !b.escaped {
		return bytes.Equal(w.data[a.start:a.end], w.data[b.start:b.end])
	}
	return w.key(a.start, a.end, a.escaped) == w.key(b.start, b.end, b.escaped)
}

// unknown reports the keys of objects that the schema does not declare, walking declared
// properties and array items only (unknownFieldProblems of old, for ValidateRequestJSON).
func (w *schemaWalker) unknown(ni int32, pos int) int {
	n := &w.nodes[ni]
	switch w.data[pos] {
	case '{':
		if len(n.Props) == 0 {
			return w.skip(pos) // a free-form object
		}
		base := len(w.members)
		shadowed := false
		pos = w.ws(pos + 1)
		for w.data[pos] != '}' {
			kend, esc := w.strEnd(pos)
			esc = esc || !utf8.Valid(w.data[pos+1:kend-1])
			m := member{start: pos + 1, end: kend - 1, escaped: esc}
			pos = w.ws(w.ws(kend) + 1)
			for i := base; i < len(w.members); i++ {
				if !w.members[i].shadowed && w.sameKey(w.members[i], m) {
					w.members[i].shadowed, shadowed = true, true
				}
			}
			m.from = len(w.ps)
			w.path = append(w.path, pathSeg{idx: -1, start: m.start, end: m.end, escaped: esc})
			if p := w.prop(n, m); p != nil {
				pos = w.unknown(p.Node, pos)
			} else {
				k := w.key(m.start, m.end, esc)
				p := Problem{Path: w.pointer(""), Message: "unknown field", Fix: "remove it or correct its name"}
				if near := nearestProp(k, n.Props); near != "" {
					p.Fix = "did you mean " + strconv.Quote(near) + "?"
				}
				w.ps = append(w.ps, p)
				pos = w.skip(pos)
			}
			w.path = w.path[:len(w.path)-1]
			m.to = len(w.ps)
			w.members = append(w.members, m)
			pos = w.ws(pos)
			if w.data[pos] == ',' {
				pos = w.ws(pos + 1)
			}
		}
		if shadowed {
			w.dropShadowed(base)
		}
		w.members = w.members[:base]
		return pos + 1
	case '[':
		if n.Items == reqschema.None {
			return w.skip(pos)
		}
		i := 0
		pos = w.ws(pos + 1)
		for w.data[pos] != ']' {
			w.path = append(w.path, pathSeg{idx: i})
			pos = w.unknown(n.Items, pos)
			w.path = w.path[:len(w.path)-1]
			i++
			pos = w.ws(pos)
			if w.data[pos] == ',' {
				pos = w.ws(pos + 1)
			}
		}
		return pos + 1
	}
	return w.skip(pos)
}

// nearestProp returns the declared property that differs from k only in case or a plural s.
func nearestProp(k string, props []reqschema.Prop) string {
	for _, p := range props {
		if strings.EqualFold(p.Name, k) || strings.EqualFold(p.Name, k+"s") || strings.EqualFold(p.Name+"s", k) {
			return p.Name
		}
	}
	return ""
}

// add appends the problem of a failed schema keyword at the current path.
func (w *schemaWalker) add(n *reqschema.Node, field, reason string) {
	w.ps = append(w.ps, w.problem(n, field, reason))
}

// problem turns a failed keyword into a Problem, as schemaProblem turned kin-openapi's errors:
// from the keyword and the schema, never from the offending value (it may be a secret).
func (w *schemaWalker) problem(n *reqschema.Node, field, reason string) Problem {
	p := Problem{Path: w.pointer(""), Message: reason}
	switch field {
	case "readOnly":
		p.Path = w.pointer("") // the key is already on the path
	case "type":
		if n.Type != "" {
			p.Message = "wrong type: want " + article(n.Type)
			p.Fix = "give " + article(n.Type) + " here"
		} else {
			p.Message = ""
		}
	case "nullable":
		if rp, ok := requiredNullProblem(p.Path); ok {
			return rp
		}
		p.Message = "null is not allowed here"
		p.Fix = "give a value or leave the field out"
	case "enum":
		p.Message = "not an allowed value"
		p.Fix = "use one of " + strings.Join(n.Enum, ", ")
	case "maxLength":
		p.Message = fmt.Sprintf("longer than %d characters", n.MaxLength)
		p.Fix = fmt.Sprintf("shorten it to at most %d characters", n.MaxLength)
	case "minLength":
		p.Fix = fmt.Sprintf("give at least %d characters", n.MinLength)
	case "minItems":
		p.Message = fmt.Sprintf("fewer than %d item(s)", n.MinItems)
		p.Fix = fmt.Sprintf("give at least %d", n.MinItems)
	case "minimum", "maximum":
		if n.HasMin && n.HasMax {
			p.Message = fmt.Sprintf("out of range %v..%v", n.Min, n.Max)
			p.Fix = fmt.Sprintf("give a number from %v to %v", n.Min, n.Max)
		}
	case "format":
		p.Fix = "see the field's format in the spec"
	}
	if p.Message == "" {
		p.Message = "does not match the spec (" + field + ")"
	}
	if p.Fix == "" {
		p.Fix = "see JobCreateRequestDto in openapi.yaml"
	}
	return p
}

// pointer is the current JSON path, plus the key extra when it is not "".
func (w *schemaWalker) pointer(extra string) string {
	var b strings.Builder
	for _, s := range w.path {
		b.WriteByte('/')
		if s.idx >= 0 {
			b.WriteString(strconv.Itoa(s.idx))
		} else {
			b.WriteString(escapePointer(w.key(s.start, s.end, s.escaped)))
		}
	}
	if extra != "" {
		b.WriteByte('/')
		b.WriteString(escapePointer(extra))
	}
	return b.String()
}

// key returns the decoded key whose bytes are data[start:end].
func (w *schemaWalker) key(start, end int, escaped bool) string {
	if !escaped && utf8.Valid(w.data[start:end]) {
		return string(w.data[start:end])
	}
	return w.decodeString(start-1, end+1)
}

// decodeString decodes the JSON string data[pos:end] (quotes included) as encoding/json does.
func (w *schemaWalker) decodeString(pos, end int) string {
	var s string
	_ = json.Unmarshal(w.data[pos:end], &s)
	return s
}

// ws skips JSON white space.
func (w *schemaWalker) ws(pos int) int {
	for pos < len(w.data) {
		switch w.data[pos] {
		case ' ', '\t', '\r', '\n':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// strEnd returns the position after the string starting at pos, and whether it has escapes.
func (w *schemaWalker) strEnd(pos int) (int, bool) {
	esc := false
	for i := pos + 1; i < len(w.data); i++ {
		switch w.data[i] {
		case '\\':
			esc = true
			i++
		case '"':
			return i + 1, esc
		}
	}
	return len(w.data), esc
}

// skip returns the position after the value starting at pos.
func (w *schemaWalker) skip(pos int) int {
	switch w.data[pos] {
	case '"':
		end, _ := w.strEnd(pos)
		return end
	case 't', 'n':
		return pos + 4
	case 'f':
		return pos + 5
	case '{', '[':
		depth := 0
		for i := pos; i < len(w.data); i++ {
			switch w.data[i] {
			case '"':
				end, _ := w.strEnd(i)
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(w.data)
	}
	end := pos
	for end < len(w.data) && strings.IndexByte("+-0123456789.eE", w.data[end]) >= 0 {
		end++
	}
	return end
}
