# Energy Tycoon: `make run` plays locally, `make test` runs every test, `make bench` measures.
SHELL := /bin/bash
UV := $(shell bash scripts/uv.sh)
BACKEND := backend
FRONTEND := frontend
export UV_PROJECT_ENVIRONMENT ?= $(CURDIR)/$(BACKEND)/.venv

.PHONY: install install-backend install-frontend services tools run test test-backend test-frontend lint bench vectors clean

install: install-backend install-frontend

install-backend:
	cd $(BACKEND) && $(UV) sync --frozen --quiet

install-frontend:
	@if [ -d $(FRONTEND) ]; then cd $(FRONTEND) && (npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error); fi

services:
	@bash scripts/services.sh

run: services install
	@bash scripts/run.sh

lint: install-backend
	cd $(BACKEND) && $(UV) run ruff check . && $(UV) run ruff format --check . && $(UV) run mypy tycoon tests

test-backend: services install-backend tools
	cd $(BACKEND) && $(UV) run pytest -q -p no:cacheprovider
	cd $(BACKEND) && $(UV) run python -m pytest -q -p no:cacheprovider -p no:asyncio ../loadtest  # the harness's own units

# Debian tools the deploy checks use: docker-compose validates compose.yaml without an engine, promtool the alerts;
# nginx fronts the scale-out test and benchmark, wrk drives the benchmark's reference and overload steps.
tools:
	@command -v docker-compose >/dev/null && command -v promtool >/dev/null && command -v nginx >/dev/null && \
	  command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  docker-compose prometheus nginx-light wrk >/dev/null)

test-frontend: services install
	@bash scripts/test-frontend.sh

test: lint test-backend test-frontend
	@bash scripts/security-check.sh

vectors: install-backend
	cd $(BACKEND) && WRITE_VECTORS=1 $(UV) run pytest -q tests/rules/test_vectors.py

bench: services install-backend tools
	cd $(BACKEND) && $(UV) run python ../loadtest/bench.py

clean:
	rm -rf $(BACKEND)/.venv $(FRONTEND)/node_modules $(FRONTEND)/dist test-results
