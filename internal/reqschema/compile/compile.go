// Package compile turns a kin-openapi schema into the compact table of package reqschema and
// writes that table as Go source. Only the generator (internal/reqschema/gen) and tests import
// it: it imports kin-openapi, which no program of this module may import (see internal/apispec).
package compile

import (
	"bytes"
	"fmt"
	"go/format"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/seed-a960d6a4/connectortask/internal/reqschema"
)

// Compile returns the table of root and every schema it reaches (node 0 is root). It fails on
// any keyword the validator does not implement, naming the keyword and where it is.
func Compile(root *openapi3.Schema) ([]reqschema.Node, error) {
	c := &compiler{index: map[*openapi3.Schema]int32{}}
	if _, err := c.node(root, "#"); err != nil {
		return nil, err
	}
	return c.nodes, nil
}

type compiler struct {
	nodes []reqschema.Node
	index map[*openapi3.Schema]int32
}

// supported are the fields of openapi3.Schema the validator implements, or that do not change
// what kin-openapi's VisitJSON (as a request, all errors) accepts or reports.
var supported = map[string]bool{
	"Extensions": true, "Origin": true, "Title": true, "Description": true, "Example": true,
	"Examples": true, "ExternalDocs": true, "Deprecated": true, "XML": true, "Comment": true,
	"Default": true, "AllowEmptyValue": true, "WriteOnly": true,
	"AllOf": true, "Type": true, "Format": true, "Enum": true, "ExclusiveMin": true,
	"ExclusiveMax": true, "Nullable": true, "ReadOnly": true, "Min": true, "Max": true,
	"MinLength": true, "MaxLength": true, "Pattern": true, "MinItems": true, "MaxItems": true,
	"Items": true, "Required": true, "Properties": true, "AdditionalProperties": true,
}

func (c *compiler) ref(r *openapi3.SchemaRef, where string) (int32, error) {
	if r == nil || r.Value == nil {
		return 0, fmt.Errorf("%s: unresolved schema reference", where)
	}
	if r.Ref != "" {
		where = r.Ref
	}
	return c.node(r.Value, where)
}

func (c *compiler) node(s *openapi3.Schema, where string) (int32, error) {
	if i, ok := c.index[s]; ok {
		return i, nil
	}
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !supported[f.Name] && !v.Field(i).IsZero() {
			return 0, fmt.Errorf("%s: the request validator (wrapper/schema.go) does not implement %s; extend it and internal/reqschema", where, f.Name)
		}
	}
	i := int32(len(c.nodes))
	c.index[s] = i
	c.nodes = append(c.nodes, reqschema.Node{Items: reqschema.None, Additional: reqschema.None})
	n := reqschema.Node{
		Empty: s.IsEmpty(), Nullable: s.Nullable, ReadOnly: s.ReadOnly, Format: s.Format,
		MinLength: int64(s.MinLength), Pattern: s.Pattern, MinItems: int64(s.MinItems),
		Items: reqschema.None, Additional: reqschema.None, Required: slices.Clone(s.Required),
	}
	if s.Type != nil {
		switch ts := s.Type.Slice(); len(ts) {
		case 0:
		case 1:
			n.Type = ts[0]
		default:
			return 0, fmt.Errorf("%s: more than one type %v", where, ts)
		}
	}
	switch s.Format {
	case "date", "byte":
		return 0, fmt.Errorf("%s: format %q is not implemented by the request validator", where, s.Format)
	}
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			return 0, fmt.Errorf("%s: enum value %v is not a string", where, e)
		}
		n.Enum = append(n.Enum, str)
	}
	if s.MaxLength != nil {
		n.MaxLength, n.HasMaxLength = int64(min(*s.MaxLength, math.MaxInt64)), true
	}
	if s.MaxItems != nil {
		n.MaxItems, n.HasMaxItems = int64(min(*s.MaxItems, math.MaxInt64)), true
	}
	if s.Min != nil {
		n.Min, n.HasMin = *s.Min, true
	}
	if s.Max != nil {
		n.Max, n.HasMax = *s.Max, true
	}
	if s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil {
		return 0, fmt.Errorf("%s: numeric exclusiveMinimum/exclusiveMaximum (OpenAPI 3.1) are not implemented", where)
	}
	n.ExclusiveMin = s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool && s.Min != nil
	n.ExclusiveMax = s.ExclusiveMax.Bool != nil && *s.ExclusiveMax.Bool && s.Max != nil
	if s.Items != nil {
		j, err := c.ref(s.Items, where+"/items")
		if err != nil {
			return 0, err
		}
		n.Items = j
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		j, err := c.ref(s.Properties[name], where+"/properties/"+name)
		if err != nil {
			return 0, err
		}
		n.Props = append(n.Props, reqschema.Prop{Name: name, Node: j})
	}
	if ap := s.AdditionalProperties; ap.Has != nil && !*ap.Has {
		n.NoAdditional = true
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		j, err := c.ref(ap, where+"/additionalProperties")
		if err != nil {
			return 0, err
		}
		n.Additional = j
	}
	for k, sub := range s.AllOf {
		j, err := c.ref(sub, where+"/allOf/"+strconv.Itoa(k))
		if err != nil {
			return 0, err
		}
		if err := noReadOnly(c.nodes, j, where); err != nil {
			return 0, err
		}
		n.AllOf = append(n.AllOf, j)
	}
	if len(n.AllOf) > 0 {
		for _, p := range n.Props {
			if c.nodes[p.Node].ReadOnly {
				return 0, fmt.Errorf("%s: readOnly property %q beside allOf is not implemented", where, p.Name)
			}
		}
	}
	c.nodes[i] = n
	return i, nil
}

// noReadOnly refuses readOnly properties declared in allOf schemas: kin-openapi then excuses
// them from `required` through the chain of schemas visiting a value, which the validator
// does not model.
func noReadOnly(nodes []reqschema.Node, j int32, where string) error {
	for _, p := range nodes[j].Props {
		if int(p.Node) < len(nodes) && nodes[p.Node].ReadOnly {
			return fmt.Errorf("%s: readOnly property %q inside allOf is not implemented", where, p.Name)
		}
	}
	return nil
}

// WriteGo writes nodes as a Go source file of package pkg declaring `var name = [...]Node{...}`.
func WriteGo(pkg, name, header string, nodes []reqschema.Node) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\npackage %s\n\nimport \"github.com/seed-a960d6a4/connectortask/internal/reqschema\"\n\n", header, pkg)
	fmt.Fprintf(&b, "var %s = [...]reqschema.Node{\n", name)
	for i, n := range nodes {
		fmt.Fprintf(&b, "%d: {", i)
		field := func(k, v string) { fmt.Fprintf(&b, "%s: %s, ", k, v) }
		if n.Type != "" {
			field("Type", strconv.Quote(n.Type))
		}
		if n.Empty {
			field("Empty", "true")
		}
		if n.Nullable {
			field("Nullable", "true")
		}
		if n.ReadOnly {
			field("ReadOnly", "true")
		}
		if n.Format != "" {
			field("Format", strconv.Quote(n.Format))
		}
		if len(n.Enum) > 0 {
			q := make([]string, len(n.Enum))
			for k, e := range n.Enum {
				q[k] = strconv.Quote(e)
			}
			field("Enum", "[]string{"+join(q)+"}")
		}
		if n.MinLength != 0 {
			field("MinLength", strconv.FormatInt(n.MinLength, 10))
		}
		if n.HasMaxLength {
			field("MaxLength", strconv.FormatInt(n.MaxLength, 10))
			field("HasMaxLength", "true")
		}
		if n.Pattern != "" {
			field("Pattern", strconv.Quote(n.Pattern))
		}
		if n.HasMin {
			field("Min", strconv.FormatFloat(n.Min, 'g', -1, 64))
			field("HasMin", "true")
		}
		if n.HasMax {
			field("Max", strconv.FormatFloat(n.Max, 'g', -1, 64))
			field("HasMax", "true")
		}
		if n.ExclusiveMin {
			field("ExclusiveMin", "true")
		}
		if n.ExclusiveMax {
			field("ExclusiveMax", "true")
		}
		if n.MinItems != 0 {
			field("MinItems", strconv.FormatInt(n.MinItems, 10))
		}
		if n.HasMaxItems {
			field("MaxItems", strconv.FormatInt(n.MaxItems, 10))
			field("HasMaxItems", "true")
		}
		field("Items", strconv.Itoa(int(n.Items)))
		if len(n.Props) > 0 {
			ps := make([]string, len(n.Props))
			for k, p := range n.Props {
				ps[k] = fmt.Sprintf("{Name: %s, Node: %d}", strconv.Quote(p.Name), p.Node)
			}
			field("Props", "[]reqschema.Prop{"+join(ps)+"}")
		}
		if len(n.Required) > 0 {
			q := make([]string, len(n.Required))
			for k, r := range n.Required {
				q[k] = strconv.Quote(r)
			}
			field("Required", "[]string{"+join(q)+"}")
		}
		if n.NoAdditional {
			field("NoAdditional", "true")
		}
		field("Additional", strconv.Itoa(int(n.Additional)))
		if len(n.AllOf) > 0 {
			q := make([]string, len(n.AllOf))
			for k, a := range n.AllOf {
				q[k] = strconv.Itoa(int(a))
			}
			field("AllOf", "[]int32{"+join(q)+"}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func join(xs []string) string {
	var b bytes.Buffer
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x)
	}
	return b.String()
}
