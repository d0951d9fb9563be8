// Command k6 is k6 with the small MongoDB extension in ./mongo compiled in: what
// `xk6 build --with` would generate, built with plain `go build` so that it needs nothing but
// the Go module proxy. The benchmark uses it to measure FerretDB without any Relata code in
// the path.
package main

import (
	k6cmd "go.k6.io/k6/cmd"

	_ "github.com/relata/relata/e2e/load/k6-mongo/mongo"
)

func main() {
	k6cmd.Execute()
}
