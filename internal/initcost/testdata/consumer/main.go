// Command consumer is the smallest Go service using this module: it imports wrapper and
// builds a client. internal/initcost builds it and reads its GODEBUG=inittrace=1.
package main

import (
	"fmt"
	"os"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

func main() {
	c, err := wrapper.New(wrapper.WithAPIToken("t"), wrapper.WithBaseURL("http://127.0.0.1:9/web"))
	if err != nil || c == nil {
		fmt.Fprintln(os.Stderr, "wrapper.New:", err)
		os.Exit(1)
	}
}
