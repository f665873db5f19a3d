"""Helpers for the spider tests: responses built from files, spiders made without a crawl, callbacks run."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from regwatch.domain.models import Notice
from regwatch.scraping.spider import RegwatchSpider

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Retrieval time is a parameter: a fixed clock keeps items comparable across runs.
CLOCK = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
S = TypeVar("S", bound=RegwatchSpider)
ARCHIVE = "regwatch-20260820.warc.gz#<urn:uuid:00000000-0000-0000-0000-000000000001>"


def fixture(spider: str, name: str) -> Path:
    return FIXTURES / spider / name


def response(path: Path, url: str, *, request: Request | None = None, status: int = 200) -> Response:
    """A Scrapy response for `url` whose body is the file at `path` (HTML or JSON by its suffix)."""
    request = request or Request(url)
    request.meta.setdefault("regwatch_archive", ARCHIVE)
    cls = HtmlResponse if path.suffix == ".html" else TextResponse
    return cls(url=url, body=path.read_bytes(), encoding="utf-8", request=request, status=status)


def make_spider(cls: type[S], **kwargs: Any) -> S:
    """A spider bound to a crawler (stats, settings) without running a crawl; the archive writer off."""
    crawler = get_crawler(cls, settings_dict={"REGWATCH_ARCHIVE_ENABLED": False})
    spider = cls.from_crawler(crawler, **kwargs)
    crawler.spider = spider
    crawler.stats.open_spider()
    spider.clock = lambda: CLOCK
    return spider


def split(results: Iterable[Any]) -> tuple[list[dict[str, Any]], list[Request]]:
    """Items and requests a callback produced, apart."""
    items: list[dict[str, Any]] = []
    requests: list[Request] = []
    for result in results:
        (requests if isinstance(result, Request) else items).append(result)
    return items, requests


def notices(items: list[dict[str, Any]]) -> list[Notice]:
    """Each item validated as a Notice (fails the test on the first invalid one)."""
    return [Notice.model_validate(item) for item in items]


def follow(request: Request, path: Path) -> list[Any]:
    """Run a request's callback on a response whose body is the file at `path`."""
    assert request.callback is not None
    return list(request.callback(response(path, request.url, request=request), **request.cb_kwargs))


def first_requests(spider: RegwatchSpider) -> list[Request]:
    """What the spider's async start() yields."""

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect())


def crawl_offline(
    spider: RegwatchSpider, routes: list[tuple[str, Path]], limit: int = 100
) -> tuple[list[dict[str, Any]], list[str]]:
    """Run the spider's callbacks on fixture files instead of the network: each request goes to the first
    route whose pattern is found in its URL; requests without a route are recorded and not answered."""
    queue = first_requests(spider)
    items: list[dict[str, Any]] = []
    asked: list[str] = []
    while queue and len(asked) < limit:
        request = queue.pop(0)
        if request.url in asked and not request.dont_filter:
            continue  # Scrapy's duplicate filter drops a URL already requested
        asked.append(request.url)
        path = next((path for pattern, path in routes if re.search(pattern, request.url)), None)
        if path is None:
            continue
        new_items, new_requests = split(follow(request, path))
        items += new_items
        queue += new_requests
    return items, asked
