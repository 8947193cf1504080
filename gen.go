// Package connectortask is the root of the connectortask module: it holds the OpenAPI contract
// (openapi.yaml, embedded here byte for byte) and the go:generate line that compiles it into
// package api. Go services import the wrapper package; see README.md.
package connectortask

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
