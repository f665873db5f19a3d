"""A real `scrapy crawl` process per spider (regwatch.pipeline.crawl.crawl_source) against a loopback server:
settings load from any folder, base_url reaches robots.txt and next pages, health is written, and a second
run after the first was stored asks only for what changed."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from regwatch.domain.models import SourceHealth
from regwatch.inputs.jsonl import read_notices
from regwatch.pipeline.crawl import crawl_source, ingest_crawl
from regwatch.scraping.marks import load_mark
from regwatch.store import Store
from spiders.federal_register import FederalRegisterSpider, documents_since
from tests.helpers.loopback import serve
from tests.helpers.spider_helpers import fixture

FAST = {
    "REGWATCH_ARCHIVE_ENABLED": "False",  # the WARC writer has its own tests
    "REGWATCH_MARKS_ENABLED": "True",  # these routes answer the filters: crawls are planned as on the live sites
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_ENABLED": "False",
}


def test_federal_register_crawl_through_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_store: Store
) -> None:
    monkeypatch.chdir(tmp_path)  # not the checkout: settings come from SCRAPY_SETTINGS_MODULE
    first, desk, search = (urlsplit(url) for url in FederalRegisterSpider.start_urls)
    page1 = fixture("federal_register", "documents_kratom.json")
    page2 = urlsplit(json.loads(page1.read_text())["next_page_url"])
    # What the API answers for documents published on or after the newest one stored (2016-10-13).
    newest = json.loads(page1.read_text())
    newest.update(count=1, next_page_url=None)
    since = tmp_path / "documents_since.json"
    since.write_text(json.dumps(newest), encoding="utf-8")
    filtered = urlsplit(documents_since("2016-10-13"))
    routes = {
        f"{first.path}?{first.query}": page1,
        f"{page2.path}?{page2.query}": fixture("federal_register", "documents_kratom_page2.json"),
        desk.path: fixture("federal_register", "public_inspection_current.json"),
        f"{search.path}?{search.query}": fixture("federal_register", "public_inspection_search.json"),
    }
    with serve({**routes, f"{filtered.path}?{filtered.query}": since}) as (base_url, asked):
        health, out = crawl_source("federal_register", tmp_path / "crawl", base_url=base_url, scrapy_settings=FAST)
        assert health.ok and health.jurisdictions == ["US"], health.message
        # robots.txt first; then the documents search, its next page and the public inspection desk and search.
        assert asked[0] == "200 /robots.txt" and sorted(asked[1:]) == sorted(f"200 {path}" for path in routes)
        found = read_notices(out)
        published = [n.id for n in found if "public-inspection" not in (n.id or "")]
        assert published == ["federal_register:2016-24659", "federal_register:2016-20803"]
        assert all(n.url and n.url.startswith("https://www.federalregister.gov/") for n in found)
        ingest_crawl(sqlite_store, health, out)  # stored: the source's mark moves to its newest document
        assert load_mark("federal_register").since == "2016-10-13"

        # Second run, within the week: the documents asked only from the newest stored day on (that day's
        # document again); the desk and its search revalidated (304); robots.txt kept from the first run.
        asked.clear()
        again, out = crawl_source("federal_register", tmp_path / "again", base_url=base_url, scrapy_settings=FAST)
    assert again.ok, again.message
    assert sorted(asked) == sorted(
        [f"200 {filtered.path}?{filtered.query}", f"304 {desk.path}", f"304 {search.path}?{search.query}"]
    )
    ids = sorted(n.id or "" for n in read_notices(out))
    assert ids == sorted(n.id or "" for n in found if n.id != "federal_register:2016-20803")


def test_legiscan_error_envelope_marks_the_source_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_LEGISCAN_API_KEY", "test-key-123456")
    search = "/?key=test-key-123456&op=getSearch&state=ALL&query=kratom&page=1"
    with serve({search: fixture("legiscan", "error_envelope.json")}) as (base_url, _):
        health, out = crawl_source("legiscan", tmp_path / "crawl", base_url=base_url, scrapy_settings=FAST)
    assert not health.ok and not health.skipped
    assert "Invalid API key" in health.message
    assert out.read_text() == ""


def test_congress_without_key_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGWATCH_CONGRESS_API_KEY", raising=False)
    with serve({}) as (base_url, asked):
        health, _ = crawl_source("congress", tmp_path / "crawl", base_url=base_url, scrapy_settings=FAST)
    assert (health.ok, health.skipped, health.items) == (False, True, 0)
    assert health.message == (
        "congress: not configured: no API key (set REGWATCH_CONGRESS_API_KEY or connection regwatch_congress)"
    )
    assert asked == []  # not even robots.txt


def test_fda_error_page_is_reported_as_broken(tmp_path: Path) -> None:
    error = fixture("fda", "site_error.html")
    routes: dict[str, Path | tuple[int, bytes]] = {
        "/news-events/public-health-focus/fda-and-kratom": error,
        "/news-events/fda-newsroom/press-announcements": error,
    }
    with serve(routes) as (base_url, _):
        health, _ = crawl_source("fda", tmp_path / "crawl", base_url=base_url, scrapy_settings=FAST)
    assert not health.ok
    assert "layout not recognised" in health.message and "returned nothing" in health.message


def test_a_crawl_that_failed_before_writing_keeps_its_own_message(sqlite_store: Store, tmp_path: Path) -> None:
    failed = SourceHealth(source="federal_register", ok=False, message="crawl did not finish within 4 s")
    health = ingest_crawl(sqlite_store, failed, tmp_path / "never-written.jsonl")
    assert (health.ok, health.message) == (False, "crawl did not finish within 4 s")  # not "output unreadable"
    written = tmp_path / "written.jsonl"
    written.write_text("not json\n", encoding="utf-8")
    health = ingest_crawl(sqlite_store, failed.model_copy(update={"ok": True, "message": ""}), written)
    assert not health.ok and health.message.startswith("output unreadable:") and str(written) in health.message
