"""Paths the DAG tests share."""

from __future__ import annotations

import sys
from pathlib import Path

DAGS = Path(__file__).resolve().parents[2] / "dags"
# The virtualenv's bin: `airflow`, `ruff` and the python that runs `scrapy crawl`.
VENV_BIN = Path(sys.executable).parent
