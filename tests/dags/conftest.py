"""Fixtures for the Airflow DAG tests: an Airflow home of their own, never ~/airflow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.dags.dag_helpers import DAGS, VENV_BIN


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: runs real `airflow` commands end to end (slow: about 30 s); -m 'not integration' skips"
    )


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Airflow home for the session: Airflow reads its configuration once per process."""
    return tmp_path_factory.mktemp("airflow_home")


@pytest.fixture
def airflow_env(airflow_home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment Airflow must see before it is first imported: its home, this repo's dags/, no examples."""
    values = {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # `airflow standalone` and `dags test` start `airflow` and `scrapy` from PATH.
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values
