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

## check-generated: fail when a generated file (api/, internal/apiserver/, internal/apispec/,
## wrapper/reqschema_gen.go) is not what openapi.yaml generates (regenerates into a temp dir;
## touches nothing)
GEN_CONFIGS := api/oapi-codegen.yaml internal/apiserver/oapi-codegen.yaml internal/apispec/oapi-codegen.yaml
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; status=0; \
	for cfg in $(GEN_CONFIGS); do \
	  out=$$(sed -n 's|^output: *||p' "$$cfg"); \
	  sed "s|^output: .*|output: $$tmp/gen.go|" "$$cfg" > "$$tmp/config.yaml"; \
	  $(TOOLS) oapi-codegen -config "$$tmp/config.yaml" openapi.yaml; \
	  if ! diff -u "$$out" "$$tmp/gen.go" > "$$tmp/diff"; then \
	    head -n 40 "$$tmp/diff"; \
	    echo "check-generated: $$out drifted from openapi.yaml ($$cfg); run 'make generate' and commit the generated files alone." >&2; \
	    status=1; \
	  fi; \
	done; \
	$(GO) run ./internal/reqschema/gen -o "$$tmp/reqschema_gen.go"; \
	if ! diff -u wrapper/reqschema_gen.go "$$tmp/reqschema_gen.go" > "$$tmp/diff"; then \
	  head -n 40 "$$tmp/diff"; \
	  echo "check-generated: wrapper/reqschema_gen.go drifted from openapi.yaml; run 'make generate' and commit it alone." >&2; \
	  status=1; \
	fi; \
	[ $$status -eq 0 ] && echo "check-generated: api/, internal/apiserver/, internal/apispec/, wrapper/reqschema_gen.go match openapi.yaml"; \
	exit $$status

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

# The oldest Go release the module supports (go.mod says `go 1.25.0`; Go supports the last two
# releases, 1.25 and 1.26). The go command fetches this toolchain from the module proxy
# (golang.org/toolchain) on first use. Bump it to the newest 1.25 patch now and then.
GO_OLDEST ?= go1.25.14

## test-go-oldest: the library's and CLI's tests built and run with GO_OLDEST, proving that
## nothing needs a newer Go than go.mod promises (the race detector runs in test-go)
.PHONY: test-go-oldest
test-go-oldest:
	GOTOOLCHAIN=$(GO_OLDEST) $(GO) version
	GOTOOLCHAIN=$(GO_OLDEST) $(GO) vet ./...
	GOTOOLCHAIN=$(GO_OLDEST) $(GO) test -count=1 ./...

## staticcheck: honnef.co/go/tools (pinned in tools/go.mod), every check of its default set
.PHONY: staticcheck
staticcheck:
	$(TOOLS) staticcheck ./...

## lint: gofmt, go vet, staticcheck
lint: fmt-check vet staticcheck

## test: what CI runs (Go tests last, so their summary closes the output)
test: lint check-generated spec-test bench-smoke test-go-oldest test-go

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
.PHONY: spec-test npm-deps lint-spec docs docs-check ts-client ts-fetch-client breaking breaking-selftest spec-conformance

## spec-test: every check of the spec as a product (part of `make test`)
spec-test: lint-spec breaking breaking-selftest spec-conformance docs-check ts-client ts-fetch-client

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

# npm ci when node_modules is missing or older than package-lock.json (a new pin).
npm-deps:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi

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

## spec-conformance: record every answer of the fake (every route and fault) while kin-openapi
## validates it (wrapper/phrasetest/spec_conformance_test.go), then validate the same answers
## with Ajv (spec/validate-answers.mjs): two validators from two ecosystems
RECORDED := build/recorded-answers
spec-conformance: npm-deps
	rm -rf $(RECORDED)
	PHRASETEST_RECORD_DIR=$(CURDIR)/$(RECORDED) $(GO) test -count=1 -run '^TestSpecConformance$$' ./wrapper/phrasetest/
	node spec/validate-answers.mjs openapi.yaml $(RECORDED)

## ts-fetch-client: the second TypeScript route: openapi-typescript types + openapi-fetch, tsc --strict,
## run against the fake (log in, create with the minimal body, poll); see clients/typescript-fetch
ts-fetch-client: npm-deps
	rm -rf clients/typescript-fetch/generated build/ts-fetch-client
	$(NODE_QUIET) $(NODE_BIN)/openapi-typescript openapi.yaml --default-non-nullable false \
	  -o clients/typescript-fetch/generated/schema.d.ts
	$(NODE_BIN)/tsc -p clients/typescript-fetch/tsconfig.json --strict --noEmitOnError
	$(GO) build -o build/ts-fetch-client/fakeserver ./clients/typescript/fakeserver
	node clients/typescript/run.mjs build/ts-fetch-client/fakeserver build/ts-fetch-client/src/main.js
	node clients/typescript/run.mjs build/ts-fetch-client/fakeserver build/ts-fetch-client/src/main.js -unknown-enums

## spec-conformance-python: optional third check of the recorded answers with Python's
## openapi-schema-validator (not pinned by the project, so not part of spec-test; see spec/README.md)
.PHONY: spec-conformance-python
spec-conformance-python: spec-conformance
	python3 spec/validate-answers.py openapi.yaml $(RECORDED)

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

.PHONY: print-go-oldest
print-go-oldest:
	@echo $(GO_OLDEST)

## reconcile-chaos: issue 15's proof at length (not part of `make test`, which runs one trial):
## batches against the fake with 20% lost requests and answers, finished by two
## --resume --reconcile runs; figures in RELIABILITY.md ("Reconciling unknown outcomes")
.PHONY: reconcile-chaos
RECONCILE_CHAOS_TRIALS ?= 50
RECONCILE_CHAOS_LINES ?= 100
RECONCILE_CHAOS_SEED ?= 1
reconcile-chaos:
	RECONCILE_CHAOS_TRIALS=$(RECONCILE_CHAOS_TRIALS) RECONCILE_CHAOS_LINES=$(RECONCILE_CHAOS_LINES) \
	  RECONCILE_CHAOS_SEED=$(RECONCILE_CHAOS_SEED) \
	  $(GO) test -count=1 -timeout 30m -v -run 'TestBatchReconcileChaos' ./cmd/connectortask/ | grep -E '^(reconcile chaos|--- |ok|FAIL|PASS)'

## chaos: the crash harness of create --batch (issue 10): random faults, SIGKILL at random
## moments, resumes; 0 duplicates and 0 false "created" or it fails. 200 kills, or 3 minutes of
## trials, whichever comes first; figures in RELIABILITY.md. `make test` runs a short version (internal/chaos).
.PHONY: chaos
CHAOS_FLAGS ?= -kills 200 -budget 3m
chaos:
	@mkdir -p build
	$(GO) build -o build/connectortask-chaos ./cmd/connectortask
	$(GO) run ./internal/chaos/cmd/chaos -bin build/connectortask-chaos $(CHAOS_FLAGS) | tee build/chaos.txt

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
