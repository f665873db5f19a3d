"""Replay throughput against `scrapy bench`, and the cost of an unchanged second crawl.

    .venv/bin/python -m benchmarks.replay_vs_bench [--pages 2000]

Builds an archive of dea.gov-shaped pages (5 list pages linking `pages` press releases about kratom),
serves it with regwatch.evidence.replay, crawls it twice with the real `dea` spider (a `scrapy crawl` process
each, archive middleware and HTTP cache on, politeness off since the server is loopback), then runs
`scrapy bench` (Scrapy's own loopback server and link-following spider) outside the project. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from regwatch.evidence.records import Archive, Capture
from regwatch.evidence.replay import Recordings, ReplayServer
from regwatch.evidence.writer import ArchiveWriter
from regwatch.pipeline.crawl import crawl_source

LIST = "https://www.dea.gov/what-we-do/news/press-releases"
LIST_PAGES = 5  # the dea spider's max_pages
THROUGHPUT = {
    "DOWNLOAD_DELAY": "0",  # loopback: politeness would measure the delay, not the crawl
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",  # scrapy bench's concurrency (Scrapy's default)
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
}


def build(folder: Path, pages: int) -> None:
    """List pages of `pages / LIST_PAGES` links each, and one release per link."""
    when = datetime(2026, 9, 1, tzinfo=UTC)
    per_list = -(-pages // LIST_PAGES)
    html = [("Content-Type", "text/html; charset=utf-8")]
    with ArchiveWriter.create(Archive(folder), "bench.warc.gz") as writer:
        for page in range(LIST_PAGES):
            links = "".join(
                f'<div class="teaser"><h3 class="teaser__heading"><a href="/press-releases/2026/kratom-{n}">'
                f"Kratom release {n}</a></h3></div>"
                for n in range(page * per_list, min(pages, (page + 1) * per_list))
            )
            pager = f'<li class="pager__item--next"><a href="?page={page + 1}">Next</a></li>'
            url = LIST if page == 0 else f"{LIST}?page={page}"
            writer.write(Capture(url, 200, html, f"<html><body>{links}{pager}</body></html>".encode(), when))
        for n in range(pages):
            body = (
                f'<html><body><h2 class="press__title">Kratom release {n}</h2><div class="press__date">July 1, 2026'
                f'</div><div class="wysiwyg"><p>WASHINGTON – Release {n} about kratom and 7-OH.</p>'
                f"<p>{'Filler text. ' * 60}</p></div></body></html>"
            )
            writer.write(Capture(f"https://www.dea.gov/press-releases/2026/kratom-{n}", 200, html, body.encode(), when))


def crawl_once(server: ReplayServer, tmp: Path) -> dict[str, Any]:
    """One `scrapy crawl dea` against the server: seconds, notices, and what the server answered."""
    settings = {**THROUGHPUT, "HTTPCACHE_DIR": str(tmp / "httpcache"), "REGWATCH_ARCHIVE_DIR": str(tmp / "archive")}
    server.log.clear()
    start = time.perf_counter()
    health, _ = crawl_source("dea", tmp / "work", base_url=server.url, scrapy_settings=settings)
    seconds = time.perf_counter() - start
    log = list(server.log)
    return {
        "seconds": round(seconds, 2),
        "notices": health.items,
        "ok": health.ok,
        "requests": len(log),
        "status_200": sum(s.status == 200 for s in log),
        "status_304": sum(s.status == 304 for s in log),
        "body_bytes_sent": sum(s.bytes for s in log),
        "pages_per_second": round(len(log) / seconds, 1),
        "archive_files": len(list((tmp / "archive").glob("*.warc.gz"))),
    }


def scrapy_bench() -> dict[str, Any]:
    """`scrapy bench` outside the project (its settings would throttle it): pages and pages per second."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    scrapy = Path(sys.executable).with_name("scrapy")
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run([str(scrapy), "bench"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    stats = proc.stderr
    count = int(re.search(r"'response_received_count': (\d+)", stats).group(1))  # type: ignore[union-attr]
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", stats).group(1))  # type: ignore[union-attr]
    return {"pages": count, "seconds": round(elapsed, 2), "pages_per_second": round(count / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("REGWATCH_DATA_DIR", tempfile.mkdtemp(prefix="regwatch-bench-data-"))
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp_name:
        tmp = Path(tmp_name)
        build(tmp / "source", args.pages)
        size = (tmp / "source" / "bench.warc.gz").stat().st_size
        with ReplayServer(Recordings(tmp / "source" / "bench.warc.gz")) as server:
            first = crawl_once(server, tmp)
            second = crawl_once(server, tmp)
    bench = scrapy_bench()
    result = {
        "archive": {"pages": args.pages + LIST_PAGES, "warc_bytes": size},
        "first_crawl": first,
        "second_crawl_unchanged": second,
        "scrapy_bench": bench,
        "replay_over_bench": round(first["pages_per_second"] / bench["pages_per_second"], 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
