package connectortask

import _ "embed"

// OpenAPISpec is openapi.yaml exactly as committed, byte for byte. The spec embedded in package
// internal/specdoc (specdoc.GetSpec) is a re-encoded copy with Go-only enum constraints; print this one.
//
//go:embed openapi.yaml
var OpenAPISpec []byte
