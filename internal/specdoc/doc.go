// Package specdoc embeds openapi.yaml, with the Go overlay of package api applied, as
// kin-openapi's document (GetSpec). It is generated (spec.gen.go) and imported only at
// generation time (internal/reqschema/gen) and by tests: it imports kin-openapi, whose package
// initialisers allocate megabytes, so no program of this module may import it.
package specdoc
