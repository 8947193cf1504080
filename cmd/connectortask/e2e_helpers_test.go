package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The end-to-end tests of this file's siblings (e2e_*_test.go) run the built binary, as a user
// and a CI script do: exit codes, stdout and stderr as the process boundary leaves them, and
// signals. The binary is built once per test process.

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary returns the path of the built connectortask, building it on first use.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "connectortask-e2e-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "connectortask")
		built.out, built.err = exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// binEnv is the environment of a run: PATH and HOME only (never the test's own PHRASE_TMS_*
// or CI), plus env.
func binEnv(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// runBin runs the binary to its end, with stdin and env, bounded to a minute.
func runBin(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = binEnv(env)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// proc is a running binary (mock, or a wait to interrupt).
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	code   int
}

// startBin starts the binary in the background; stop or wait for it before the test ends.
func startBin(t *testing.T, env map[string]string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = binEnv(env)
	p := &proc{t: t, cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		}
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// signal sends sig and waits (at most 20s) for the process to end; it returns what it printed.
func (p *proc) signal(sig syscall.Signal) result {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.t.Fatalf("the process did not end after %s\nstderr:\n%s", sig, p.stderr.String())
	}
	return result{code: p.code, stdout: p.stdout.String(), stderr: p.stderr.String()}
}

// firstLine waits (at most 10s) for the first complete line on the process's stdout.
func (p *proc) firstLine() string {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if line, err := bufio.NewReader(strings.NewReader(p.stdout.String())).ReadString('\n'); err == nil {
			return strings.TrimSuffix(line, "\n")
		} else if err != io.EOF {
			p.t.Fatal(err)
		}
		select {
		case <-p.done:
			p.t.Fatalf("the process ended (exit %d) before printing a line\nstderr:\n%s", p.code, p.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	p.t.Fatalf("no line on stdout within 10s\nstderr:\n%s", p.stderr.String())
	return ""
}

// startMock starts `connectortask mock` on a free port with args, and returns its API root,
// read from the first line of its stdout.
func startMock(t *testing.T, args ...string) (*proc, string) {
	t.Helper()
	p := startBin(t, nil, append([]string{"mock", "--addr", "127.0.0.1:0"}, args...)...)
	return p, p.firstLine()
}
