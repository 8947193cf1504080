// Command benchcli is `make bench-cli` (issue 13): the start-up cost of the CLI, measured the
// way an operator's script pays it. In one run it alternates
//
//   - `connectortask create` (token from the environment, one POST, -o json) and curl sending
//     the same POST (same URL, headers and body) to the same local fake of Phrase, and
//   - `connectortask version` and a hello-world Go program that imports net/http,
//
// each pair in alternating order, and prints the medians of wall time and of CPU time (user +
// system) with the ratios. The fake (wrapper/phrasetest) runs in this process, on loopback.
// Both targets are ratios, so that the noise of a shared machine hits both sides alike.
//
//	go run ./internal/benchcli -bin build/connectortask-bench -hello build/hello [-n 20]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// The request both clients send: what `create --target-lang de,fr --due ... --path ...`
// builds, as curl gets it from a file.
const body = `{"targetLangs":["de","fr"],"due":"2099-12-01T17:00:00Z","path":"marketing/2026/winter","preTranslate":true}`

func main() {
	bin := flag.String("bin", "build/connectortask-bench", "the connectortask binary")
	hello := flag.String("hello", "build/hello", "the hello-world binary (internal/benchcli/hello)")
	helloLike := flag.String("hello-like", "", "hello-world built like the CLI (optional; compared for information)")
	curl := flag.String("curl", "curl", "the curl binary")
	n := flag.Int("n", 20, "pairs of runs per comparison")
	flag.Parse()
	if err := run(*bin, *hello, *helloLike, *curl, *n); err != nil {
		fmt.Fprintln(os.Stderr, "benchcli:", err)
		os.Exit(1)
	}
}

// sample is one run of one program.
type sample struct{ wall, cpu time.Duration }

func run(bin, hello, helloLike, curl string, n int) error {
	srv, err := phrasetest.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "benchcli")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bodyFile := dir + "/body.json"
	if err := os.WriteFile(bodyFile, []byte(body), 0o600); err != nil {
		return err
	}
	// The token goes to curl in a header file, never in its argument list.
	hdrFile := dir + "/headers"
	if err := os.WriteFile(hdrFile, []byte("Authorization: ApiToken "+srv.Token+"\nContent-Type: application/json\n"), 0o600); err != nil {
		return err
	}
	url := srv.URL + "/api2/v1/projects/" + srv.ProjectUID + "/jobs/connectorTask?downloadTaskId=dl-1"
	env := append(os.Environ(), "PHRASE_TMS_URL="+srv.URL, "PHRASE_TMS_TOKEN="+srv.Token)

	createCmd := func() *exec.Cmd {
		c := exec.Command(bin, "create", "--project-uid", srv.ProjectUID, "--download-task-id", "dl-1",
			"--data", bodyFile, "-o", "json")
		c.Env = env
		return c
	}
	curlCmd := func() *exec.Cmd {
		return exec.Command(curl, "-sS", "--fail-with-body", "-o", "/dev/null", "-w", "%{http_code}",
			"-H", "@"+hdrFile, "--data-binary", "@"+bodyFile, url)
	}
	versionCmd := func() *exec.Cmd { return exec.Command(bin, "version") }
	helloCmd := func() *exec.Cmd { return exec.Command(hello) }

	// One warm-up run each: page cache, the fake's first connection.
	for _, c := range []func() *exec.Cmd{createCmd, curlCmd, versionCmd, helloCmd} {
		if _, err := measure(c()); err != nil {
			return err
		}
	}
	fmt.Printf("bench-cli: %d alternating pairs each; fake of Phrase at %s (in this process)\n\n", n, srv.URL)
	fmt.Printf("%-34s %12s %12s %10s %10s\n", "program", "wall median", "CPU median", "wall ratio", "CPU ratio")
	type comparison struct {
		name, ref   string
		prog, other func() *exec.Cmd
		target      float64 // 0: for information
	}
	cmps := []comparison{
		{"connectortask create -o json", "curl (same POST)", createCmd, curlCmd, 1.0},
		{"connectortask version", "hello world (net/http)", versionCmd, helloCmd, 1.2},
	}
	if helloLike != "" {
		cmps = append(cmps, comparison{"connectortask version", "hello world built like the CLI", versionCmd,
			func() *exec.Cmd { return exec.Command(helloLike) }, 0})
	}
	for _, cmp := range cmps {
		a, b, err := pairs(n, cmp.prog, cmp.other)
		if err != nil {
			return err
		}
		aw, ac := medians(a)
		bw, bc := medians(b)
		rw, rc := float64(aw)/float64(bw), float64(ac)/float64(bc)
		verdict := "(for information)"
		switch {
		case cmp.target == 0:
		case rw > cmp.target:
			verdict = fmt.Sprintf("target wall <= %.1fx: MISSED", cmp.target)
		default:
			verdict = fmt.Sprintf("target wall <= %.1fx: met", cmp.target)
		}
		fmt.Printf("%-34s %12s %12s %9.2fx %9.2fx   %s\n", cmp.name, ms(aw), ms(ac), rw, rc, verdict)
		fmt.Printf("%-34s %12s %12s\n", cmp.ref, ms(bw), ms(bc))
	}
	return nil
}

// pairs runs a and b n times each, alternating which goes first.
func pairs(n int, a, b func() *exec.Cmd) (as, bs []sample, err error) {
	for i := range n {
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		s1, err := measure(first())
		if err != nil {
			return nil, nil, err
		}
		s2, err := measure(second())
		if err != nil {
			return nil, nil, err
		}
		if i%2 == 1 {
			s1, s2 = s2, s1
		}
		as, bs = append(as, s1), append(bs, s2)
	}
	return as, bs, nil
}

// measure runs c to its end and returns its wall time and the CPU time it used.
func measure(c *exec.Cmd) (sample, error) {
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	start := time.Now()
	err := c.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s%s", c.Path, err, out.Bytes(), errOut.Bytes())
	}
	ru, _ := c.ProcessState.SysUsage().(*syscall.Rusage)
	var cpu time.Duration
	if ru != nil {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return sample{wall: wall, cpu: cpu}, nil
}

func medians(ss []sample) (wall, cpu time.Duration) {
	w := make([]time.Duration, len(ss))
	c := make([]time.Duration, len(ss))
	for i, s := range ss {
		w[i], c[i] = s.wall, s.cpu
	}
	return median(w), median(c)
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
