"""Scrapy crawls measured in-process (one per process: Twisted's reactor cannot restart).

`python -m benchmarks.crawls MODE JSON-ARGS` prints one JSON line:
  replay  the real regwatch spiders (federal_register, openstates, dea, fda) against a replay host
  raw     a spider that fetches the same URLs and parses nothing (what `scrapy bench` measures)
  polite  a crawl of many loopback host names with the project's politeness settings and a delay
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

# Replay and raw crawls alike: loopback answers in microseconds, so politeness (measured on its own by
# the polite crawl) would only measure the delay; both sides get the same concurrency.
THROUGHPUT = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "HTTPCACHE_ENABLED": False,  # the cache is measured by the re-run benchmark
    "LOG_LEVEL": "WARNING",  # the default DEBUG line per response costs as much as a small parse
    "TELNETCONSOLE_ENABLED": False,
}
REAL_SPIDERS = ("federal_register", "openstates", "dea", "fda")


class RawSpider(scrapy.Spider):
    """Fetches a list of URLs and parses nothing."""

    name = "raw"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> None:
        return None


def _total(stats: list[dict[str, Any]], *keys: str) -> int:
    """The sum over the crawlers of the first of `keys` each one's stats hold (0 where none)."""
    return sum(int(next((s[k] for k in keys if k in s), 0)) for s in stats)


def _timed(process: CrawlerProcess, crawlers: list[Crawler]) -> dict[str, Any]:
    """Run the crawlers; wall time from the first spider opening to the last closing."""
    started, cpu = time.perf_counter(), time.process_time()
    process.start()
    total = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu  # the crawl's own CPU: steadier than wall time on a shared machine
    stats = [c.stats.get_stats() for c in crawlers if c.stats is not None]
    opened = min(s["start_time"] for s in stats)
    closed = max(s["finish_time"] for s in stats)
    return {
        "seconds": (closed - opened).total_seconds(),
        "process_seconds": total,
        "cpu_seconds": cpu_seconds,
        "responses": _total(stats, "downloader/response_count"),
        "items": _total(stats, "regwatch/notices", "item_scraped_count"),
        "status_200": _total(stats, "downloader/response_status_count/200"),
        "reasons": sorted({str(s.get("finish_reason")) for s in stats}),
    }


def replay(args: dict[str, Any]) -> dict[str, Any]:
    os.environ.setdefault("REGWATCH_OPENSTATES_API_KEY", "benchmark")  # the replay host ignores it
    settings = get_project_settings()
    settings.setdict(THROUGHPUT, priority="cmdline")
    archive_on = importlib.util.find_spec("regwatch.scraping.warc") is not None
    settings.set("REGWATCH_ARCHIVE_ENABLED", archive_on, priority="cmdline")
    # The whole archive: the crawl caps (50 pages a list, 1,000 a crawl) would stop it after ~290 pages.
    settings.set("REGWATCH_MAX_PAGES", 10**6, priority="cmdline")
    settings.set("CLOSESPIDER_PAGECOUNT", 0, priority="cmdline")
    settings.setdict(args.get("settings", {}), priority="cmdline")  # what-if runs: a setting changed
    out = Path(args["out"])
    settings.set("FEEDS", {str(out / "%(name)s.jsonl"): {"format": "jsonlines", "overwrite": True}}, "cmdline")
    if archive_on:
        settings.set("REGWATCH_ARCHIVE_DIR", str(out / "warc"), priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=False)
    crawlers = []
    for name in REAL_SPIDERS:
        crawler = process.create_crawler(name)
        process.crawl(crawler, base_url=args["base_url"], max_pages=10**6)
        crawlers.append(crawler)
    result = _timed(process, crawlers)
    result["archive_middleware"] = archive_on
    return result


def raw(args: dict[str, Any]) -> dict[str, Any]:
    settings = Settings()
    settings.setdict(THROUGHPUT, priority="cmdline")
    settings.set("ROBOTSTXT_OBEY", True, priority="cmdline")  # the spiders fetch robots.txt too
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(RawSpider)
    process.crawl(crawler, urls=args["urls"])
    return _timed(process, [crawler])


def polite(args: dict[str, Any]) -> dict[str, Any]:
    """The project's own politeness settings (AutoThrottle over a per-domain delay), delay as given."""
    settings = get_project_settings()
    delay = float(args["delay"])
    settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
    # AutoThrottle never goes below DOWNLOAD_DELAY; starting it there skips its warm-up from 2 s.
    settings.set("AUTOTHROTTLE_START_DELAY", delay, priority="cmdline")
    if not args.get("jitter", True):
        settings.set("RANDOMIZE_DOWNLOAD_DELAY", False, priority="cmdline")
    settings.set("HTTPCACHE_ENABLED", False, priority="cmdline")
    settings.set("REGWATCH_ARCHIVE_ENABLED", False, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    settings.set("TELNETCONSOLE_ENABLED", False, priority="cmdline")
    # Settings' own CONCURRENT_REQUESTS (16) would cap 20 domains at 16 at once: one slot per domain.
    settings.set("CONCURRENT_REQUESTS", 2 * len(args["hosts"]), priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(RawSpider)
    process.crawl(crawler, urls=args["urls"])
    return _timed(process, [crawler])


MODES = {"replay": replay, "raw": raw, "polite": polite}

if __name__ == "__main__":
    mode, raw_args = sys.argv[1], sys.argv[2]
    arguments = json.loads(Path(raw_args[1:]).read_text() if raw_args.startswith("@") else raw_args)
    print(json.dumps(MODES[mode](arguments), default=str))
