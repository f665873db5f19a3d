"""Re-run benchmark: two whole passes of `run_pipeline` over an unchanged source, with the HTTP cache.

The spiders crawl through `regwatch.pipeline.crawl.crawl_source` (one `scrapy crawl` process each, the project's
settings) against regwatch's own replay server, fed the generated pages. Measured on the second pass:
the share of pages answered from the cache or by a 304 (counted by the server), the alerts it newly
queued (none is right: nothing changed), and its time over the first pass's time.

Two server behaviours: `revalidate` is regwatch.evidence.replay as written (every answer says no-cache, so each
page is revalidated and answers 304); `heuristic` drops that header, so pages carry only Last-Modified,
as many government sites send them, and the cache may serve them without asking (RFC 9111 4.2.2).

`python -m benchmarks.rerun MODE PAGES DELAY` prints one JSON line; run it in a fresh process.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from benchmarks.pages import Archive, build_archive, page_key

AS_OF = date(2026, 11, 1)
SOURCES = ("federal_register", "openstates", "dea", "fda")
SUBSCRIBERS = 50


class ArchiveRecordings:
    """The generated pages in the shape regwatch.evidence.replay.ReplayServer reads (`get(path) -> Capture`)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def get(self, path_and_query: str) -> Any:
        from regwatch.evidence.records import Capture

        page = self.archive.pages.get(page_key(f"http://replay{path_and_query}"))
        if page is None:
            return None
        modified = datetime.combine(page.modified, clock(12), tzinfo=UTC)
        headers = [("Content-Type", page.content_type), ("Last-Modified", format_datetime(modified, usegmt=True))]
        return Capture(uri=path_and_query, status=200, headers=headers, body=page.body, date=modified)


def _server(archive: Archive, mode: str) -> Any:
    from regwatch.evidence.replay import ReplayServer

    if mode == "revalidate":
        return ReplayServer(ArchiveRecordings(archive))

    class HeuristicServer(ReplayServer):
        def answer(self, handler: Any) -> tuple[int, list[tuple[str, str]], bytes]:
            status, headers, body = super().answer(handler)
            return status, [(k, v) for k, v in headers if k.lower() != "cache-control"], body

    return HeuristicServer(ArchiveRecordings(archive))


def _subscribers() -> list[Any]:
    from regwatch.notify.subscribers import make_subscriber

    states = ("US-FL", "US-TX", "US-CA", "US-*", "US")
    return [
        make_subscriber(email=f"analyst{n}@example.com", jurisdictions=[states[n % len(states)]] if n % 3 else [])
        for n in range(SUBSCRIBERS)
    ]


def _start_ratio() -> float:
    """AUTOTHROTTLE_START_DELAY / DOWNLOAD_DELAY as the project sets them."""
    from regwatch.scraping import settings as project

    return project.AUTOTHROTTLE_START_DELAY / project.DOWNLOAD_DELAY


def rerun(mode: str, pages: int, delay: float, start_delay: float | None = None) -> dict[str, Any]:
    """Both passes in this process; the environment must already point at a scratch data folder."""
    from regwatch.notify.outbox import outbox_rows
    from regwatch.notify.subscribers import upsert
    from regwatch.pipeline.crawl import crawl_source, ingest_crawl
    from regwatch.pipeline.steps import publish, run_pipeline
    from regwatch.pipeline.tasks import load_baseline
    from regwatch.store import Store

    store = Store.open(create=True)  # a scratch data folder: the benchmark makes its own store
    load_baseline(store)
    publish(store, AS_OF - timedelta(days=7))  # the table the first pass diffs against
    upsert(store, _subscribers())
    settings = {
        "DOWNLOAD_DELAY": str(delay),
        # The project's ratio of start delay to floor (regwatch/scraping/settings.py), unless asked otherwise.
        "AUTOTHROTTLE_START_DELAY": str(delay * _start_ratio() if start_delay is None else start_delay),
    }
    workdir = Path(os.environ["REGWATCH_DATA_DIR"]) / "crawl"
    archive = build_archive(pages)
    passes = []
    with _server(archive, mode) as server:

        def crawl() -> list[Any]:
            results = []
            for name in SOURCES:
                health, out = crawl_source(name, workdir, base_url=server.url, scrapy_settings=settings)
                results.append(ingest_crawl(store, health, out))
            return results

        for _ in range(2):
            queued_before = len(outbox_rows(store))
            started = time.perf_counter()
            outcome = run_pipeline(store, AS_OF, crawl=crawl)
            seconds = time.perf_counter() - started
            answered = list(server.log)
            server.log.clear()
            passes.append(
                {
                    "seconds": round(seconds, 2),
                    "requests": len(answered),
                    "status_200": sum(1 for s in answered if s.status == 200),
                    "status_304": sum(1 for s in answered if s.status == 304),
                    "alerts_queued": len(outbox_rows(store)) - queued_before,
                    "changes": len(outcome.changes),
                    "notices": outcome.run.notices,
                    "sources_ok": sum(1 for h in outcome.run.health if h.ok),
                }
            )
    first, second = passes
    return {
        "mode": mode,
        "delay_seconds": delay,
        "start_delay_seconds": delay * _start_ratio() if start_delay is None else start_delay,
        # Pages the second pass got from its cache: fresh (no request at all) or revalidated (304).
        "cached_fraction": round(1 - (second["requests"] - second["status_304"]) / max(first["requests"], 1), 3),
        "alerts": second["alerts_queued"],
        "time_ratio": round(second["seconds"] / first["seconds"], 3),
        "passes": passes,
    }


def rerun_benchmark(mode: str, pages: int, delay: float, start_delay: float | None = None) -> dict[str, Any]:
    """`rerun` in a fresh process with its own data folder, store and HTTP cache."""
    from benchmarks.harness import run_worker

    with tempfile.TemporaryDirectory(prefix="regwatch-rerun-") as tmp:
        env = {
            "REGWATCH_DATA_DIR": str(Path(tmp) / "data"),
            "REGWATCH_DATABASE_URL": f"sqlite:///{Path(tmp) / 'rerun.sqlite'}",
            "REGWATCH_REPORTS_DIR": str(Path(tmp) / "reports"),
            "REGWATCH_OPENSTATES_API_KEY": "benchmark",  # the replay host ignores it
        }
        extra = [] if start_delay is None else [str(start_delay)]
        return run_worker("benchmarks.rerun", mode, str(pages), str(delay), *extra, env=env)


if __name__ == "__main__":
    start = float(sys.argv[4]) if len(sys.argv) > 4 else None
    print(json.dumps(rerun(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), start)))
