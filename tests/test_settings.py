"""regwatch.settings: API keys from the environment, else from an Airflow connection regwatch_<source>."""

from __future__ import annotations

import pytest

from regwatch import settings


def test_environment_variable_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_CONGRESS_API_KEY", "  from-env  ")
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_CONGRESS", '{"conn_type": "http", "password": "from-airflow"}')
    assert settings.api_key("congress") == "from-env"


def test_airflow_connection_when_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGWATCH_LEGISCAN_API_KEY", raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_LEGISCAN", '{"conn_type": "http", "extra": {"api_key": "from-extra"}}')
    assert settings.api_key("legiscan") == "from-extra"


def test_no_key_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGWATCH_OPENSTATES_API_KEY", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_REGWATCH_OPENSTATES", raising=False)
    assert settings.api_key("openstates") is None


def test_secret_values_are_every_key_and_password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_CONGRESS_API_KEY", "k-123")
    monkeypatch.setenv("REGWATCH_SMTP_PASSWORD", "pw-456")
    monkeypatch.setenv("REGWATCH_REPORTS_URL", "https://example.org/reports")
    found = settings.secret_values()
    assert "k-123" in found and "pw-456" in found
    assert "https://example.org/reports" not in found
