// Package reqschema is the compact form of a request body's JSON schema that wrapper validates
// requests against: a flat table of nodes, generated from openapi.yaml (through the spec
// embedded in internal/apispec) by internal/reqschema/gen, so that a program validating
// requests neither parses the spec nor imports an OpenAPI library. It holds data types only.
//
// Each Node keeps exactly the OpenAPI 3.0 keywords that wrapper's validator implements; the
// compiler (internal/reqschema/compile) refuses a schema using any other keyword, so a new
// keyword in openapi.yaml fails `go generate` instead of being ignored silently.
package reqschema

// None marks the absence of a node index (no items schema, no additionalProperties schema).
const None = -1

// Node is one schema. Node 0 of a table is the root.
type Node struct {
	// Type is the schema's single type ("object", "array", "string", "integer", "number",
	// "boolean"), or "" when it has none (any type).
	Type string
	// Empty is true when the schema is equivalent to {} (every value but null passes).
	Empty    bool
	Nullable bool
	ReadOnly bool
	// Format is the schema's format; the validator checks date-time, int32 and int64 and
	// ignores others, as kin-openapi does by default (the compiler refuses date and byte).
	Format string
	// Enum lists the allowed values (strings only).
	Enum []string

	MinLength    int64
	MaxLength    int64
	HasMaxLength bool
	Pattern      string

	Min, Max                   float64
	HasMin, HasMax             bool
	ExclusiveMin, ExclusiveMax bool

	MinItems    int64
	MaxItems    int64
	HasMaxItems bool
	Items       int32

	// Props are the declared properties, sorted by name.
	Props []Prop
	// Required lists required property names in the spec's order.
	Required []string
	// NoAdditional is additionalProperties: false.
	NoAdditional bool
	// Additional is the additionalProperties schema, or None.
	Additional int32

	// AllOf lists the allOf schemas.
	AllOf []int32
}

// Prop is a declared property: its name and schema.
type Prop struct {
	Name string
	Node int32
}
