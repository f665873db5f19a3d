"""Health extension: when a spider closes, write its SourceHealth as JSON to REGWATCH_HEALTH_FILE.

A source is broken (ok=False) when it returned nothing, its layout was not recognised, it reported an
error (an API error envelope), every response was an error, its pages looped or never ended, or the
crawl did not finish normally (also: it reached the cap on requests, CLOSESPIDER_PAGECOUNT).
Zero notices is never ok. A spider without its API key did not run: `not configured`, which is neither ok
(nothing was verified) nor broken (nothing failed): ok=False, skipped=True.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from regwatch.domain.models import SourceHealth
from regwatch.scraping.batch import NOTICES
from regwatch.scraping.pipelines import INVALID, JURISDICTIONS

logger = logging.getLogger(__name__)

LAYOUT_ERRORS = "regwatch/layout_errors"
SOURCE_ERRORS = "regwatch/source_errors"
RESPONSES_OK = "regwatch/responses_ok"
REQUEST_FAILURES = "regwatch/request_failures"
PAGINATION_ERRORS = "regwatch/pagination_errors"


class HealthExtension:
    """Turns the crawl's stats into one SourceHealth record."""

    def __init__(self, crawler: Crawler, path: Path):
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthExtension:
        path = crawler.settings.get("REGWATCH_HEALTH_FILE")
        if not path:
            raise NotConfigured("REGWATCH_HEALTH_FILE is not set")
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        health = health_of(spider, self.crawler.stats.get_stats(), reason)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(health.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
        log = logger.info if health.ok else logger.warning if health.skipped else logger.error
        log("health of %s: ok=%s items=%d %s", health.source, health.ok, health.items, health.message)


def health_of(spider: Spider, stats: dict[str, object], reason: str) -> SourceHealth:
    """The verdict on one crawl from its stats and finish reason."""
    items = _count(stats, NOTICES)  # notices written; Scrapy counts items, one per page
    invalid = _count(stats, INVALID)
    found = stats.get(JURISDICTIONS)
    jurisdictions = [str(code) for code in found] if isinstance(found, list) else []
    problems: list[str] = list(getattr(spider, "problems", []))
    if getattr(spider, "skipped", False) and reason == "finished":
        message = getattr(spider, "skip_reason", "") or f"{spider.name}: not configured; not run"
        return SourceHealth(source=spider.name, ok=False, skipped=True, message=message)
    responses = _count(stats, "downloader/response_count")
    exceptions = _count(stats, "downloader/exception_count")
    responses_ok = _count(stats, RESPONSES_OK)
    if reason != "finished":
        problems.insert(0, _ended(spider, reason))
    failures = _count(stats, REQUEST_FAILURES)
    named = sum(1 for p in problems if p.startswith("request failed at "))
    if failures > named:
        problems.append(f"{failures - named} more failed request(s), named in the crawl log")
    crashed = _count(stats, "spider_exceptions/count")
    if crashed:
        kinds = sorted(
            k.rsplit("/", 1)[1] for k in stats if k.startswith("spider_exceptions/") and k != "spider_exceptions/count"
        )
        problems.append(f"{crashed} page(s) the parser failed on ({', '.join(kinds)}; see the crawl log)")
    if _count(stats, LAYOUT_ERRORS) and not any("layout" in p for p in problems):
        problems.append(f"{stats[LAYOUT_ERRORS]} page(s) with an unrecognised layout")
    if (responses or exceptions) and responses_ok == 0:
        problems.append(f"every response was an error ({responses} responses, {exceptions} download errors)")
    if items == 0:
        problems.append("returned nothing")
    if invalid:
        problems.append(f"{invalid} invalid item(s) not written")
    broken = bool(problems) and not (invalid and len(problems) == 1)
    warnings = list(getattr(spider, "warnings", []))
    message = "; ".join(problems + warnings) if problems else "; ".join([f"{items} notice(s)", *warnings])
    return SourceHealth(
        source=spider.name,
        ok=not broken,
        items=items,
        invalid=invalid,
        pages=responses,
        message=message,
        jurisdictions=jurisdictions,
    )


def _ended(spider: Spider, reason: str) -> str:
    """Why the crawl did not finish, in words; the request cap is named with its setting."""
    if reason == "closespider_pagecount":
        settings = getattr(spider, "settings", None)
        cap = settings.getint("CLOSESPIDER_PAGECOUNT") if settings is not None else 0
        return (
            f"stopped after {cap} responses, the cap on one crawl (CLOSESPIDER_PAGECOUNT): "
            "the source offered far more pages than a run needs"
        )
    return f"crawl ended with reason {reason!r}"


def _count(stats: dict[str, object], key: str) -> int:
    """A counter from the crawl stats; 0 when it was never set."""
    value = stats.get(key)
    return int(value) if isinstance(value, int | float) else 0
