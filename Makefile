# regwatch: `make demo`, `make cluster-demo` and `make test` set up .venv from pyproject.toml by themselves.
PYTHON ?= python3.11
# bash with pipefail: a failing pip install fails make even though its output is filtered through grep.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo cluster-demo test lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; regwatch needs Python 3.11" >&2; exit 1; }
	@test -x $(BIN)/python || { echo "make: creating the virtual environment $(VENV) (once)"; $(PYTHON) -m venv $(VENV); }
	@echo "make: upgrading pip in $(VENV)"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "make: installing regwatch and its dependencies into $(VENV) (Airflow, Scrapy, SQLAlchemy, Alembic, ...):"
	@echo "make: a few minutes the first time, seconds afterwards; pip names each package as it goes"
	@$(BIN)/python -m pip install --progress-bar off -e '.[dev,cluster]' \
		| { grep --line-buffered -E '^(Collecting|Installing|Successfully)' || true; }
	@echo "make: $(VENV) ready"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m regwatch init
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m regwatch.pipeline.demo

# The pipeline on Airflow's CeleryExecutor: PostgreSQL and Redis on loopback (started if down), two Celery
# workers; the last line is a JSON summary. CLUSTER_ARGS passes options (--workers 1, --clean, --help).
cluster-demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m regwatch.cluster $(CLUSTER_ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data/regwatch.sqlite* reports/*/ .pytest_cache
