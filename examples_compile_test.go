package connectortask_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExamplesCompileInAnotherModule copies what a consumer copies — the Go snippets of
// README.md, the code blocks of package wrapper's doc (go doc ./wrapper), and the runnable
// examples of wrapper and phrasetest — into a module of its own that requires this one (a
// replace directive points at the working tree) and builds them there. An example that leans
// on a helper of our tests (ptr, say) or on an unexported name fails here.
//
// Snippets are fragments: each is wrapped in a function that has ctx, password, projectUID and
// downloadTaskID in scope and returns an error. A README block that needs a module outside this
// one's graph (OpenTelemetry) says so on its first line ("// Needs: …") and is skipped.
func TestExamplesCompileInAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module of its own (a few seconds); not in -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/consumer\n\ngo 1.25.0\n\nrequire github.com/seed-a960d6a4/connectortask v0.0.0\n\nreplace github.com/seed-a960d6a4/connectortask => "+root+"\n")
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("wrapper/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var snippets []string
	for _, b := range markdownGoBlocks(string(readme)) {
		if !strings.HasPrefix(b, "// Needs:") {
			snippets = append(snippets, b)
		}
	}
	readmeCount := len(snippets)
	snippets = append(snippets, docCodeBlocks(string(doc))...)
	if readmeCount == 0 || len(snippets) == readmeCount {
		t.Fatalf("found %d README snippets and %d doc snippets; the extraction broke", readmeCount, len(snippets)-readmeCount)
	}
	var src strings.Builder
	src.WriteString(snippetHeader)
	for i, s := range snippets {
		src.WriteString("\nfunc snippet" + string(rune('A'+i)) + "(ctx context.Context, password, projectUID, downloadTaskID string) error {\n")
		src.WriteString(s)
		src.WriteString("\n\treturn nil\n}\n")
	}
	write("snippets/snippets.go", src.String())

	for _, ex := range []string{"wrapper/example_test.go", "wrapper/phrasetest/example_test.go"} {
		data, err := os.ReadFile(ex)
		if err != nil {
			t.Fatal(err)
		}
		write("examples/"+filepath.Dir(ex)+"/example_test.go", string(data))
	}

	cmd := exec.Command(goBin, "test", "-count=1", "-run", "^$", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the examples do not compile in another module: %v\n%s\n--- snippets.go:\n%s", err, out.String(), src.String())
	}
}

const snippetHeader = `// Package snippets holds the README's and the package doc's code, wrapped in functions.
package snippets

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// Every import is used at least once, whichever snippets there are.
var (
	_ = context.Background
	_ = errors.As
	_ = fmt.Sprint
	_ = log.Printf
	_ = slog.Default
	_ = http.StatusOK
	_ = os.Getenv
	_ = time.Second
	_ api.JobCreateRequestDto
	_ = wrapper.New
	_ = phrasetest.NewServer
)
`

var goFence = regexp.MustCompile("(?s)```go\n(.*?)```")

// markdownGoBlocks returns the ```go blocks of a Markdown text.
func markdownGoBlocks(md string) []string {
	var blocks []string
	for _, m := range goFence.FindAllStringSubmatch(md, -1) {
		blocks = append(blocks, strings.TrimRight(m[1], "\n"))
	}
	return blocks
}

// docCodeBlocks returns the code blocks (lines indented with a tab) of the doc comments of a Go
// file, a blank comment line inside a block kept.
func docCodeBlocks(src string) []string {
	var blocks []string
	var cur []string
	flush := func() {
		for len(cur) > 0 && cur[len(cur)-1] == "" {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			blocks = append(blocks, strings.Join(cur, "\n"))
		}
		cur = nil
	}
	for _, line := range strings.Split(src, "\n") {
		switch {
		case strings.HasPrefix(line, "//\t"):
			cur = append(cur, strings.TrimPrefix(line, "//"))
		case line == "//" && len(cur) > 0:
			cur = append(cur, "")
		default:
			flush()
		}
	}
	flush()
	return blocks
}
