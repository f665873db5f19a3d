"""Scrapy's log formatter, minus the per-item "Scraped from" record when nobody would see it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.spiders import Spider
from twisted.python.failure import Failure


class QuietItemsLogFormatter(LogFormatter):
    """Drops the DEBUG "Scraped from <page>" message of every item unless LOG_LEVEL is DEBUG.

    Scrapy sets the root logger to DEBUG and filters in its handler by LOG_LEVEL, so each item's record
    (with the item's repr) was built only to be thrown away: ~3% of a crawl (benchmarks/README.md).
    """

    def __init__(self, log_items: bool = True) -> None:
        super().__init__()
        self.log_items = log_items

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietItemsLogFormatter:
        level = crawler.settings.get("LOG_LEVEL", "DEBUG")
        number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(log_items=not isinstance(number, int) or number <= logging.DEBUG)

    # Scrapy documents None as "do not log" (the scraper checks for it); its stubs do not say so.
    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        if not self.log_items:
            return None
        return super().scraped(item, response, spider)
