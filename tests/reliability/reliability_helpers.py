"""Helpers for the fault suite: fast crawl settings, fixture routes, and the invariants every fault is held to."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from sqlalchemy import select

from regwatch.domain.models import Notice, StatusRow
from regwatch.store import Store
from regwatch.store import tables as t
from spiders.federal_register import FederalRegisterSpider

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY1, DAY2 = date(2026, 9, 1), date(2026, 9, 2)
CLOCK = datetime(2026, 9, 2, 6, 0, tzinfo=UTC)

# Crawl settings for loopback faults: no politeness delays, retries without backoff, short timeouts.
# Each says why it differs from regwatch/scraping/settings.py.
FAST = {
    "REGWATCH_ARCHIVE_ENABLED": "False",  # the WARC writer has its own tests; the secrets test turns it on
    "DOWNLOAD_DELAY": "0",  # one loopback server: politeness delays only slow the suite
    "AUTOTHROTTLE_ENABLED": "False",
    "REGWATCH_RETRY_BACKOFF_BASE": "0",  # retries still happen (RETRY_TIMES stays 3), without waiting
    "REGWATCH_RETRY_AFTER_MAX": "0.3",  # a Retry-After is honoured, capped so the suite stays fast
    "DOWNLOAD_TIMEOUT": "5",  # a hung server is given up on in seconds, not a minute
    "HTTPCACHE_ENABLED": "False",  # every test asks the server; the cache is tested in tests/spiders
}


def fixture(spider: str, name: str) -> Path:
    return FIXTURES / spider / name


def path_of(url: str) -> str:
    """The path and query of `url`, as the loopback servers route on."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


FR_PAGE1 = path_of(FederalRegisterSpider.start_urls[0])
FR_PAGE2 = path_of(json.loads(fixture("federal_register", "documents_kratom.json").read_text())["next_page_url"])


@dataclass
class Snapshot:
    """What a store holds that a fault must never lose or half-write."""

    notices: set[str]
    runs: dict[str, tuple[str, str]]  # run id -> (status rows as JSON, changes as JSON)
    outbox: list[tuple[str, str, str]]  # (email, change id, state)

    def rows(self, run_id: str) -> list[StatusRow]:
        return [StatusRow.model_validate(r) for r in json.loads(self.runs[run_id][0])]


def snapshot(store: Store) -> Snapshot:
    """Every notice id, each run's table and changes, and the outbox."""
    notices = {n.id for n in store.notices() if n.id}
    runs = {}
    for run in store.runs():
        rows = json.dumps([r.model_dump(mode="json") for r in store.rows(run.id)], sort_keys=True)
        changes = json.dumps([c.model_dump(mode="json") for c in store.changes(run.id)], sort_keys=True)
        runs[run.id] = (rows, changes)
    query = select(t.subscribers.c.email, t.outbox.c.change_id, t.outbox.c.state).join(
        t.subscribers, t.subscribers.c.id == t.outbox.c.subscriber_id
    )
    with store.engine.connect() as conn:
        outbox = sorted((r.email, r.change_id, r.state) for r in conn.execute(query))
    return Snapshot(notices=notices, runs=runs, outbox=outbox)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes (empty when the folder is absent)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def without_verified(rows: list[StatusRow]) -> list[dict[str, Any]]:
    """Rows as dicts without `last_verified`, which a healthy crawl rightly moves forward."""
    return [r.model_dump(mode="json", exclude={"last_verified"}) for r in rows]


def response(body: bytes, url: str, *, html: bool, request: Request | None = None) -> Response:
    """A response with `body` for `url`, HTML or JSON."""
    cls = HtmlResponse if html else TextResponse
    return cls(url=url, body=body, encoding="utf-8", request=request or Request(url))


def free_port() -> int:
    """A loopback port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Two notices that change day two's table: a Louisiana ban in force and a Florida 7-OH proposal.
NEW = [
    Notice(
        id="kill-test:la-sb154",
        jurisdiction="US-LA",
        source="legiscan",
        kind="bill",
        title="Provides relative to kratom: adds mitragynine and 7-hydroxymitragynine to Schedule I",
        text="Adds mitragynine and 7-hydroxymitragynine to Schedule I of the Controlled Dangerous Substances Law.",
        url="https://legis.la.gov/Legis/BillInfo.aspx?s=25RS&b=SB154",
        published="2025-03-01",
        identifier="SB 154",
        actions=[
            {"date": "2025-03-01", "description": "Introduced"},
            {"date": "2025-06-20", "description": "Signed by the Governor. Becomes Act No. 200"},
        ],
        effective="2026-08-01",
    ),
    Notice(
        id="kill-test:fl-7oh",
        jurisdiction="US-FL",
        source="openstates",
        kind="bill",
        title="Restricts 7-hydroxymitragynine products",
        text="Prohibits the sale of concentrated 7-OH products.",
        url="https://flsenate.gov/Session/Bill/2026/1234",
        published="2026-08-25",
        identifier="HB 1234",
        actions=[{"date": "2026-08-25", "description": "Filed"}],
    ),
]
