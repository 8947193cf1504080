// Package bench holds the side-by-side benchmarks of issue 7: the same connectorTask call made
// by a hand-written net/http + encoding/json call (the floor), the generated
// ClientWithResponses, and wrapper with and without request validation, each over an in-memory
// transport (client CPU alone) and over loopback httptest. `make bench` runs them and prints the
// table with ratios (see benchtable). Nothing here is imported by the library.
package bench
