"""Shared fixtures: a fresh store on SQLite, and on PostgreSQL where REGWATCH_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from sqlalchemy import create_engine, text

from regwatch.store import Store

# Fuzz tests stay reproducible and quiet: no example database, no "explain" phase (it rewrites source
# files to propose a patch, which crashes on some test modules).
settings.register_profile(
    "regwatch", database=None, derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
)
settings.load_profile("regwatch")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, the real recordings; tests that need it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real recordings not found at {SHARED_DATA} (the shared/ folder beside the checkout)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data and reports folders; nothing is written into the checkout."""
    monkeypatch.setenv("REGWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REGWATCH_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.delenv("REGWATCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("REGWATCH_SMTP_URL", raising=False)


def postgres_url() -> str | None:
    return os.environ.get("REGWATCH_TEST_DATABASE_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = postgres_url()
    if not base:
        pytest.skip("REGWATCH_TEST_DATABASE_URL is not set: PostgreSQL store tests skipped (.ci/run sets it)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:  # unreachable server: this fails the test, as it should in CI
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url, create=True)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}", create=True)
    yield opened
    opened.engine.dispose()
