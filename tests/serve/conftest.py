"""One store per test module for the web service: the baseline, a few notices (one with a hostile title),
and two published runs, so that status, changes, pending items and the review queue all have content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regwatch.domain.models import Notice
from regwatch.pipeline import steps
from regwatch.serve import create_app
from regwatch.store import Store
from tests.serve.serve_sample import FIRST, NOTICES, SECOND


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    store = Store.open(url, create=True)
    steps.load_baseline(store)
    store.ingest([Notice.model_validate(n) for n in NOTICES])
    steps.publish(store, FIRST)
    steps.publish(store, SECOND)
    store.engine.dispose()
    yield url


@pytest.fixture(scope="module")
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as c:
        yield c


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path
