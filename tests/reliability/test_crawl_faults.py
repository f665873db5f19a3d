# ruff: noqa: E501 (the table of faults reads best one fault a line)
"""Real `scrapy crawl` processes against a misbehaving loopback server, each followed by a published run.

Day one: a good crawl, published with its report. Day two: the same source misbehaves in one way.
After each fault: no stored notice is lost, the status table is unchanged (a failing source is
`source_broken`, never "status removed"), the only change is that source's `source_broken` (or none,
when the fault was recovered from), day one's report is byte-identical, and the message names what failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from regwatch.domain.models import SourceHealth
from regwatch.domain.vocab import ChangeKind
from regwatch.pipeline.crawl import crawl_source, ingest_crawl
from regwatch.pipeline.steps import run_pipeline
from regwatch.store import Store
from tests.reliability.faultserver import HTML, FaultServer, Reply, gzip_bomb, ok, serve
from tests.reliability.reliability_helpers import (
    DAY1,
    DAY2,
    FAST,
    FR_PAGE1,
    FR_PAGE2,
    fixture,
    snapshot,
    tree,
    without_verified,
)

PAGE1 = ok(fixture("federal_register", "documents_kratom.json"))
PAGE2 = ok(fixture("federal_register", "documents_kratom_page2.json"))
GOOD = {FR_PAGE1: [PAGE1], FR_PAGE2: [PAGE2]}
LIST_PAGE = "/what-we-do/news/press-releases"
DEA_RELEASE = "/press-releases/2016/08/30/dea-announces-intent-schedule-kratom"  # the kratom item of the list


@dataclass(frozen=True)
class Fault:
    """One way a source misbehaves on day two, and what the crawl must make of it."""

    name: str
    routes: dict[str, list[Reply]]
    broken: bool  # True: source_broken with `says` in the message; False: recovered, no change at all
    says: str = ""
    spider: str = "federal_register"
    robots: bytes | None = None
    settings: dict[str, str] = field(default_factory=dict)
    never_asked: tuple[str, ...] = ()


def retry_after(status: int, value: str) -> Reply:
    return Reply(status, b'{"error": "slow down"}', headers=(("Retry-After", value),))


HTTP_DATE = format_datetime(datetime(2030, 1, 1, tzinfo=UTC), usegmt=True)  # far off: capped by the setting
FAULTS = [
    Fault("5xx then success", {FR_PAGE1: [Reply(500), Reply(502), PAGE1], FR_PAGE2: [Reply(503), PAGE2]}, False),
    Fault("429 with Retry-After seconds", {FR_PAGE1: [retry_after(429, "3600"), PAGE1], FR_PAGE2: [PAGE2]}, False),
    Fault("503 with a Retry-After date", {FR_PAGE1: [PAGE1], FR_PAGE2: [retry_after(503, HTTP_DATE), PAGE2]}, False),
    Fault("5xx on every try of page 2", {FR_PAGE1: [PAGE1], FR_PAGE2: [Reply(500)]}, True, "page=2&per_page=1: HTTP 500"),
    Fault("connection reset, then success", {FR_PAGE1: [Reply(fault="reset"), PAGE1], FR_PAGE2: [PAGE2]}, False),
    Fault("connection reset on every try", {FR_PAGE1: [PAGE1], FR_PAGE2: [Reply(fault="reset")]}, True, "DownloadFailedError"),
    Fault(
        "read timeout",
        {FR_PAGE1: [PAGE1], FR_PAGE2: [Reply(fault="hang")]},
        True,
        "DownloadTimeoutError",
        settings={"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1"},  # two tries of a second each
    ),
    Fault("truncated body", {FR_PAGE1: [PAGE1], FR_PAGE2: [Reply(body=PAGE2.body, fault="truncate")]}, True, "ResponseDataLossError"),
    Fault("truncated JSON", {FR_PAGE1: [ok(PAGE1.body[:-40])]}, True, "expected JSON"),
    Fault("malformed JSON", {FR_PAGE1: [ok(b'{"count": 2, "results": [{"title": "x",]}')]}, True, "expected JSON"),
    Fault("an HTML error page with status 200", {FR_PAGE1: [ok(b"<html><title>Down</title></html>", HTML)]}, True, "expected JSON"),
    Fault("an empty result", {FR_PAGE1: [ok(b'{"count": 0, "results": []}')]}, True, "returned nothing"),
    Fault("a 20 MB page under DOWNLOAD_MAXSIZE", {FR_PAGE1: [ok(PAGE1.body[:-2] + b" " * (20 << 20) + b"}\n")], FR_PAGE2: [PAGE2]}, False),
    Fault("a 40 MB page over DOWNLOAD_MAXSIZE", {FR_PAGE1: [Reply(body=b" ", fault="stream", size=40 << 20)]}, True, "DownloadCancelledError"),
    Fault("a gzip bomb", {FR_PAGE1: [gzip_bomb(64 << 20)]}, True, "exceeded DOWNLOAD_MAXSIZE"),
    Fault("a redirect loop", {FR_PAGE1: [Reply(302, headers=(("Location", "/loop"),))], "/loop": [Reply(302, headers=(("Location", FR_PAGE1),))]}, True, "redirect loop"),
    Fault(
        "a redirect off the source's domain",
        {FR_PAGE1: [Reply(302, headers=(("Location", "http://evil.example/steal"),))], "/steal": [PAGE1]},
        True,
        "refused http://evil.example/steal: outside the source's domains",
        never_asked=("/steal",),
    ),
    Fault("robots.txt disallowing the API", GOOD, True, "Forbidden by robots.txt", robots=b"User-agent: *\nDisallow: /api/\n", never_asked=(FR_PAGE1,)),
    Fault(
        "a changed page layout",
        {LIST_PAGE: [ok(b"<html><head><title>DEA</title></head><body><div class='news-grid'></div></body></html>", HTML)]},
        True,
        "layout not recognised",
        spider="dea",
    ),
    Fault(
        "an API error envelope",
        {"/?key=test&op=getSearch&state=ALL&query=kratom&page=1": [ok(fixture("legiscan", "error_envelope.json"))]},
        True,
        "LegiScan status 'ERROR'",
        spider="legiscan",
    ),
]  # fmt: skip
DAY_ONE = {
    "federal_register": GOOD,
    "dea": {LIST_PAGE: [ok(fixture("dea", "press_list.html"))], DEA_RELEASE: [ok(fixture("dea", "press_kratom.html"))]},
    "legiscan": {
        "/?key=test&op=getSearch&state=ALL&query=kratom&page=1": [ok(fixture("legiscan", "getSearch_kratom.json"))],
        "/?key=test&op=getBill&id=1900154": [ok(fixture("legiscan", "getBill_LA_SB154.json"))],
        "/?key=test&op=getBill&id=1702188": [ok(fixture("legiscan", "getBill_KS_HB2188.json"))],
    },
}  # fmt: skip


def crawl(
    spider: str, server: FaultServer, workdir: Path, settings: dict[str, str] | None = None
) -> tuple[SourceHealth, Path]:  # noqa: E501
    with serve(server) as base_url:
        return crawl_source(spider, workdir, base_url=base_url, scrapy_settings={**FAST, **(settings or {})})


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REGWATCH_LEGISCAN_API_KEY", "test")
    monkeypatch.setenv("REGWATCH_LEGISCAN_STATE", str(tmp_path / "legiscan-state.json"))  # no getBill skipped


@pytest.fixture(scope="module")
def good_crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[SourceHealth, Path]]:
    """One good crawl per spider, shared by the module's tests (each crawl is a Scrapy process)."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("day1")
        patch.setenv("REGWATCH_LEGISCAN_API_KEY", "test")
        patch.setenv("REGWATCH_DATA_DIR", str(folder / "data"))
        patch.setenv("REGWATCH_LEGISCAN_STATE", str(folder / "legiscan-state.json"))
        found = {}
        for spider, routes in DAY_ONE.items():
            health, out = crawl(spider, FaultServer(dict(routes)), folder / spider)
            assert health.ok, health.message
            found[spider] = (health, out)
        return found


def publish_day_one(store: Store, reports: Path, good: tuple[SourceHealth, Path]) -> None:
    """A good crawl, ingested and published on DAY1 with its report."""
    health = ingest_crawl(store, *good)
    run_pipeline(store, DAY1, reports_dir=reports, crawl=lambda: [health])


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_a_fault_never_loses_a_notice_nor_raises_a_false_change(
    fault: Fault, sqlite_store: Store, tmp_path: Path, good_crawls: dict[str, tuple[SourceHealth, Path]]
) -> None:
    reports = tmp_path / "reports"
    publish_day_one(sqlite_store, reports, good_crawls[fault.spider])
    before, report_before = snapshot(sqlite_store), tree(reports / DAY1.isoformat())
    server = FaultServer(fault.routes) if fault.robots is None else FaultServer(fault.routes, robots=fault.robots)

    health, out = crawl(fault.spider, server, tmp_path / "day2", fault.settings)
    health = ingest_crawl(sqlite_store, health, out)
    outcome = run_pipeline(sqlite_store, DAY2, reports_dir=reports, crawl=lambda: [health])

    after = snapshot(sqlite_store)
    assert after.notices >= before.notices  # nothing stored is lost
    assert after.runs[DAY1.isoformat()] == before.runs[DAY1.isoformat()]
    assert tree(reports / DAY1.isoformat()) == report_before  # the previous report is intact
    assert without_verified(after.rows(DAY2.isoformat())) == without_verified(before.rows(DAY1.isoformat()))
    for path in fault.never_asked:
        assert server.asked(path) == 0, server.seen
    if fault.broken:
        assert not health.ok and fault.says in health.message, health.message
        assert [(c.kind, c.source) for c in outcome.changes] == [(ChangeKind.SOURCE_BROKEN, fault.spider)]
        # the cells it covers keep their last verified date: the source was not heard from
        assert after.rows(DAY2.isoformat()) == before.rows(DAY1.isoformat())
    else:
        assert health.ok, health.message
        assert outcome.changes == []
        assert after.notices == before.notices


def test_retry_after_is_honoured_before_the_retry(tmp_path: Path) -> None:
    server = FaultServer({FR_PAGE1: [retry_after(429, "3600"), PAGE1], FR_PAGE2: [PAGE2]})
    health, _ = crawl("federal_register", server, tmp_path, {"REGWATCH_RETRY_AFTER_MAX": "0.5"})
    assert health.ok
    first, second = (
        t for line, t in zip(server.seen, server.times, strict=True) if line.endswith(unquote_plus(FR_PAGE1))
    )
    assert second - first >= 0.5  # a lower bound only: the wait (capped at 0.5 s) came before the retry


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [("text/html", "cp1252"), ("text/html; charset=utf-8", "cp1252"), ("text/html; charset=iso-8859-1", "utf-8")],
    ids=["no charset", "wrong charset (says utf-8)", "wrong charset (says latin-1)"],
)
def test_missing_or_wrong_charset_still_yields_the_notice(tmp_path: Path, content_type: str, encoding: str) -> None:
    page = fixture("dea", "press_kratom.html").read_text(encoding="utf-8").replace("</h2>", " – Café</h2>", 1)
    body = page.replace('<meta charset="utf-8">', "").encode(encoding)
    routes = {
        LIST_PAGE: [ok(fixture("dea", "press_list.html"))],
        DEA_RELEASE: [Reply(body=body, content_type=content_type)],
    }
    health, out = crawl("dea", FaultServer(routes), tmp_path)
    [notice] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert health.ok, health.message
    assert "Caf" in notice["title"] and notice["published"]
    if content_type == "text/html":
        assert "– Café" in notice["title"]  # sniffed correctly when the server says nothing


def test_the_killed_crawl_is_a_broken_source_and_keeps_what_was_stored(
    sqlite_store: Store, tmp_path: Path, good_crawls: dict[str, tuple[SourceHealth, Path]]
) -> None:
    publish_day_one(sqlite_store, tmp_path / "reports", good_crawls["federal_register"])
    before = snapshot(sqlite_store)
    server = FaultServer({FR_PAGE1: [PAGE1], FR_PAGE2: [Reply(fault="hang")]})
    with serve(server) as base_url:
        slow = {**FAST, "DOWNLOAD_TIMEOUT": "600"}
        health, out = crawl_source(
            "federal_register", tmp_path / "day2", base_url=base_url, scrapy_settings=slow, timeout=4
        )
    health = ingest_crawl(sqlite_store, health, out)
    assert not health.ok and "did not finish within 4 s" in health.message
    assert snapshot(sqlite_store).notices >= before.notices
