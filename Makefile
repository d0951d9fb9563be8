# The verbs a newcomer needs. Every target installs what it is missing (into the tools cache,
# outside the repository) and is safe to run twice.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

RELATA_HOME ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/relata
export RELATA_HOME
export PATH := $(RELATA_HOME)/bin:$(RELATA_HOME)/node/bin:$(PATH)
# npm prints a warning per call for a machine-level option it no longer knows; keep logs readable.
export npm_config_loglevel ?= error

STACK := deploy/stack.sh

# The tests run on a stack of their own: its own state directory and, unless the environment sets
# the ports, its own port block (deploy/env.sh: 10000 + the last four digits of each default). So
# `make test` never meets what `make up` left running, possibly an older build, and both can run
# side by side. Each run first stops what an interrupted run left, and stops its stack at exit.
TEST_STATE ?= $(CURDIR)/.run/test
test test-integration test-e2e test-fuzz: export RELATA_STATE := $(TEST_STATE)
test test-integration test-e2e test-fuzz: export RELATA_PORT_BLOCK := test
# Every recipe of a test target begins with this: the ports for jest and the seed, a clean start
# (fresh PostgreSQL, NATS and OpenSearch data: no run sees what an earlier one wrote), and the stack stopped
# whatever happens.
# The suites call as a handful of demo users, each far more often than a person would: the test
# stack's gateway allows a caller 100 calls a second (6000 a minute) instead of the default 20.
test test-integration test-e2e test-fuzz: export RATE_LIMIT_PER_MINUTE := 6000
TEST_STACK := source deploy/env.sh; $(STACK) down; rm -rf "$$RELATA_STATE/postgres" "$$RELATA_STATE/nats" "$$RELATA_STATE/opensearch/data"; \
	trap '$(STACK) down' EXIT

.PHONY: help tools install build proto proto-check typecheck up down status seed test test-unit \
        test-integration test-e2e test-fuzz chart-check bench knowledge-reindex reporting-rebuild images clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

tools: ## install Node 24, PostgreSQL (unless the machine has one), FerretDB, NATS, Keycloak, a JDK and OpenSearch into the tools cache
	@deploy/tools.sh all

WORKSPACE_MANIFESTS := $(wildcard packages/*/package.json services/*/package.json gateway/package.json e2e/package.json)

# `npm install`, not `npm ci`: npm 11.19 leaves other platforms' optional packages (buf's
# per-platform binaries) out of the lock file and `npm ci` then refuses it as out of sync.
# With a lock file present, `npm install` installs exactly the locked versions.
node_modules/.package-lock.json: package-lock.json package.json $(WORKSPACE_MANIFESTS) | tools
	npm install --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json ## install npm dependencies (only when the lock file changed)

build: install ## compile every workspace (tsc -b, strict)
	npx tsc -b

proto: install ## regenerate packages/proto from proto/ (buf + ts-proto) and lint the protos
	npx buf lint
	npx buf generate

proto-check: install ## fail when the generated code is not what proto/ generates
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	npx buf lint; \
	npx buf generate -o "$$tmp"; \
	if ! diff -r "$$tmp/packages/proto/src/gen" packages/proto/src/gen >/dev/null; then \
	  diff -r "$$tmp/packages/proto/src/gen" packages/proto/src/gen | head -20; \
	  echo "packages/proto is stale: run 'make proto' and commit the result" >&2; exit 1; \
	fi; echo "generated code is in step with proto/"

typecheck: build ## type-check the tests too (jest only transpiles them)
	@for p in $$(ls services/*/test/tsconfig.json gateway/test/tsconfig.json e2e/tsconfig.json packages/*/test/tsconfig.json charts/test/tsconfig.json 2>/dev/null); do \
	  echo "tsc --noEmit -p $$p"; npx tsc --noEmit -p $$p; done

up: build ## run the whole platform locally with demo data
	@$(STACK) up all
	@node deploy/seed.mjs
	@$(STACK) banner

down: ## stop everything `make up` started
	@$(STACK) down

status: ## what is running
	@$(STACK) status

seed: ## load the demo data again (idempotent)
	@node deploy/seed.mjs

test: build proto-check typecheck ## every test: unit, integration, end-to-end, chart checks (on a stack of its own)
	@$(TEST_STACK); \
	npx jest --selectProjects unit; \
	$(STACK) up infra; \
	npx jest --selectProjects integration --runInBand; \
	$(STACK) up apps; \
	node deploy/seed.mjs && node deploy/seed.mjs; \
	npx jest --selectProjects e2e --runInBand; \
	e2e/fuzz/run.sh; \
	$(MAKE) --no-print-directory chart-check

test-unit: build ## unit tests only (no servers)
	npx jest --selectProjects unit

test-integration: build ## integration tests against real FerretDB (on PostgreSQL), NATS, Keycloak and OpenSearch (on a stack of their own)
	@$(TEST_STACK); $(STACK) up infra; npx jest --selectProjects integration --runInBand

test-e2e: build ## end-to-end tests through the gateway (on a stack of their own, started from this build)
	@$(TEST_STACK); $(STACK) up infra apps; npx jest --selectProjects e2e --runInBand

test-fuzz: build ## API fuzzing: schemathesis against the whole OpenAPI document, with a real token (on a stack of its own)
	@$(TEST_STACK); $(STACK) up infra apps; node deploy/seed.mjs; e2e/fuzz/run.sh

chart-check: install ## helm lint, render and validate the chart offline, and the chart rule tests
	@deploy/chart-check.sh
	npx jest --selectProjects charts

bench: build ## k6 through the gateway, straight at gRPC and straight at FerretDB, then SLA firing accuracy, segment previews over 100,000 people Reporting over 1,000,000 opportunities, an import and an export of 1,000,000 contacts (not part of test)
	@rm -f .run/bench-owned; trap '$(STACK) down --owned-by .run/bench-owned' EXIT; \
	RATE_LIMIT_PER_MINUTE=0 $(STACK) up --owned-by .run/bench-owned infra apps; e2e/load/bench.sh && e2e/load/sla-bench.sh && e2e/load/marketing-bench.sh && e2e/load/reporting-bench.sh && e2e/load/import-bench.sh

knowledge-reindex: build ## rebuild the Knowledge-Base's search index from its events (a new index, then the alias moved to it)
	@set -a; source <($(STACK) env knowledge); set +a; node services/knowledge/dist/reindex.js

reporting-rebuild: build ## rebuild Reporting's store by replaying the streams from their start into a fresh store, then switch to it
	@set -a; source <($(STACK) env reporting); set +a; node services/reporting/dist/rebuild.js

images: ## build the container images (needs a Docker engine)
	@deploy/images.sh

clean: ## remove build output and local state (not the tools cache)
	rm -rf .run node_modules packages/*/dist services/*/dist gateway/dist e2e/dist
	find . -name '*.tsbuildinfo' -not -path './node_modules/*' -delete
