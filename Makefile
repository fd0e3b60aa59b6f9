# Casetracker. `make run` sets up and serves the app; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PG_DIR := /tmp/casetracker-test-pg-$(shell id -u)
PG_PORT ?= 55432
export CASETRACKER_ENV ?= development

.DEFAULT_GOAL := help
.PHONY: help run test test-dates soak bench test-sqlite test-postgres lint format assets keys migrate seed clean

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

casetracker/static/assets/application.css: node_modules/.installed assets/application.scss assets/application.mjs assets/build.mjs
	npm run --silent build

assets: casetracker/static/assets/application.css ## Build the front-end assets (GOV.UK Frontend, unbranded)

keys: $(VENV)/.installed ## Create development keys under instance/ (git-ignored, mode 0600)
	@scripts/dev-keys
	@[ -f instance/keyring.json ] || $(FLASK) keys init

migrate: $(VENV)/.installed keys ## Bring the database schema up to date
	@$(FLASK) db upgrade 2>&1 | grep -v '^INFO' || true

seed: migrate ## Seed the fictional demo school if the database is empty
	@$(FLASK) demo seed

run: $(VENV)/.installed assets seed ## Set up everything and serve on http://127.0.0.1:5000
	@echo
	@echo "Casetracker is at http://127.0.0.1:5000"
	@echo "Demo sign-ins (password: oakfield-demo-password); for a two-factor code run"
	@echo "  $(FLASK) demo totp EMAIL"
	@echo "  head@oakfield.example (headteacher)   chair@oakfield.example (chair of governors)"
	@echo "  dsl@oakfield.example (DSL)            admin@oakfield.example (system administrator)"
	@echo "  ta@oakfield.example (teaching assistant, no two-factor)"
	@echo
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: $(VENV)/.installed ## ruff: lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check casetracker tests config.py wsgi.py

format: $(VENV)/.installed ## ruff: format and fix what it can
	$(BIN)/ruff format casetracker tests config.py wsgi.py
	$(BIN)/ruff check --fix .

test: $(VENV)/.installed assets ## Install what the tests need and run the whole suite on SQLite and PostgreSQL
	@scripts/install-system-packages
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.installed assets ## The suite on SQLite (with the browser tests)
	CASETRACKER_TEST_DATABASE_URL= CASETRACKER_ARTIFACTS=$(CURDIR)/test-artifacts $(BIN)/pytest

test-postgres: $(VENV)/.installed assets ## The suite on a throwaway PostgreSQL cluster (no browser tests)
	@scripts/pg-test-cluster stop $(PG_DIR) $(PG_PORT)
	@url=$$(scripts/pg-test-cluster start $(PG_DIR) $(PG_PORT)) && \
	  CASETRACKER_TEST_DATABASE_URL=$$url $(BIN)/pytest -m "not browser"; status=$$?; \
	  scripts/pg-test-cluster stop $(PG_DIR) $(PG_PORT); exit $$status

# 1 January, a Monday in February, the day this suite once failed, a leap day, and 00:30 on the last
# day of British Summer Time (still 24 October in UTC).
TEST_DATES ?= 2026-01-01 2026-02-09 2026-12-02 2028-02-29 2026-10-25T00:30
test-dates: $(VENV)/.installed assets ## The SQLite suite with the clock set to each of TEST_DATES (not part of make test)
	@for when in $(TEST_DATES); do \
	  echo "== the clock at $$when"; \
	  CASETRACKER_TEST_NOW=$$when CASETRACKER_TEST_DATABASE_URL= $(BIN)/pytest -m "not live" || exit 1; \
	done

soak: $(VENV)/.installed assets ## Long runs: every form fuzzed 500 times; the server killed 200 times on SQLite and PostgreSQL (not part of make test)
	CASETRACKER_FUZZ_EXAMPLES=500 $(BIN)/pytest tests/web/test_forms_fuzz.py
	CASETRACKER_TEST_DATABASE_URL= CASETRACKER_FAULT_KILLS=200 $(BIN)/pytest tests/live/test_fault_kill.py
	@scripts/pg-test-cluster stop $(PG_DIR) $(PG_PORT)
	@url=$$(scripts/pg-test-cluster start $(PG_DIR) $(PG_PORT)) && \
	  CASETRACKER_TEST_DATABASE_URL=$$url CASETRACKER_FAULT_KILLS=200 $(BIN)/pytest tests/live/test_fault_kill.py; \
	  status=$$?; scripts/pg-test-cluster stop $(PG_DIR) $(PG_PORT); exit $$status

bench: $(VENV)/.installed assets ## Performance scripts that print ratios; DB=postgres for PostgreSQL (not part of make test)
	@scripts/install-system-packages bench $(or $(DB),sqlite)
	@for script in bench/encryption_cost.py bench/pdf_export.py bench/case_page_profile.py; do echo "== $$script"; $(BIN)/python $$script 2>&1 | grep -v '^INFO'; done
	@echo "== bench/http_load.py"; BENCH_DB=$(or $(DB),sqlite) $(BIN)/python bench/http_load.py

clean: ## Remove the virtualenv, node_modules and built assets (keeps instance/)
	rm -rf $(VENV) node_modules casetracker/static/assets
