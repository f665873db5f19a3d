"""Real `scrapy crawl` runs (regwatch.pipeline.crawl.crawl_source) against a fault-injecting replay server on loopback:
pagination, conditional requests on the second run, 500 and 429 then success, a truncated body, and a
redesigned page that must surface as a broken source, never as silence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from regwatch.domain.models import SourceHealth
from regwatch.domain.vocab import ChangeKind
from regwatch.evidence.records import Archive
from regwatch.pipeline.crawl import crawl_source, ingest_crawl
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.store import Store
from spiders.fda import TOPIC_PAGE
from spiders.federal_register import FederalRegisterSpider
from tests.helpers.server import TRUNCATE, FaultServer, error

FIRST_PAGES = FederalRegisterSpider.start_urls
FIRST_PAGE = FIRST_PAGES[0]
REDESIGNED = b"""<!DOCTYPE html><html><head><title>FDA and Kratom | FDA</title></head><body>
<header class="new-site-header"><h1 class="page-title">FDA and Kratom</h1></header>
<section class="page-body"><p>Kratom (Mitragyna speciosa) is a plant native to Southeast Asia.</p></section>
</body></html>"""


@pytest.fixture
def server() -> Iterator[FaultServer]:
    running = FaultServer()
    with running:
        yield running


@pytest.fixture
def crawl(tmp_path: Path, server: FaultServer):  # type: ignore[no-untyped-def]
    """crawl(spider) -> (health, its JSONL file): one scrapy process against the server, state in tmp_path."""

    def run(name: str) -> tuple[SourceHealth, Path]:
        settings = {
            "HTTPCACHE_DIR": str(tmp_path / "httpcache"),
            "REGWATCH_ARCHIVE_DIR": str(tmp_path / "archive"),
            "DOWNLOAD_DELAY": "0",  # loopback: politeness would only slow the test
            "AUTOTHROTTLE_ENABLED": "False",
            "REGWATCH_RETRY_BACKOFF_BASE": "0.05",  # backoff after a 500: short, still through the same path
        }
        return crawl_source(name, tmp_path / "work", base_url=server.url, scrapy_settings=settings, timeout=120)

    return run


def read(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def second_page(server: FaultServer) -> str:
    page = server.pages.get(FIRST_PAGE)
    assert page is not None
    return str(json.loads(page.body)["next_page_url"])


def test_pagination_then_304s_on_an_unchanged_second_run(crawl, server: FaultServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    health, out = crawl("federal_register")
    notices = read(out)
    archived = sorted(p.name for p in (tmp_path / "archive").glob("*.warc.gz"))
    again, out = crawl("federal_register")
    notices_again = read(out)

    assert health.ok and again.ok
    assert sorted(n["id"] for n in notices) == [
        "federal_register:2016-20803",
        "federal_register:2016-24659",
        "federal_register:2025-22871",
        "federal_register:2026-13580",
        "federal_register:2026-13581",
        "federal_register:public-inspection:2026-13580",
        "federal_register:public-inspection:2026-13581",
    ]
    assert sorted(n["id"] for n in notices_again) == sorted(n["id"] for n in notices)
    assert server.statuses(FIRST_PAGE) == [200, 304]
    assert server.statuses(second_page(server)) == [200, 304]
    assert sorted(p.name for p in (tmp_path / "archive").glob("*.warc.gz")) == archived  # nothing new to keep
    refs = {n["archive"] for n in notices_again}
    uris = {Archive(tmp_path / "archive").read(str(ref)).uri for ref in refs}
    # A filing is kept from whichever public-inspection answer came first (the desk or the search).
    assert {FIRST_PAGE, second_page(server)} <= uris <= {FIRST_PAGE, second_page(server), *FIRST_PAGES[1:]}


def test_a_500_then_success(crawl, server: FaultServer) -> None:  # type: ignore[no-untyped-def]
    server.inject(FIRST_PAGE, error(500))

    health, out = crawl("federal_register")
    notices = read(out)

    assert server.statuses(FIRST_PAGE) == [500, 200]
    assert (health.ok, len(notices)) == (True, 7)


def test_a_429_with_retry_after_then_success(crawl, server: FaultServer) -> None:  # type: ignore[no-untyped-def]
    server.inject(second_page(server), error(429, retry_after="1"))

    health, out = crawl("federal_register")
    notices = read(out)

    assert server.statuses(second_page(server)) == [429, 200]
    assert (health.ok, len(notices)) == (True, 7)


def test_a_truncated_body_is_fetched_again_and_never_archived(crawl, server: FaultServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server.inject(second_page(server), TRUNCATE)

    health, out = crawl("federal_register")
    notices = read(out)

    assert server.statuses(second_page(server)) == [200, 200]  # the first answer was cut short
    assert (health.ok, len(notices)) == (True, 7)
    kept = Archive(tmp_path / "archive").latest(second_page(server))
    recorded = server.pages.get(second_page(server))
    assert kept is not None and recorded is not None
    assert Archive(tmp_path / "archive").read(kept.ref).body == recorded.body


def test_a_redesigned_page_is_a_broken_source_and_statuses_stay(  # type: ignore[no-untyped-def]
    crawl, server: FaultServer, sqlite_store: Store
) -> None:
    load_baseline(sqlite_store)

    def crawl_and_ingest() -> list[SourceHealth]:
        return [ingest_crawl(sqlite_store, *crawl("fda"))]

    before = run_pipeline(sqlite_store, date(2026, 9, 1), crawl=crawl_and_ingest)
    stored = sqlite_store.count_notices()
    server.pages.replace(TOPIC_PAGE, REDESIGNED)
    after = run_pipeline(sqlite_store, date(2026, 9, 2), crawl=crawl_and_ingest)

    assert [h.ok for h in before.run.health] == [True]
    (health,) = after.run.health
    assert not health.ok and "layout" in health.message
    broken = [c for c in after.changes if c.kind is ChangeKind.SOURCE_BROKEN]
    assert [c.source for c in broken] == ["fda"]
    assert {r.key: r.status for r in after.rows} == {r.key: r.status for r in before.rows}
    assert sqlite_store.count_notices() == stored  # what the page said before is still the evidence


@pytest.mark.parametrize("name", ["cdph", "ohio_pharmacy", "florida_ag", "massachusetts_dph", "fda_warning_letters"])
def test_agency_sources_crawl_the_replayed_archive(crawl, name: str) -> None:  # type: ignore[no-untyped-def]
    health, out = crawl(name)
    notices = read(out)

    assert health.ok, health.message
    assert notices and {n["source"] for n in notices} == {name}
