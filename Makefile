# civreg — the two commands: `make up` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Every process `make up` starts; deploy/compose.yaml runs the same ones (a test checks they agree).
SERVICES := marriage child_welfare funeral vagrant_aid timeline gateway

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_DIR := .run
API_URL ?= http://127.0.0.1:8000

.PHONY: help up down restart status test test-unit bench lint migrate infra logs clean web web-types web-test browser

help:
	@echo "make up       install, migrate, start every service and the gateway ($(API_URL))"
	@echo "make test     the whole test suite on the real PostgreSQL and RabbitMQ"
	@echo "make down     stop what make up started"
	@echo "make bench    benchmarks, results in docs/benchmarks.md"
	@echo "make lint     ruff"
	@echo "make web      build the workbench (web/dist); make web-types regenerates its API types"

# The virtual environment is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

infra:
	@deploy/dev/infra.sh

migrate: $(VENV)/.installed infra
	$(BIN)/civreg migrate
	$(BIN)/civreg declare

up: migrate web
	@deploy/dev/processes.sh start $(SERVICES)
	@$(BIN)/civreg wait-http $(API_URL)/health --timeout 60 || { deploy/dev/processes.sh status $(SERVICES); exit 1; }
	@echo
	@echo "civreg is up:        $(API_URL)   (OpenAPI: $(API_URL)/openapi.json, health: $(API_URL)/health)"
	@echo "workbench:           $(API_URL)/   (docs/workbench.md)"
	@echo "principals (tokens): deploy/dev/principals.yaml"
	@echo "logs:                $(RUN_DIR)/<service>.log      stop with: make down"

down:
	@deploy/dev/processes.sh stop $(SERVICES)

restart: down up

status:
	@deploy/dev/processes.sh status $(SERVICES)

logs:
	@tail -n 20 $(RUN_DIR)/*.log

test: $(VENV)/.installed infra web browser
	$(BIN)/pytest tests/unit tests/integration tests/e2e -q
	cd web && npx vitest run

test-unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit -q

bench: $(VENV)/.installed infra
	$(BIN)/pytest tests/bench -q -s -p no:randomly
	@echo "results written to docs/benchmarks.md"

lint: $(VENV)/.installed
	$(BIN)/ruff check .

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
