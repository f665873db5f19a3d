"""Downloader middleware that keeps every response a spider receives in the WARC evidence archive.

It sits on the engine side of the HTTP cache (regwatch/scraping/settings.py), so it sees what callbacks see: fresh
downloads, and cached copies after a 304 (those repeat a stored payload and cost no new record). Each
response's request meta gets `regwatch_archive` = "<warc file>#<record id>", which notices carry.
Records name the live URL (the replay host is an implementation detail) with API keys stripped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response

from regwatch.evidence.records import Archive, Capture, new_warc_name
from regwatch.evidence.writer import ArchiveWriter
from regwatch.scraping.middlewares import ORIGINAL_URL
from regwatch.settings import archive_dir

logger = logging.getLogger(__name__)

ARCHIVE_META = "regwatch_archive"


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's multi-valued bytes headers as (name, value) text pairs (Latin-1, as HTTP sends them)."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


class WarcArchiveMiddleware:
    """Writes request/response pairs to `<REGWATCH_ARCHIVE_DIR>/<spider>-<time>-<pid>.warc.gz`."""

    def __init__(self, crawler: Crawler, folder: Path):
        self.crawler = crawler
        self.archive = Archive(folder)
        self.writer: ArchiveWriter | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        if not crawler.settings.getbool("REGWATCH_ARCHIVE_ENABLED", True):
            raise NotConfigured("REGWATCH_ARCHIVE_ENABLED is off")
        folder = crawler.settings.get("REGWATCH_ARCHIVE_DIR") or archive_dir()
        middleware = cls(crawler, Path(folder))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        spider = self.crawler.spider
        if getattr(spider, "base_url", None) and ORIGINAL_URL not in request.meta:
            # Asked of the replay host itself (robots.txt): no live URL to file it under, nothing to keep.
            return response
        try:
            entry = self._writer().write(self.capture(request, response))
        except OSError as exc:
            # A full disk must not stop the crawl: the notices still come, without their archived copy.
            self.crawler.stats.inc_value("regwatch/archive_errors")
            logger.error("could not archive %s: %s", request.url, exc)
            return response
        request.meta[ARCHIVE_META] = entry.ref  # response.meta is this same dict
        self.crawler.stats.inc_value("regwatch/archive_records")
        return response

    def capture(self, request: Request, response: Response) -> Capture:
        """The exchange as the live site would have answered it."""
        return Capture(
            uri=str(request.meta.get(ORIGINAL_URL) or request.url),
            status=response.status,
            headers=header_pairs(response.headers),
            body=response.body,
            date=self.clock(),
            method=request.method,
            request_headers=header_pairs(request.headers),
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.writer is not None:
            self.writer.close()
            stats = self.crawler.stats
            stats.set_value("regwatch/archive_written", self.writer.written)
            stats.set_value("regwatch/archive_repeats", self.writer.skipped)
            logger.info(
                "archive %s: %d new record(s), %d repeat(s) not stored again",
                self.writer.path,
                self.writer.written,
                self.writer.skipped,
            )

    def _writer(self) -> ArchiveWriter:
        """Opened on the first response, so a skipped spider leaves no empty WARC behind."""
        if self.writer is None:
            spider = self.crawler.spider
            name = new_warc_name(spider.name if spider else "crawl", self.clock())
            software = f"regwatch/{spider.name if spider else ''} (Scrapy)"
            self.writer = ArchiveWriter.create(self.archive, name, software=software)
        return self.writer
