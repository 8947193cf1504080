# connectortask — every command a developer or CI runs. `make test` is what .ci/run runs.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO    ?= go
TOOLS := $(GO) tool -modfile=tools/go.mod
BIN   := bin/connectortask

.PHONY: all generate check-generated build test vet test-go lint fmt-check demo clean

all: build

## generate: compile openapi.yaml into api/ (the //go:generate line in gen.go)
generate:
	$(GO) generate ./...

## check-generated: fail when api/api.gen.go is not what openapi.yaml generates (touches nothing)
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	sed "s|^output: .*|output: $$tmp/api.gen.go|" api/oapi-codegen.yaml > "$$tmp/config.yaml"; \
	$(TOOLS) oapi-codegen -config "$$tmp/config.yaml" openapi.yaml; \
	if ! diff -u api/api.gen.go "$$tmp/api.gen.go" > "$$tmp/diff"; then \
	  head -n 40 "$$tmp/diff"; \
	  echo "check-generated: api/ drifted from openapi.yaml; run 'make generate' and commit api/ alone." >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: api/ matches openapi.yaml"

## build: the CLI into bin/
build:
	$(GO) build -o $(BIN) ./cmd/connectortask

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out" >&2; exit 1; fi

## test-go: every Go test, with the race detector (the spec is validated by api's tests)
test-go:
	$(GO) test -race -count=1 ./...

## lint: gofmt, go vet
lint: fmt-check vet

## test: what CI runs
test: lint check-generated test-go

## demo: the README's first command
demo:
	$(GO) run ./cmd/connectortask demo

clean:
	rm -rf bin build

## bench: side-by-side overhead benchmarks with ratios (issue 7); figures in BENCHMARKS.md
.PHONY: bench
bench:
	@mkdir -p build
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./internal/bench/ | tee build/bench.txt | $(GO) run ./internal/bench/benchtable
