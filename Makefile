# Confide developer tasks. `make help` lists them. The same commands run locally and in CI.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY ?= python3
UV := $(PY) -m uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup run test check lint types migrations-check pytest browser-deps bench mutation mutation-all guards vendor clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/confide: pyproject.toml uv.lock
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "Confide needs Python >= 3.12 (python3 here is $$($(PY) --version)). With pyenv, the .python-version file selects 3.12."; exit 1; }
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install --quiet uv
	$(UV) sync --frozen --all-extras
	@touch $@

setup: $(BIN)/confide ## Install Confide and its tools into .venv (uv included)

run: setup ## Migrate SQLite, seed the demo practice if empty, serve http://localhost:8000 (with the job worker and periodic jobs)
	$(BIN)/confide migrate --no-input -v 0
	$(BIN)/confide demo
	@mkdir -p var; $(BIN)/confide db_worker --interval 2 >> var/worker.log 2>&1 & worker=$$!; \
	  (while sleep 900; do $(BIN)/confide jobs run >> var/jobs.log 2>&1; done) & jobs=$$!; \
	  trap 'kill $$worker $$jobs 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/confide serve --host 127.0.0.1 --port 8000

check: lint types migrations-check ## ruff, format check, mypy --strict, missing migrations

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup
	$(BIN)/mypy confide tests bench scripts

migrations-check: setup
	CONFIDE_ENV=test CONFIDE_DATA_DIR=$$(mktemp -d) $(BIN)/confide makemigrations --check --dry-run -v 1

browser-deps: ## Install Debian's chromium, age, PostgreSQL and nginx for the tests (when root and missing)
	@bash scripts/ensure-test-tools

# One pytest worker per core (pytest-xdist); PYTEST_ARGS="-n 0 tests/x" runs some tests in this process.
PYTEST_ARGS ?= -n auto

pytest: setup browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test: check pytest ## Set up, then lint, types, migrations check and the whole suite

bench: setup ## Run the benchmarks in bench/ (results: docs/benchmarks.md)
	$(BIN)/python -m bench

mutation: setup ## Break each listed guard, then mutation-test the security core where it changed (mutation.toml; MODULES="confide/x.py" for some)
	$(BIN)/python -m scripts.mutation $(MODULES)

mutation-all: setup ## Every group and every mutant again, kept scores and listed survivors too (before a release; hours)
	$(BIN)/python -m scripts.mutation --recheck $(MODULES)

guards: setup ## Only break each guard listed in mutation.toml by hand: every one must fail a test (a few minutes; CI runs it)
	$(BIN)/python -m scripts.mutation --guards-only

# The browser libraries in confide/static/vendor/ are built from npm packages pinned in package.json and
# package-lock.json, and committed: running or testing Confide needs no Node. This rebuilds them with Node and
# npm and fails unless each file is byte for byte the one committed (confide/static/vendor/SHA256SUMS).
vendor: ## Rebuild the vendored browser libraries from package-lock.json and check their SHA-256 (needs Node)
	npm ci --ignore-scripts --no-audit --no-fund
	node_modules/.bin/esbuild browser/hpke.js --bundle --format=esm --minify --target=es2022 \
	  --legal-comments=eof --outfile=confide/static/vendor/hpke.js
	cp node_modules/htmx.org/dist/htmx.min.js confide/static/vendor/htmx.min.js
	cd confide/static/vendor && sha256sum --check --strict SHA256SUMS

clean: ## Remove the virtualenv and caches (keeps var/, your data)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
