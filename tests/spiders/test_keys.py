"""API keys from the environment, else from an Airflow connection regwatch_<spider>."""

from __future__ import annotations

import pytest

from spiders.keys import api_key


def test_environment_variable_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_CONGRESS_API_KEY", "  from-env  ")
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_CONGRESS", '{"conn_type": "http", "password": "from-airflow"}')
    assert api_key("congress", "REGWATCH_CONGRESS_API_KEY") == "from-env"


def test_airflow_connection_when_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGWATCH_LEGISCAN_API_KEY", raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_LEGISCAN", '{"conn_type": "http", "extra": {"api_key": "from-extra"}}')
    assert api_key("legiscan", "REGWATCH_LEGISCAN_API_KEY") == "from-extra"
    assert api_key("legiscan", "REGWATCH_LEGISCAN_API_KEY", use_airflow=False) is None


def test_no_key_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGWATCH_OPENSTATES_API_KEY", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_REGWATCH_OPENSTATES", raising=False)
    assert api_key("openstates", "REGWATCH_OPENSTATES_API_KEY") is None
