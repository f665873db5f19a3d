"""Re-run benchmark: two whole passes of `run_pipeline` over an unchanged source, with the HTTP cache.

The spiders crawl as a pass crawls them (`regwatch.pipeline.crawl.crawl_many`: one Scrapy process, the
project's settings, each source's notices stored and then its high-water mark committed) against
regwatch's own replay server, fed the generated pages; the server answers the APIs' change filters
(Federal Register `conditions[publication_date][gte]`, Open States `updated_since`) as the APIs do, from
the same generated documents. Measured on the second pass: the share of pages answered from the cache or
by a 304 (counted by the server), the alerts it newly queued (none is right: nothing changed), and its
time over the first pass's time.

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
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode

from benchmarks.pages import PER_PAGE, Archive, Page, build_archive, page_key

if TYPE_CHECKING:
    from regwatch.evidence.records import Capture

AS_OF = date(2026, 11, 1)
SOURCES = ("federal_register", "openstates", "dea", "fda")
SUBSCRIBERS = 50


# The APIs' change filters the spiders send between full sweeps: parameter -> the field of a result it
# compares (on or after the day given), the host the live list is on, and the list's shape.
FILTERS = {
    "conditions[publication_date][gte]": ("publication_date", "https://www.federalregister.gov", "federal_register"),
    "updated_since": ("updated_at", "https://v3.openstates.org", "openstates"),
}


class ArchiveRecordings:
    """The generated pages in the shape regwatch.evidence.replay.ReplayServer reads (`get(path) -> Capture`)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def get(self, path_and_query: str) -> Capture | None:
        from regwatch.evidence.records import Capture

        page = self.archive.pages.get(page_key(f"http://replay{path_and_query}")) or self.filtered(path_and_query)
        if page is None:
            return None
        modified = datetime.combine(page.modified, clock(12), tzinfo=UTC)
        headers = [("Content-Type", page.content_type), ("Last-Modified", format_datetime(modified, usegmt=True))]
        return Capture(uri=path_and_query, status=200, headers=headers, body=page.body, date=modified)

    def filtered(self, path_and_query: str) -> Page | None:
        """A page of a list asked with an API's change filter: the unfiltered list's results dated on or
        after the day given, paginated as the API does (its next page carrying the filter)."""
        path, _, query = path_and_query.partition("?")
        params = parse_qsl(query, keep_blank_values=True)
        found = [(name, value) for name, value in params if name in FILTERS]
        if not found:
            return None
        name, since = found[0]
        field, host, shape = FILTERS[name]
        page = int(dict(params).get("page") or 1)
        base = [(k, v) for k, v in params if k not in (name, "page")]
        results = [r for r in self._results(path, base) if str(r.get(field) or "")[:10] >= since[:10]]
        chunk = results[(page - 1) * PER_PAGE : page * PER_PAGE]
        pages = max(1, -(-len(results) // PER_PAGE))
        if shape == "federal_register":
            following = f"{host}{path}?{urlencode([*base, (name, since), ('page', str(page + 1))])}"
            body: dict[str, Any] = {"count": len(results), "total_pages": pages, "results": chunk}
            body["next_page_url"] = following if page < pages else None
        else:
            body = {"results": chunk, "pagination": {"per_page": PER_PAGE, "page": page, "max_page": pages}}
        newest = max((date.fromisoformat(str(r[field])[:10]) for r in chunk), default=date(2020, 1, 1))
        return Page(json.dumps(body, separators=(",", ":")).encode(), "application/json", newest)

    def _results(self, path: str, base: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Every result of the unfiltered list, page after page (page 1 with or without `page=1`)."""
        results: list[dict[str, Any]] = []
        for number in range(1, 10_000):
            asks = [[*base, ("page", str(number))]] + ([base] if number == 1 else [])
            page = next(
                (p for q in asks if (p := self.archive.pages.get(page_key(f"http://replay{path}?{urlencode(q)}")))),
                None,
            )
            if page is None:
                return results
            results += json.loads(page.body)["results"]
        return results


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
    from regwatch.pipeline.crawl import crawl_many, ingest_crawl
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
        # A replay of a recorded archive keeps no marks and crawls in full (it holds no filtered URLs); this
        # server answers the filters, so the crawls are planned as on the live sites: full, then incremental.
        "REGWATCH_MARKS_ENABLED": "True",
    }
    workdir = Path(os.environ["REGWATCH_DATA_DIR"]) / "crawl"
    archive = build_archive(pages)
    passes = []
    with _server(archive, mode) as server:
        crawl_seconds: list[float] = []

        def crawl() -> list[Any]:
            started = time.perf_counter()
            crawled = crawl_many(list(SOURCES), workdir, base_url=server.url, scrapy_settings=settings)
            crawl_seconds.append(time.perf_counter() - started)
            return [ingest_crawl(store, *crawled[name]) for name in SOURCES]

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
                    # Requests that carried an API's change filter (a 200 for each is right: a new question).
                    "filtered": sum(1 for s in answered if any(f"{quote(name)}=" in s.path for name in FILTERS)),
                    "crawl_seconds": round(crawl_seconds[-1], 2),
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
