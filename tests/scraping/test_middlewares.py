"""base_url rewriting and retries that wait (Retry-After on 429/503, exponential backoff otherwise)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from regwatch.scraping.middlewares import (
    ORIGINAL_URL,
    BackoffRetryMiddleware,
    BaseUrlMiddleware,
    BaseUrlSpiderMiddleware,
    check_base_url,
    rebase,
    retry_delay,
)
from spiders.dea import DeaSpider
from tests.helpers.spider_helpers import make_spider

NOW = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)


def test_rebase_keeps_path_and_query() -> None:
    assert (
        rebase("https://www.dea.gov/a/b?page=2&x=%20", "http://127.0.0.1:9000")
        == "http://127.0.0.1:9000/a/b?page=2&x=%20"
    )
    assert (
        rebase("https://api.legiscan.com?op=getSearch", "http://127.0.0.1:9000")
        == "http://127.0.0.1:9000/?op=getSearch"
    )


@pytest.mark.parametrize("bad", ["127.0.0.1:8000", "ftp://host", "http://host/path", "http://host?x=1", "http://"])
def test_base_url_must_be_scheme_and_host(bad: str) -> None:
    with pytest.raises(ValueError, match="expected scheme and host only"):
        check_base_url(bad)


def test_spider_rejects_a_bad_base_url() -> None:
    with pytest.raises(ValueError, match="base_url 'localhost:8000'"):
        DeaSpider(base_url="localhost:8000")


def test_requests_redirects_and_robots_go_to_the_base_host() -> None:
    spider = make_spider(DeaSpider, base_url="http://127.0.0.1:9000/")
    middleware = BaseUrlMiddleware(spider.crawler)
    rebased = middleware.process_request(Request("https://www.dea.gov/what-we-do/news/press-releases?page=1"))
    assert isinstance(rebased, Request)
    assert rebased.url == "http://127.0.0.1:9000/what-we-do/news/press-releases?page=1"
    assert rebased.meta[ORIGINAL_URL] == "https://www.dea.gov/what-we-do/news/press-releases?page=1"
    # Already on the base host: left alone (no loop); a redirect there keeps the live host in meta.
    assert middleware.process_request(rebased) is None
    redirected = rebased.replace(url="http://127.0.0.1:9000/press-releases/2016/08/30/x")
    assert middleware.process_request(redirected) is None
    assert redirected.meta[ORIGINAL_URL] == "https://www.dea.gov/press-releases/2016/08/30/x"


def test_without_base_url_nothing_changes() -> None:
    spider = make_spider(DeaSpider)
    assert BaseUrlMiddleware(spider.crawler).process_request(Request("https://www.dea.gov/")) is None
    outputs = [Request("https://www.dea.gov/"), {"title": "a notice"}]
    assert list(BaseUrlSpiderMiddleware(spider.crawler).process_spider_output(LIST, outputs)) == outputs


LIST = Response("http://127.0.0.1:9000/what-we-do/news/press-releases")


def test_spider_requests_leave_the_spider_rebased_and_are_not_scheduled_again() -> None:
    spider = make_spider(DeaSpider, base_url="http://127.0.0.1:9000")
    live = Request("https://www.dea.gov/what-we-do/news/press-releases?page=1", callback=spider.parse, priority=3)
    elsewhere = Request("https://example.com/kratom")
    there = Request("http://127.0.0.1:9000/robots.txt")
    notice = {"title": "a notice"}
    out = list(BaseUrlSpiderMiddleware(spider.crawler).process_spider_output(LIST, [live, notice, elsewhere, there]))
    rebased = out[0]
    assert isinstance(rebased, Request)
    assert (rebased.url, rebased.callback, rebased.priority) == (
        "http://127.0.0.1:9000/what-we-do/news/press-releases?page=1",
        spider.parse,
        3,
    )
    assert rebased.meta == {ORIGINAL_URL: live.url, "allow_offsite": True}
    # Items and requests already on the base host pass as they are; one outside the source's domains too,
    # for the downloader middleware to refuse by name.
    assert out[1:] == [notice, elsewhere, there]
    # What the downloader middleware then gets is sent as it is, not replaced (and so scheduled) again.
    downloader = BaseUrlMiddleware(spider.crawler)
    assert downloader.process_request(rebased) is None
    assert rebased.meta[ORIGINAL_URL] == live.url
    with pytest.raises(IgnoreRequest, match="refused https://example.com/kratom"):
        downloader.process_request(elsewhere)


def test_start_requests_leave_the_spider_rebased() -> None:
    spider = make_spider(DeaSpider, base_url="http://127.0.0.1:9000")

    async def start() -> list[Any]:
        middleware = BaseUrlSpiderMiddleware(spider.crawler)
        return [request async for request in middleware.process_start(spider.start())]

    requests = asyncio.run(start())
    assert requests and all(isinstance(r, Request) for r in requests)
    assert [r.url.split("/", 3)[2] for r in requests] == ["127.0.0.1:9000"] * len(requests)
    assert [r.meta[ORIGINAL_URL].split("/", 3)[2] for r in requests] == ["www.dea.gov"] * len(requests)


def answer(status: int, retry_after: str | None = None) -> Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Response("https://api.example.gov/x", status=status, headers=headers)


@pytest.mark.parametrize(
    ("status", "header", "tries", "wait"),
    [
        (429, "30", 0, 30.0),  # delta-seconds
        (503, "Thu, 20 Aug 2026 12:02:00 GMT", 0, 120.0),  # HTTP-date
        (429, "100000", 0, 600.0),  # capped
        (429, "soon", 1, 4.0),  # unreadable: backoff
        (500, "30", 0, 2.0),  # only 429 and 503 carry a Retry-After we honour
        (502, None, 2, 8.0),  # 2, 4, 8 ...
        (504, None, 10, 120.0),  # ... capped
        (503, "Thu, 20 Aug 2026 11:00:00 GMT", 0, 0.0),  # a date in the past: at once
    ],
)
def test_retry_delay(status: int, header: str | None, tries: int, wait: float) -> None:
    got = retry_delay(answer(status, header), tries, base=2.0, cap=120.0, retry_after_cap=600.0, now=NOW)
    assert got == wait


def test_retry_waits_then_retries_and_gives_up_after_the_limit() -> None:
    spider = make_spider(DeaSpider)
    middleware = BackoffRetryMiddleware.from_crawler(spider.crawler)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    middleware.sleep = sleep
    middleware.clock = lambda: NOW
    request = Request("https://api.example.gov/x")
    retry = asyncio.run(middleware.process_response(request, answer(429, "7")))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1 and retry.dont_filter
    ok = Response("https://api.example.gov/x", status=200)
    assert asyncio.run(middleware.process_response(request, ok)) is ok
    spent = request.replace(meta={"retry_times": middleware.max_retry_times})
    final = answer(503)
    assert asyncio.run(middleware.process_response(spent, final)) is final
    assert slept == [7.0]  # no wait before giving up
