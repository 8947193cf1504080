// Command hello is the yardstick of `make bench-cli`: the smallest Go program that imports
// net/http, as a Go CLI that talks HTTP must.
package main

import (
	"fmt"
	"net/http"
)

func main() {
	fmt.Println("hello", http.StatusOK)
}
