// Package connectortask is the root of the connectortask module: it holds the OpenAPI contract
// (openapi.yaml, embedded here byte for byte) and the go:generate lines that compile it into
// package api (client and types, what consumers import), internal/apiserver (the server interface
// the fake of Phrase implements), internal/apispec (the embedded spec, for tests and generators)
// and wrapper's request schema (wrapper/reqschema_gen.go, what wrapper validates against), in
// that order. Go services import the wrapper package; see README.md.
package connectortask

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
//go:generate go tool -modfile=tools/go.mod oapi-codegen -config internal/apiserver/oapi-codegen.yaml openapi.yaml
//go:generate go tool -modfile=tools/go.mod oapi-codegen -config internal/apispec/oapi-codegen.yaml openapi.yaml
//go:generate go run ./internal/reqschema/gen -o wrapper/reqschema_gen.go
