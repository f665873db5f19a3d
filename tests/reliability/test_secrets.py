"""API keys and SMTP passwords never reach what regwatch writes: crawl output, health, the crawl log, the
HTTP cache, the WARC archive, the store, the reports, the mails, the digest's errors."""

from __future__ import annotations

import contextlib
import gzip
import logging
import sqlite3
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from regwatch.domain.models import SourceHealth
from regwatch.notify import RetryPolicy, send_digests
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline.crawl import crawl_source, ingest_crawl
from regwatch.pipeline.steps import run_pipeline
from regwatch.store import Store
from spiders.openstates import OpenStatesSpider
from tests.reliability.faultserver import FaultServer, Reply, ok, serve
from tests.reliability.reliability_helpers import DAY1, FAST, fixture, free_port, path_of

KEY = "sekrit-Key-4f1c9a"
PASSWORD = "hunter2-Pa55word"


def everything_under(folder: Path) -> bytes:
    """The bytes of every file under `folder`, gzip members inflated (the cache and WARCs are gzipped)."""
    out = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            with contextlib.suppress(OSError, EOFError):
                data = gzip.decompress(data)
        out.append(data)
    return b"\n".join(out)


def test_api_keys_stay_out_of_every_crawl_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_LEGISCAN_API_KEY", KEY)
    monkeypatch.setenv("REGWATCH_OPENSTATES_API_KEY", KEY)
    data = tmp_path / "data"
    search = f"/?key={KEY}&op=getSearch&state=ALL&query=kratom&page=1"
    routes = {
        search: [ok(fixture("legiscan", "getSearch_kratom.json"))],
        f"/?key={KEY}&op=getBill&id=1900154": [ok(fixture("legiscan", "getBill_LA_SB154.json"))],
        f"/?key={KEY}&op=getBill&id=1702188": [Reply(500)],  # fails for good: Scrapy logs its URL
        path_of(OpenStatesSpider.start_urls[0]): [ok(fixture("openstates", "bills_kratom.json"))],
    }
    settings = {
        **FAST,
        "REGWATCH_ARCHIVE_ENABLED": "True",
        "REGWATCH_ARCHIVE_DIR": str(data / "archive"),
        "HTTPCACHE_ENABLED": "True",
    }
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}", create=True)
    server = FaultServer(routes)
    healths = []
    with serve(server) as base_url:
        for name in ("legiscan", "openstates"):
            log = {"LOG_FILE": str(tmp_path / f"{name}.log")}
            health, out = crawl_source(name, tmp_path / "crawl", base_url=base_url, scrapy_settings={**settings, **log})
            healths.append(ingest_crawl(store, health, out))
    assert server.asked(f"/?key={KEY}&op=getBill&id=1702188") == 4  # the key did reach the server
    assert any(h.get("x-api-key") == KEY for h in server.headers_seen)
    legiscan, openstates = healths
    assert not legiscan.ok and "HTTP 500" in legiscan.message and "***" in legiscan.message
    assert openstates.ok, openstates.message
    assert (data / "httpcache").is_dir() and (data / "archive").is_dir()

    run_pipeline(store, DAY1, reports_dir=tmp_path / "reports", crawl=lambda: healths)
    store.engine.dispose()
    for h in healths:
        assert KEY not in h.model_dump_json()
    for folder in (tmp_path / "crawl", data, tmp_path / "reports"):
        assert KEY.encode() not in everything_under(folder), folder
    logs = b"".join((tmp_path / f"{n}.log").read_bytes() for n in ("legiscan", "openstates"))
    assert b"Gave up retrying" in logs and KEY.encode() not in logs
    dump = "\n".join(sqlite3.connect(tmp_path / "store.sqlite").iterdump())
    assert KEY not in dump


def test_a_legiscan_error_envelope_names_the_error_not_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_LEGISCAN_API_KEY", KEY)
    search = f"/?key={KEY}&op=getSearch&state=ALL&query=kratom&page=1"
    with serve(FaultServer({search: [ok(fixture("legiscan", "error_envelope.json"))]})) as base_url:
        health, _ = crawl_source("legiscan", tmp_path / "crawl", base_url=base_url, scrapy_settings=FAST)
    assert not health.ok and "Invalid API key" in health.message
    assert KEY not in health.message


def test_smtp_password_stays_out_of_errors_logs_and_outbox(
    sqlite_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # aiosmtpd without AUTH: login is refused, which is a configuration error that names the server.

    class Sink:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            return "250 OK"

    upsert(sqlite_store, [make_subscriber(email="ops@example.com")])
    broken = SourceHealth(source="fda", ok=False, message="request failed at https://www.fda.gov/: HTTP 500")
    run_pipeline(sqlite_store, DAY1, reports_dir=tmp_path / "reports", crawl=lambda: [broken])
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        url = f"smtp://alerts:{PASSWORD}@127.0.0.1:{port}"
        with caplog.at_level(logging.DEBUG):
            report = send_digests(sqlite_store, "daily", smtp_url=url, retry=RetryPolicy(attempts=1, wait=0))
    finally:
        controller.stop()
    assert report.error and "alerts:***@127.0.0.1" in report.error
    assert PASSWORD not in report.error and PASSWORD not in report.transport
    assert PASSWORD not in caplog.text
    dump = "\n".join(sqlite3.connect(str(sqlite_store.engine.url.database)).iterdump())
    assert PASSWORD not in dump
    assert PASSWORD.encode() not in everything_under(tmp_path / "reports")
