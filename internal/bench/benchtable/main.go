// Command benchtable reads `go test -bench -benchmem` output of package bench on stdin, echoes
// it, and prints the side-by-side table with the ratios issue 7 asks for: c/b (wrapper with
// validation over the generated client) and c/a (over hand-written net/http), per transport.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// result is one benchmark line's figures.
type result struct{ ns, bytes, allocs float64 }

var line = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)

// interleaved is a line of BenchmarkInterleaved: the ratios of median call times, measured
// call by call in turns (c/b and d/b).
var interleaved = regexp.MustCompile(`^BenchmarkInterleaved/(\S+?)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+([\d.]+) c/b\s+([\d.]+) d/b`)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	runs := map[string][]result{}
	turns := map[string][]result{} // transport -> {c/b, d/b, 0}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fmt.Fprintln(out, sc.Text())
		if m := interleaved.FindStringSubmatch(sc.Text()); m != nil {
			cb, _ := strconv.ParseFloat(m[2], 64)
			db, _ := strconv.ParseFloat(m[3], 64)
			turns[m[1]] = append(turns[m[1]], result{ns: cb, bytes: db})
			continue
		}
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.ParseFloat(m[3], 64)
		a, _ := strconv.ParseFloat(m[4], 64)
		runs[m[1]] = append(runs[m[1]], result{ns, b, a})
	}
	if err := sc.Err(); err != nil {
		return err
	}
	results := map[string]result{}
	for k, rs := range runs {
		results[k] = median(rs)
	}
	if len(results) == 0 {
		return fmt.Errorf("no benchmark lines on stdin")
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "medians of the runs above:")
	fmt.Fprintln(out, "| call | transport | ns/op | B/op | allocs/op | vs a (net/http) | vs b (generated) |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	var names []string
	for k := range results {
		if strings.HasPrefix(k, "Call/") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		parts := strings.Split(k, "/") // Call/<variant>/<transport>
		if len(parts) != 3 {
			continue
		}
		r := results[k]
		fmt.Fprintf(out, "| %s | %s | %.0f | %.0f | %.0f | %s | %s |\n", parts[1], parts[2], r.ns, r.bytes, r.allocs,
			ratio(r, results, "Call/a_nethttp/"+parts[2]), ratio(r, results, "Call/b_generated/"+parts[2]))
	}
	if v, ok := results["ValidateRequest"]; ok {
		fmt.Fprintf(out, "\nrequest validation alone: %.2f µs/op, %.0f allocs/op (targets: ≤ 8 µs, ≤ 40 allocs)\n", v.ns/1000, v.allocs)
	}
	for _, tr := range []string{"mem", "loopback"} {
		c, okc := results["Call/c_wrapper_validate/"+tr]
		b, okb := results["Call/b_generated/"+tr]
		a, oka := results["Call/a_nethttp/"+tr]
		if okc && okb && oka {
			fmt.Fprintf(out, "%-8s c/b = %.2f×   c/a = %.2f×   (separate runs)\n", tr+":", c.ns/b.ns, c.ns/a.ns)
		}
	}
	for _, tr := range []string{"mem", "loopback"} {
		if rs := turns[tr]; len(rs) > 0 {
			cb := make([]result, len(rs))
			for i, r := range rs {
				cb[i] = result{ns: r.ns}
			}
			db := make([]result, len(rs))
			for i, r := range rs {
				db[i] = result{ns: r.bytes}
			}
			fmt.Fprintf(out, "%-8s c/b = %.2f×   d/b = %.2f×   (interleaved call by call, median of %d rounds; target c/b ≤ 1.2× over loopback)\n",
				tr+":", median(cb).ns, median(db).ns, len(rs))
		}
	}
	return nil
}

// median is the run with the median time (-count N repeats each benchmark; a busy moment on
// a 2-core machine then skews one run, not the table).
func median(rs []result) result {
	sort.Slice(rs, func(i, j int) bool { return rs[i].ns < rs[j].ns })
	return rs[len(rs)/2]
}

func ratio(r result, all map[string]result, base string) string {
	b, ok := all[base]
	if !ok || b.ns == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", r.ns/b.ns)
}
