package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTableMediansAndRatios(t *testing.T) {
	in := `goos: linux
BenchmarkCall/a_nethttp/mem-2     	 100	  1000 ns/op	 100 B/op	 10 allocs/op
BenchmarkCall/b_generated/mem-2   	 100	  2000 ns/op	 200 B/op	 20 allocs/op
BenchmarkCall/c_wrapper_validate/mem-2 	 100	  9000 ns/op	 300 B/op	 30 allocs/op
BenchmarkCall/c_wrapper_validate/mem-2 	 100	  3000 ns/op	 300 B/op	 30 allocs/op
BenchmarkCall/c_wrapper_validate/mem-2 	 100	  2500 ns/op	 300 B/op	 30 allocs/op
BenchmarkValidateRequest-2 	 100	  12000 ns/op	 900 B/op	 61 allocs/op
`
	var out bytes.Buffer
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"| c_wrapper_validate | mem | 3000 | 300 | 30 | 3.00× | 1.50× |", // the median of 9000, 3000, 2500
		"request validation alone: 12.00 µs/op, 61 allocs/op",
		"mem:     c/b = 1.50×   c/a = 3.00×",
		"BenchmarkCall/a_nethttp/mem-2", // the raw lines are echoed
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if err := run(strings.NewReader("PASS\n"), &bytes.Buffer{}); err == nil {
		t.Error("no benchmark lines: want an error")
	}
}
