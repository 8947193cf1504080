package compile

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/seed-a960d6a4/connectortask/internal/reqschema"
)

func schemaOf(t *testing.T, yaml string) *openapi3.Schema {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + yaml))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas["Root"].Value
}

// A keyword the validator does not implement fails the generation, naming the keyword.
func TestCompileRefusesWhatTheValidatorDoesNotImplement(t *testing.T) {
	for kw, yaml := range map[string]string{
		"OneOf":       "    Root: {oneOf: [{type: string}, {type: integer}]}\n",
		"AnyOf":       "    Root: {anyOf: [{type: string}]}\n",
		"Not":         "    Root: {not: {type: string}}\n",
		"MultipleOf":  "    Root: {type: number, multipleOf: 2}\n",
		"UniqueItems": "    Root: {type: array, uniqueItems: true, items: {type: string}}\n",
		"MinProps":    "    Root: {type: object, minProperties: 1}\n",
		`"date"`:      "    Root: {type: object, properties: {d: {type: string, format: date}}}\n",
		"enum value":  "    Root: {type: integer, enum: [1, 2]}\n",
		"readOnly":    "    Root: {allOf: [{type: object, properties: {r: {type: string, readOnly: true}}}]}\n",
	} {
		_, err := Compile(schemaOf(t, yaml))
		if err == nil || !strings.Contains(err.Error(), kw) {
			t.Errorf("%s: err = %v, want it named", kw, err)
		}
	}
}

func TestCompileSharesNodesAndSortsProperties(t *testing.T) {
	nodes, err := Compile(schemaOf(t, `    Root:
      type: object
      required: [z, a]
      properties:
        z: {$ref: '#/components/schemas/Ref'}
        a: {$ref: '#/components/schemas/Ref'}
        n: {type: integer, format: int32, minimum: 0, maximum: 9, nullable: true}
    Ref: {type: string, maxLength: 3, enum: [x, y]}
`))
	if err != nil {
		t.Fatal(err)
	}
	root := nodes[0]
	if len(root.Props) != 3 || root.Props[0].Name != "a" || root.Props[2].Name != "z" || root.Props[0].Node != root.Props[2].Node {
		t.Fatalf("props = %+v", root.Props)
	}
	if root.Required[0] != "z" || root.Items != reqschema.None || root.Additional != reqschema.None {
		t.Errorf("root = %+v", root)
	}
	ref := nodes[root.Props[0].Node]
	if ref.Type != "string" || !ref.HasMaxLength || ref.MaxLength != 3 || len(ref.Enum) != 2 {
		t.Errorf("ref = %+v", ref)
	}
	n := nodes[root.Props[1].Node]
	if !n.Nullable || !n.HasMin || !n.HasMax || n.Max != 9 || n.Format != "int32" {
		t.Errorf("n = %+v", n)
	}
	src, err := WriteGo("p", "table", "// header", nodes)
	if err != nil || !strings.Contains(string(src), `Enum: []string{"x", "y"}`) {
		t.Errorf("WriteGo: %v\n%s", err, src)
	}
}
