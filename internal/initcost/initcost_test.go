package initcost

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// maxAllocs is the most allocations a package initialiser outside the standard library may
// make. kin-openapi's dependency santhosh-tekuri/jsonschema made 21,000 (1.7 MB, 12-60 ms).
const maxAllocs = 1000

// initLine is one line of GODEBUG=inittrace=1:
// "init github.com/x/y @1.2 ms, 0.3 ms clock, 1024 bytes, 12 allocs".
type initLine struct {
	pkg           string
	clockMs       float64
	bytes, allocs int
}

func parseInitTrace(out []byte) []initLine {
	var lines []initLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 11 || f[0] != "init" || f[5] != "ms" || f[6] != "clock," || f[8] != "bytes," || f[10] != "allocs" {
			continue
		}
		clock, err1 := strconv.ParseFloat(f[4], 64)
		b, err2 := strconv.Atoi(f[7])
		a, err3 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		lines = append(lines, initLine{pkg: f[1], clockMs: clock, bytes: b, allocs: a})
	}
	return lines
}

// standard reports whether pkg is in the standard library (no dot in its first element).
func standard(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".") && pkg != "main"
}

func goTool(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(os.Getenv("GOROOT"), "bin", "go"); os.Getenv("GOROOT") != "" {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the consumer with")
	}
	return p
}

// checkInitCost builds pkg, runs it with args under GODEBUG=inittrace=1 and fails on a
// package initialiser outside the standard library above maxAllocs allocations. Time is
// logged, not judged: it depends on the machine's load; allocations do not.
func checkInitCost(t *testing.T, pkg string, args ...string) {
	bin := filepath.Join(t.TempDir(), "bin")
	build := exec.Command(goTool(t), "build", "-o", bin, pkg)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	run := exec.Command(bin, args...)
	run.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	run.Stderr = &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", pkg, args, err, stderr.Bytes())
	}
	lines := parseInitTrace(stderr.Bytes())
	if len(lines) < 10 {
		t.Fatalf("no init trace read from %s (%d lines):\n%s", pkg, len(lines), stderr.Bytes())
	}
	total := 0
	for _, l := range lines {
		if standard(l.pkg) {
			continue
		}
		total += l.allocs
		t.Logf("init %-60s %6d allocs %8d bytes %6.3f ms", l.pkg, l.allocs, l.bytes, l.clockMs)
		if l.allocs > maxAllocs {
			t.Errorf("init of %s makes %d allocations (%d bytes), more than %d: a program pays it at every start; make it lazy or drop the dependency", l.pkg, l.allocs, l.bytes, maxAllocs)
		}
	}
	t.Logf("outside the standard library: %d allocations in package initialisers", total)
}

// TestInitCostOfAWrapperConsumer: a program importing wrapper and calling wrapper.New.
func TestInitCostOfAWrapperConsumer(t *testing.T) {
	checkInitCost(t, "./testdata/consumer")
}

// TestInitCostOfTheCLI: connectortask version (the CLI also imports the fake, for demo/mock).
func TestInitCostOfTheCLI(t *testing.T) {
	checkInitCost(t, "github.com/seed-a960d6a4/connectortask/cmd/connectortask", "version")
}

func TestParseInitTrace(t *testing.T) {
	out := []byte("init runtime @0.33 ms, 0.99 ms clock, 0 bytes, 0 allocs\n" +
		"init github.com/santhosh-tekuri/jsonschema/v6 @21 ms, 17 ms clock, 1701856 bytes, 21292 allocs\n" +
		"something else\n")
	got := parseInitTrace(out)
	if len(got) != 2 || got[1].pkg != "github.com/santhosh-tekuri/jsonschema/v6" || got[1].allocs != 21292 || got[1].bytes != 1701856 || got[1].clockMs != 17 {
		t.Fatalf("parsed %+v", got)
	}
	if standard(got[1].pkg) || !standard("crypto/internal/fips140/sha256") || standard("main") {
		t.Error("standard() misclassifies")
	}
}
