// Package connectortask is the root of the connectortask module: it holds the OpenAPI contract
// (openapi.yaml, embedded here byte for byte) and the go:generate lines that compile it into
// package api, internal/specdoc and wrapper's request schema (wrapper/reqschema_gen.go), in
// that order. Go services import the wrapper package; see README.md.
package connectortask

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
//go:generate go tool -modfile=tools/go.mod oapi-codegen -config internal/specdoc/oapi-codegen.yaml openapi.yaml
//go:generate go run ./internal/reqschema/gen -o wrapper/reqschema_gen.go
