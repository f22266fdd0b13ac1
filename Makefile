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

.PHONY: help up down restart status test test-unit bench lint migrate infra logs clean

help:
	@echo "make up       install, migrate, start every service and the gateway ($(API_URL))"
	@echo "make test     the whole test suite on the real PostgreSQL and RabbitMQ"
	@echo "make down     stop what make up started"
	@echo "make bench    benchmarks, results in docs/benchmarks.md"
	@echo "make lint     ruff"

# The virtual environment is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

infra:
	@deploy/dev/infra.sh

migrate: $(VENV)/.installed infra
	@$(BIN)/python -m shared.rpc_proof $(RUN_DIR)/keys  # the gateway's RPC proof keys (kept if present)
	$(BIN)/civreg migrate
	$(BIN)/civreg declare
	@$(BIN)/python -m services.broker_access  # a broker user per service and the gateway, least privilege

up: migrate
	@deploy/dev/processes.sh start $(SERVICES)
	@$(BIN)/civreg wait-http $(API_URL)/health --timeout 60 || { deploy/dev/processes.sh status $(SERVICES); exit 1; }
	@echo
	@echo "civreg is up:        $(API_URL)   (OpenAPI: $(API_URL)/openapi.json, health: $(API_URL)/health)"
	@echo "principals (tokens): deploy/dev/principals.yaml"
	@echo "logs:                $(RUN_DIR)/<service>.log      stop with: make down"

down:
	@deploy/dev/processes.sh stop $(SERVICES)

restart: down up

status:
	@deploy/dev/processes.sh status $(SERVICES)

logs:
	@tail -n 20 $(RUN_DIR)/*.log

test: $(VENV)/.installed infra
	$(BIN)/pytest tests/unit tests/integration tests/e2e -q

test-unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit -q

bench: $(VENV)/.installed infra
	$(BIN)/pytest tests/bench -q -s -p no:randomly
	@echo "results written to docs/benchmarks.md"

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean: down
	rm -rf $(RUN_DIR) $(VENV)
