# regwatch: `make demo`, `make cluster-demo` and `make test` set up .venv from pyproject.toml by themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo cluster-demo test lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; regwatch needs Python 3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
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
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data/regwatch.sqlite* reports/*/ .pytest_cache
