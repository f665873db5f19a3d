"""One store per test module for the web service: the baseline, a few notices (one with a hostile title),
and two published runs, so that status, changes, pending items and the review queue all have content."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regwatch.domain.models import Notice
from regwatch.pipeline import steps
from regwatch.serve import create_app
from regwatch.store import Store

XSS = '<script>alert("title")</script><img src=x onerror=alert(1)>'
FIRST, SECOND = date(2025, 6, 1), date(2026, 1, 15)
TOKEN = "test-token-0123456789"

NOTICES = [
    {  # a ban bill in Texas, passed one chamber by the second run: pending, with a title meant to break pages
        "id": "openstates:tx-sb-3",
        "jurisdiction": "US-TX",
        "source": "openstates",
        "kind": "bill",
        "title": f"Relating to kratom {XSS}",
        "text": "Adds mitragynine and 7-hydroxymitragynine to Schedule I; it is unlawful to possess or sell kratom.",
        "url": "https://capitol.texas.gov/BillLookup/History.aspx?LegSess=89R&Bill=SB3",
        "published": "2025-09-01",
        "identifier": "SB 3",
        "actions": [{"date": "2025-10-02", "description": "Passed the Senate"}],
    },
    {  # a 7-OH emergency rule in Florida, in force between the runs: a change of the second run
        "id": "fl:7oh-rule",
        "jurisdiction": "US-FL",
        "source": "fda",
        "kind": "emergency_rule",
        "title": "Emergency rule 11ER25-1: 7-hydroxymitragynine added to Schedule I",
        "text": "7-hydroxymitragynine (7-OH) is temporarily placed in Schedule I. Kratom leaf is not affected.",
        "url": "https://www.flrules.org/gateway/ruleNo.asp?id=11ER25-1",
        "published": "2025-08-14",
        "identifier": "11ER25-1",
        "actions": [{"date": "2025-08-14", "description": "Filed; effective immediately"}],
        "effective": "2025-08-14",
    },
]


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
