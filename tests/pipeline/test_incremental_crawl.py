"""Re-runs against the replay server (tests/helpers/server.py): between weekly full sweeps a crawl asks only for
what changed, stops at the first unchanged page of a newest-first list and takes pages it read before from
the HTTP cache; a mark moves only once its notices are stored; a full sweep finds an old page edited in place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from regwatch.domain.models import SourceHealth
from regwatch.pipeline.crawl import crawl_all, crawl_source, ingest_crawl
from regwatch.scraping.marks import Mark, load_mark, mark_file, write_mark
from regwatch.store import Store
from spiders.dea import DeaSpider
from spiders.federal_register import FederalRegisterSpider, documents_since
from tests.helpers.server import FaultServer, error

LIST = DeaSpider.list_urls[0]
LIST_PAGE2 = f"{LIST}?page=1"
RELEASE = (
    "https://www.dea.gov/press-releases/2026/07/01/dea-temporarily-schedule-7-oh-and-related-substances-protect-public"
)
DOCUMENTS, DESK, DESK_SEARCH = FederalRegisterSpider.start_urls
TODAY = datetime.now(UTC).date()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    running = FaultServer()
    with running:
        yield running


@pytest.fixture
def crawl(tmp_path: Path, server: FaultServer):  # type: ignore[no-untyped-def]
    """crawl(spider, **settings) -> (health, JSONL file): one scrapy process, planned as on the live sites."""

    def run(name: str, **settings: str) -> tuple[SourceHealth, Path]:
        chosen = {
            "REGWATCH_ARCHIVE_ENABLED": "False",  # the WARC writer has its own tests
            "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_ENABLED": "False",
            "RETRY_ENABLED": "False",
            "REGWATCH_MARKS_ENABLED": "True",  # a replay keeps no marks (crawls in full) unless told
            **settings,
        }
        return crawl_source(name, tmp_path / "work", base_url=server.url, scrapy_settings=chosen, timeout=120)

    return run


def texts(out: Path) -> dict[str, str]:
    return {n["url"]: n["text"] for n in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def test_an_unchanged_list_stops_at_its_first_page_and_the_notices_stay(  # type: ignore[no-untyped-def]
    crawl, server: FaultServer, sqlite_store: Store
) -> None:
    first, out = crawl("dea")
    notices = texts(out)
    ingest_crawl(sqlite_store, first, out)
    assert load_mark("dea") == Mark(since=None, full_sweep=TODAY.isoformat())
    server.log.clear()

    again, out = crawl("dea")

    assert first.ok and again.ok and RELEASE in notices
    # Page 1 answers 304: nothing new reached the list, so page 2 and the release come from the cache.
    assert [(s.path, s.status) for s in server.log] == [("/what-we-do/news/press-releases", 304)]
    assert texts(out) == notices  # the same notices, read from the cached copies


def test_a_page_edited_in_place_is_found_by_the_weekly_sweep(  # type: ignore[no-untyped-def]
    crawl, server: FaultServer, sqlite_store: Store
) -> None:
    health, out = crawl("dea")
    ingest_crawl(sqlite_store, health, out)
    recorded = server.pages.get(RELEASE)
    assert recorded is not None
    edited = recorded.body.replace(b"Natural kratom leaf is outside both notices.", b"Kratom leaf is now included.")
    server.pages.replace(RELEASE, edited)

    within_the_week, out = crawl("dea")
    missed = texts(out)[RELEASE]
    ingest_crawl(sqlite_store, within_the_week, out)
    # A week after the last full sweep the next crawl is full again: every page is asked.
    write_mark(mark_file("dea"), Mark(since=None, full_sweep=(TODAY - timedelta(days=7)).isoformat()))
    server.log.clear()
    swept, out = crawl("dea")
    found = texts(out)[RELEASE]
    ingest_crawl(sqlite_store, swept, out)

    assert "Natural kratom leaf is outside both notices" in missed  # an edit in place waits for the sweep
    assert "Kratom leaf is now included" in found
    assert server.statuses(RELEASE) == [200] and server.statuses(LIST_PAGE2) == [304]
    assert load_mark("dea").full_sweep == TODAY.isoformat()


def test_a_crawl_not_stored_moves_no_mark_and_is_asked_again(  # type: ignore[no-untyped-def]
    crawl, server: FaultServer, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    health, out = crawl("federal_register")
    assert health.ok
    # The task dies while storing: nothing stored, so the mark must not move past it.
    with monkeypatch.context() as patch, pytest.raises(OSError, match="disk full"):
        patch.setattr(sqlite_store, "ingest", lambda notices: (_ for _ in ()).throw(OSError("disk full")))
        ingest_crawl(sqlite_store, health, out)
    assert load_mark("federal_register") == Mark()

    server.log.clear()
    health, out = crawl("federal_register")  # no mark: a full crawl, every document asked again
    assert server.statuses(DOCUMENTS) == [304]
    ingest_crawl(sqlite_store, health, out)
    mark = load_mark("federal_register")
    assert mark == Mark(since="2026-07-06", full_sweep=TODAY.isoformat())

    # Stored: the next crawl asks only for documents published on or after the newest one stored.
    since = server.pages.get(DOCUMENTS)
    assert since is not None
    server.pages.replace(documents_since("2026-07-06"), since.body, content_type="application/json")
    server.log.clear()
    health, out = crawl("federal_register")
    assert health.ok
    assert sorted(s.path.split("?")[0] for s in server.log if s.status == 200) == ["/api/v1/documents.json"]
    assert server.statuses(documents_since("2026-07-06")) == [200] and server.statuses(DOCUMENTS) == []


def test_a_crawl_that_lost_a_page_proposes_no_mark(  # type: ignore[no-untyped-def]
    crawl, server: FaultServer, sqlite_store: Store
) -> None:
    page = server.pages.get(DOCUMENTS)
    assert page is not None
    server.inject(json.loads(page.body)["next_page_url"], error(500))

    health, out = crawl("federal_register")
    ingest_crawl(sqlite_store, health, out)

    assert not health.ok and "HTTP 500" in health.message
    assert load_mark("federal_register") == Mark()  # the next crawl asks the lost page again


def test_a_pass_crawls_its_sources_in_one_process(server: FaultServer, sqlite_store: Store) -> None:
    names = ["dea", "fda", "federal_register"]
    results = crawl_all(sqlite_store, names, base_url=server.url)

    assert [(h.source, h.ok) for h in results] == [(name, True) for name in names], [h.message for h in results]
    assert {n.source for n in sqlite_store.notices()} >= set(names)
    # A replay of recorded pages is no news of the live sites: it moves no mark.
    assert all(load_mark(name) == Mark() for name in names)
