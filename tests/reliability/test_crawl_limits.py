"""Crawl caps: a source that never stops paging, a pagination loop, a list page with 20,000 links.

Each drives a real `scrapy crawl` process against a loopback server that generates pages on demand (up
to a hard limit of its own, so even an uncapped crawl ends) and checks that the crawl stops at the
project's caps, asks for no more than that, and reports the source broken with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_plus

from regwatch.domain.models import SourceHealth
from regwatch.pipeline.crawl import crawl_source
from regwatch.scraping import settings as scrapy_settings
from spiders.federal_register import FederalRegisterSpider
from tests.reliability.faultserver import HTML, FaultServer, Reply, ok, serve
from tests.reliability.reliability_helpers import FAST, fixture

FR_LIVE = FederalRegisterSpider.start_urls[0]
LIST_PAGE = "/what-we-do/news/press-releases"
RELEASES = "/press-releases/2026/"
# The server's own limit: far above the caps, so an uncapped crawl shows, yet every test ends.
SERVER_LIMIT = 3000
# Before the caps, an uncapped crawl ran until this and was killed.
TIMEOUT = 120


@dataclass
class GeneratingServer(FaultServer):
    """A FaultServer that also makes up pages: Federal Register page N links page N+1 (or back to page 2
    from `loop_at`), and every path under RELEASES is a kratom press release."""

    loop_at: int = 0
    served: int = 0

    def next_reply(self, path: str) -> Reply | None:
        self.served += 1
        if self.served > SERVER_LIMIT:
            return Reply(503, b"server limit reached", content_type="text/plain", headers=(("Retry-After", "0"),))
        decoded = unquote_plus(path)
        if decoded.startswith(RELEASES):
            return ok(fixture("dea", "press_kratom.html"))
        if decoded.startswith("/api/v1/documents.json"):
            page = int(dict(p.split("=", 1) for p in decoded.split("?", 1)[1].split("&")).get("page", "1"))
            return ok(json.dumps(fr_page(page, self.loop_at)).encode())
        return super().next_reply(path)


def fr_page(page: int, loop_at: int) -> dict[str, object]:
    """One Federal Register page with one document, whose next_page_url is page+1 (or page 2 from `loop_at`)."""
    document = json.loads(fixture("federal_register", "documents_kratom.json").read_text())["results"][0]
    document = {**document, "document_number": f"2026-{page:05d}"}
    following = 2 if loop_at and page >= loop_at else page + 1
    return {"count": 10**6, "results": [document], "next_page_url": f"{FR_LIVE}&page={following}"}


def crawl(spider: str, server: FaultServer, workdir: Path) -> SourceHealth:
    with serve(server) as base_url:
        health, _ = crawl_source(spider, workdir, base_url=base_url, scrapy_settings=FAST, timeout=TIMEOUT)
    return health


def pages_asked(server: FaultServer, prefix: str) -> int:
    return sum(1 for line in server.seen if line.split(" ", 1)[1].startswith(prefix))


def test_the_caps_are_project_settings_with_room_for_the_largest_real_crawl() -> None:
    # LegiScan's first run: 10 search pages and one getBill per bill, about 500 requests; Open States 25 pages.
    assert 600 <= scrapy_settings.CLOSESPIDER_PAGECOUNT <= 2000
    assert 25 <= scrapy_settings.REGWATCH_MAX_PAGES <= 100


def test_a_next_page_that_never_ends_stops_at_the_page_cap_and_breaks_the_source(tmp_path: Path) -> None:
    server = GeneratingServer(routes={})
    health = crawl("federal_register", server, tmp_path)
    cap = scrapy_settings.REGWATCH_MAX_PAGES
    assert pages_asked(server, "/api/v1/documents.json") == cap, server.seen[-3:]
    assert not health.ok
    assert f"more than {cap} pages" in health.message and "REGWATCH_MAX_PAGES" in health.message, health.message
    assert health.items == cap  # what the pages held is kept


def test_a_next_page_already_seen_is_a_pagination_loop(tmp_path: Path) -> None:
    server = GeneratingServer(routes={}, loop_at=3)
    health = crawl("federal_register", server, tmp_path)
    assert pages_asked(server, "/api/v1/documents.json") == 3, server.seen
    assert not health.ok
    assert "pagination loop" in health.message and "page=2" in health.message, health.message


def test_a_list_page_with_20000_links_stops_at_the_request_cap(tmp_path: Path) -> None:
    links = "\n".join(
        f'<h3 class="teaser__heading"><a href="{RELEASES}kratom-{i}">Kratom release {i}</a></h3>' for i in range(20_000)
    )
    page = f"<html><head><title>Press Releases</title></head><body>{links}</body></html>".encode()
    server = GeneratingServer(routes={LIST_PAGE: [ok(page, HTML)]})
    health = crawl("dea", server, tmp_path)
    cap = scrapy_settings.CLOSESPIDER_PAGECOUNT
    # Requests already scheduled when the cap is reached still complete: on a loaded 2-core machine the
    # close takes effect up to a few dozen responses late (1014 seen). Without the cap it would be 20,000.
    assert cap <= len(server.seen) <= cap + 50, len(server.seen)
    assert not health.ok
    assert f"stopped after {cap} responses" in health.message and "CLOSESPIDER_PAGECOUNT" in health.message, (
        health.message
    )
