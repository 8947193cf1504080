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

## check-generated: fail when api/api.gen.go, internal/specdoc/spec.gen.go or
## wrapper/reqschema_gen.go is not what openapi.yaml generates (touches nothing)
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	sed "s|^output: .*|output: $$tmp/api.gen.go|" api/oapi-codegen.yaml > "$$tmp/config.yaml"; \
	$(TOOLS) oapi-codegen -config "$$tmp/config.yaml" openapi.yaml; \
	sed "s|^output: .*|output: $$tmp/spec.gen.go|" internal/specdoc/oapi-codegen.yaml > "$$tmp/specdoc.yaml"; \
	$(TOOLS) oapi-codegen -config "$$tmp/specdoc.yaml" openapi.yaml; \
	$(GO) run ./internal/reqschema/gen -o "$$tmp/reqschema_gen.go"; \
	for f in api/api.gen.go internal/specdoc/spec.gen.go wrapper/reqschema_gen.go; do \
	  if ! diff -u "$$f" "$$tmp/$$(basename $$f)" > "$$tmp/diff"; then \
	    head -n 40 "$$tmp/diff"; \
	    echo "check-generated: $$f drifted from openapi.yaml; run 'make generate' and commit it alone." >&2; \
	    exit 1; \
	  fi; \
	done; \
	echo "check-generated: api/, internal/specdoc and wrapper/reqschema_gen.go match openapi.yaml"

## build: the CLI into bin/. Static (no cgo): no dynamic loader or libc start-up at every run,
## which is a third of `connectortask version`'s wall time on a busy machine (BENCHMARKS.md).
BUILD_ENV := CGO_ENABLED=0
build:
	$(BUILD_ENV) $(GO) build -o $(BIN) ./cmd/connectortask

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

## test: what CI runs (Go tests last, so their summary closes the output)
test: lint check-generated spec-test bench-smoke test-go

## demo: the README's first command
demo:
	$(GO) run ./cmd/connectortask demo

clean:
	rm -rf bin build

## bench-smoke: every benchmark once, so that they cannot rot unnoticed (part of make test)
.PHONY: bench-smoke
bench-smoke:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./internal/bench/ > /dev/null

## bench: side-by-side overhead benchmarks with ratios (issue 7); figures in BENCHMARKS.md
.PHONY: bench
BENCH_COUNT ?= 5
# Rounds: every benchmark once per round, BENCH_COUNT rounds, so that a busy minute on a shared
# machine hits all variants alike instead of all runs of one (the table takes medians).
bench:
	@mkdir -p build
	$(GO) test -c -o build/bench.test ./internal/bench/
	@for i in $$(seq $(BENCH_COUNT)); do \
	  build/bench.test -test.run '^$$' -test.bench . -test.benchmem -test.count 1; \
	done | tee build/bench.txt | $(GO) run ./internal/bench/benchtable

# ---- The spec as a product for other language teams (issue 6) ----------------------------------
# npm tools are pinned exactly in package.json and package-lock.json and installed with `npm ci`
# (.ci/run does it; these targets do it themselves only when node_modules is missing). The
# reference check needs Debian's chromium (.ci/run installs it). See spec/README.md.
.PHONY: spec-test npm-deps lint-spec docs docs-check ts-client breaking breaking-selftest

## spec-test: every check of the spec as a product (part of `make test`)
spec-test: lint-spec breaking breaking-selftest docs-check ts-client

NODE_BIN := node_modules/.bin
# No telemetry, update notices or funding chatter from the npm tools.
NODE_QUIET := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 SCARF_ANALYTICS=false
REDOCLY := $(NODE_QUIET) $(NODE_BIN)/redocly
# Redocly CLI 2.x draws a boxed "Node.js 20 support is ending" notice on every run; drop that box.
NO_NODE20_BOX := sed '/^ *[╔║╚]/d; /^ *$$/d'
# The breaking-change gate: oasdiff (pinned in tools/go.mod) between the last released spec and
# openapi.yaml. spec/oasdiff-levels.txt raises response-optional-property-removed to an error:
# openapi.yaml marks no response field required (Phrase guarantees none), yet clients read them.
BREAKING := $(TOOLS) oasdiff breaking --fail-on ERR --severity-levels spec/oasdiff-levels.txt
BASELINE := spec/baseline/openapi.yaml

npm-deps:
	@test -f node_modules/.package-lock.json || npm ci --no-audit --no-fund --loglevel=error

## lint-spec: Redocly (recommended-strict) and Spectral (spectral:oas, warnings fail) on openapi.yaml
lint-spec: npm-deps
	@{ $(REDOCLY) lint --config spec/redocly.yaml --lint-config error openapi.yaml 2>&1 1>&3 | $(NO_NODE20_BOX) >&2; } 3>&1
	$(NODE_QUIET) $(NODE_BIN)/spectral lint --ruleset spec/spectral.yaml --fail-severity warn openapi.yaml

## docs: the API reference as one self-contained HTML file (no network), build/docs/index.html
docs: npm-deps
	@{ $(REDOCLY) build-docs openapi.yaml --config spec/redocly.yaml --lint-config error --inlineBundle \
	  --openapi.disableTelemetry=true -o build/docs/index.html 2>&1 1>&3 | $(NO_NODE20_BOX) >&2; } 3>&1

## docs-check: render build/docs in headless chromium; fail unless the operations and fields show
docs-check: docs
	@bash spec/install-chromium.sh
	node spec/docs-check.mjs build/docs/index.html

## ts-client: generate the TypeScript client, type-check it strictly, run a program against the fake
ts-client: npm-deps
	rm -rf clients/typescript/generated build/ts-client
	cd clients/typescript && $(NODE_QUIET) ../../$(NODE_BIN)/openapi-ts -f openapi-ts.config.mjs
	$(NODE_BIN)/tsc -p clients/typescript/tsconfig.json --strict --noEmitOnError
	$(GO) build -o build/ts-client/fakeserver ./clients/typescript/fakeserver
	node clients/typescript/run.mjs build/ts-client/fakeserver build/ts-client/src/main.js
	node clients/typescript/run.mjs build/ts-client/fakeserver build/ts-client/src/main.js -unknown-enums

## breaking: fail when openapi.yaml breaks clients of the last released spec (spec/CHANGELOG.md)
breaking:
	$(BREAKING) $(BASELINE) openapi.yaml

## breaking-selftest: the gate passes on the spec and fails on deliberately broken copies of it
breaking-selftest:
	BREAKING_CMD='$(BREAKING)' node spec/breaking-selftest.mjs $(BASELINE) openapi.yaml

## bench-batch: scale benchmark of create --batch against the fake (issue 7; not part of `make test`,
## about a minute); figures in BENCHMARKS.md. BATCHBENCH_FLAGS=-big adds 100,000 lines, -no-margin
## shows 429s when --rate equals the server's limit.
.PHONY: bench-batch
bench-batch:
	@mkdir -p build
	$(GO) build -o build/connectortask-bench ./cmd/connectortask
	$(GO) run ./internal/batchbench -bin build/connectortask-bench $(BATCHBENCH_FLAGS) | tee build/bench-batch.txt

## bench-cli: start-up cost of the CLI (issue 13): `connectortask create -o json` against curl
## sending the same POST to the same local fake, and `connectortask version` against a
## hello-world Go program importing net/http (built by plain `go build`; and, for information,
## built like the CLI); alternating runs, medians and ratios; figures in BENCHMARKS.md. The CLI
## is built as `make build` builds it; BENCHCLI_N pairs per comparison.
.PHONY: bench-cli
BENCHCLI_N ?= 20
bench-cli:
	@mkdir -p build
	$(BUILD_ENV) $(GO) build -o build/connectortask-bench ./cmd/connectortask
	$(GO) build -o build/hello ./internal/benchcli/hello
	$(BUILD_ENV) $(GO) build -o build/hello-like-cli ./internal/benchcli/hello
	$(GO) run ./internal/benchcli -bin build/connectortask-bench -hello build/hello \
	  -hello-like build/hello-like-cli -n $(BENCHCLI_N) | tee build/bench-cli.txt
