# civreg — the two commands: `make up` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Every process `make up` starts; deploy/compose.yaml runs the same ones (a test checks they agree).
SERVICES := marriage child_welfare funeral vagrant_aid timeline gateway adoption

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_DIR := .run
API_URL ?= http://127.0.0.1:8000

LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# uv compiles both lockfiles; its version is the one pinned in pyproject.toml's dev extras.
UV_VERSION = $(shell sed -n 's/^ *"uv==\([^"]*\)".*/\1/p' pyproject.toml)
LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--custom-compile-command 'make lock' --quiet

.PHONY: help up down restart status test test-unit bench lint lock migrate infra system-packages logs clean \
	web web-types web-test browser soak

help:
	@echo "make up       install, migrate, start every service and the gateway ($(API_URL))"
	@echo "make test     the whole test suite on the real PostgreSQL and RabbitMQ"
	@echo "make down     stop what make up started"
	@echo "make bench    benchmarks, results in docs/benchmarks.md"
	@echo "make soak     minutes of load with faults on a schedule: invariants and latency percentiles"
	@echo "make lint     ruff, lockfiles, pip-audit, hadolint, Kubernetes manifests, dashboards"
	@echo "make lock     recompile requirements.lock and requirements-dev.lock from pyproject.toml"
	@echo "make web      build the workbench (web/dist); make web-types regenerates its API types"

# The virtual environment installs exactly the hashed lockfile, then civreg itself without resolving anything;
# it is refreshed only when pyproject.toml or the lockfile changes. `--no-deps`, as in the image: the lockfile
# holds every dependency already, and the pip a fresh venv bundles (23.2 with Python 3.11) otherwise resolves
# them again and refuses a dependency asked for with an extra (pip-audit's `CacheControl[filecache]`) as "not
# pinned" once the index has a newer release of it, although the lock pins it.
$(VENV)/.installed: pyproject.toml $(DEV_LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(DEV_LOCK)
	$(BIN)/pip check
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

# `make lock` after changing a dependency in pyproject.toml. Versions already locked are kept (uv prefers the
# existing file's pins), so only what pyproject.toml changed moves; `--upgrade` is a deliberate act:
#   make lock LOCK_UPGRADE=--upgrade
$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"

lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_UPGRADE) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --constraint $(LOCK) $(LOCK_FLAGS) $(LOCK_UPGRADE) -o $(DEV_LOCK)

infra:
	@deploy/dev/infra.sh

# Debian packages beside Python's: the CJK font of certificate PDFs, poppler and zbar for their tests.
system-packages:
	@deploy/dev/system-packages.sh

migrate: $(VENV)/.installed infra system-packages
	@$(BIN)/python -m shared.rpc_proof $(RUN_DIR)/keys  # the gateway's RPC proof keys (kept if present)
	$(BIN)/civreg migrate
	$(BIN)/civreg declare
	@$(BIN)/python -m services.broker_access  # a broker user per service and the gateway, least privilege

up: migrate web
	@$(BIN)/civreg accounts seed deploy/dev/accounts.yaml
	@deploy/dev/processes.sh start $(SERVICES)
	@$(BIN)/civreg wait-http $(API_URL)/health --timeout 60 || { deploy/dev/processes.sh status $(SERVICES); exit 1; }
	@echo
	@echo "civreg is up:        $(API_URL)   (OpenAPI: $(API_URL)/openapi.json, health: $(API_URL)/health)"
	@echo "workbench:           $(API_URL)/   (docs/workbench.md)"
	@echo "principals (tokens): deploy/dev/principals.yaml   (development profile only)"
	@echo "sign in:             curl -s -X POST $(API_URL)/v1/auth/login -H 'Content-Type: application/json' \\"
	@echo "                       -d '{\"username\": \"clerk.mr-610502\", \"password\": \"civreg-dev-password\"}'"
	@echo "                     (every development account and bureau client: deploy/dev/accounts.yaml)"
	@echo "logs:                $(RUN_DIR)/<service>.log      stop with: make down"

down:
	@deploy/dev/processes.sh stop $(SERVICES)

restart: down up

status:
	@deploy/dev/processes.sh status $(SERVICES)

logs:
	@tail -n 20 $(RUN_DIR)/*.log

test: $(VENV)/.installed infra system-packages web browser
	tests/run_suite.sh
	cd web && npx vitest run

test-unit: $(VENV)/.installed system-packages
	$(BIN)/pytest tests/unit -q

# Minutes of load with faults on a schedule; prints the invariants and latency percentiles (docs/operations.md).
# CIVREG_SOAK_SECONDS (600 by default) sets its length.
soak: $(VENV)/.installed infra
	$(BIN)/pytest tests/soak -q -s -p no:randomly

bench: $(VENV)/.installed infra
	$(BIN)/pytest tests/bench -q -s -p no:randomly
	@echo "results written to docs/benchmarks.md"
	$(BIN)/python -m tests.bench.compare

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m deploy.checks.lockfile
	$(BIN)/python -m deploy.checks.audit
	$(BIN)/hadolint deploy/Dockerfile
	$(BIN)/python -m deploy.checks.manifests
	$(BIN)/python -m deploy.checks.observability

clean: down
	rm -rf $(RUN_DIR) $(VENV)

# -- the workbench (web/): built when its sources change; Node.js 20+ and npm needed ----------------------------
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json services/gateway/problems.zh-CN.json -type f 2>/dev/null)

web/node_modules/.installed: web/package-lock.json
	@command -v npm >/dev/null || { echo "The workbench needs Node.js 20+ and npm: apt-get install nodejs npm (or see https://nodejs.org)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npx vite build --logLevel warn

web: web/dist/index.html

web-types: $(VENV)/.installed web/node_modules/.installed
	cd web && PYTHON=../$(BIN)/python npm run gen:types

web-test: web/node_modules/.installed
	cd web && npx vue-tsc --noEmit && npx vitest run

browser:
	@web/scripts/install-browser.sh
