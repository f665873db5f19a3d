"""Downloader and spider middlewares: the base_url rewrite, retries that back off and honour Retry-After,
and a count of the responses that reached a callback (for the health file)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

ORIGINAL_URL = "regwatch_original_url"


def check_base_url(value: str) -> str:
    """`http://host:port` with nothing after it, or ValueError naming the value."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"base_url {value!r}: expected scheme and host only, such as http://127.0.0.1:8000")
    if parts.query or parts.fragment:
        raise ValueError(f"base_url {value!r}: expected scheme and host only, without a query or fragment")
    return f"{parts.scheme}://{parts.netloc}"


def rebase(url: str, base_url: str) -> str:
    """`url` with its scheme and host replaced by those of `base_url`; path and query kept."""
    base = urlsplit(base_url)
    parts = urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, parts.fragment))


def with_param(url: str, name: str, value: str) -> str:
    """`url` with query parameter `name` set to `value` (replaced if present, else appended)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode([*query, (name, value)])))


class BaseUrlMiddleware:
    """With `-a base_url=...`, send every request (robots.txt, links, next pages, redirects) to that host.

    Runs first (before robots.txt and offsite) so robots.txt is also fetched from the replacement host.
    The live URL is kept in request.meta["regwatch_original_url"] so notices cite the real source.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BaseUrlMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Request | None:
        base_url = getattr(self.crawler.spider, "base_url", None)
        if not base_url:
            return None
        base_host = urlsplit(base_url).netloc
        parts = urlsplit(request.url)
        # The replay host stands in for the live sites, so Scrapy's offsite filter must let it through;
        # the live URL is checked against the spider's allowed_domains here instead.
        request.meta["allow_offsite"] = True
        if parts.netloc == base_host:
            previous = request.meta.get(ORIGINAL_URL)
            if previous and urlsplit(previous)[2:4] != parts[2:4]:
                # a redirect or relative link on the replacement host: same live host, the new path
                request.meta[ORIGINAL_URL] = rebase(request.url, previous)
            return None
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if allowed and not on_domains(request.url, allowed):
            self.crawler.stats.inc_value("offsite/filtered")
            raise IgnoreRequest(f"refused {request.url}: outside the source's domains ({', '.join(allowed)})")
        return to_base(request, base_url)


class BaseUrlSpiderMiddleware:
    """With `-a base_url=...`, the spider's own requests leave it already sent to that host.

    BaseUrlMiddleware alone rebases a request by returning a new one from the downloader, which Scrapy
    schedules again: every page went through the scheduler (its dupefilter fingerprint included) and the
    downloader middlewares twice, 12% of a replay crawl's CPU (benchmarks/README.md, round 4). Requests are
    rebased here as the spider yields them, as BaseUrlMiddleware would; those it must refuse (outside the
    source's domains) pass on unchanged for it to refuse, and robots.txt and redirects are still its work.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BaseUrlSpiderMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[object]) -> Iterator[object]:
        for output in result:
            yield self._rebased(output)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[object]
    ) -> AsyncIterator[object]:
        async for output in result:
            yield self._rebased(output)

    async def process_start(self, start: AsyncIterator[object]) -> AsyncIterator[object]:
        async for output in start:
            yield self._rebased(output)

    def _rebased(self, output: object) -> object:
        spider = self.crawler.spider
        base_url = getattr(spider, "base_url", None)
        if not base_url or not isinstance(output, Request):
            return output
        if urlsplit(output.url).netloc == urlsplit(base_url).netloc:
            return output
        allowed = getattr(spider, "allowed_domains", None) or []
        if allowed and not on_domains(output.url, allowed):
            return output  # BaseUrlMiddleware refuses it, naming the URL
        return to_base(output, base_url)


def to_base(request: Request, base_url: str) -> Request:
    """`request` sent to the host of `base_url`; its live URL kept in meta, Scrapy's offsite filter told to
    let it through (the live URL is what is checked against the source's domains)."""
    meta = {**request.meta, "allow_offsite": True, ORIGINAL_URL: request.url}
    return request.replace(url=rebase(request.url, base_url), meta=meta)


def on_domains(url: str, domains: list[str]) -> bool:
    """Whether the host of `url` is one of `domains` or a subdomain of one (Scrapy's offsite rule)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith(f".{d}") for d in domains)


def retry_delay(
    response: Response, retry_times: int, *, base: float, cap: float, retry_after_cap: float, now: datetime
) -> float:
    """Seconds to wait before retry number `retry_times`: the server's Retry-After on 429/503, else backoff."""
    if response.status in (429, 503):
        header = response.headers.get(b"Retry-After")
        if header:
            wait = _retry_after_seconds(header.decode("latin-1").strip(), now)
            if wait is not None:
                return min(max(wait, 0.0), retry_after_cap)
    return float(min(base * (2 ** max(retry_times, 0)), cap))


def _retry_after_seconds(value: str, now: datetime) -> float | None:
    """Retry-After is delta-seconds or an HTTP-date (RFC 9110 10.2.3); None when it is neither."""
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - now).total_seconds()


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (2.19 retries at once), waiting first: Retry-After, else exponential backoff."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("REGWATCH_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_cap = settings.getfloat("REGWATCH_RETRY_BACKOFF_MAX", 120.0)
        self.retry_after_cap = settings.getfloat("REGWATCH_RETRY_AFTER_MAX", 600.0)
        self.sleep: Callable[[float], Awaitable[None]] = _sleep
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry_times = request.meta.get("retry_times", 0)
        if retry_times >= request.meta.get("max_retry_times", self.max_retry_times):
            return self._retry(request, response_status_message(response.status)) or response
        wait = retry_delay(
            response,
            retry_times,
            base=self.backoff_base,
            cap=self.backoff_cap,
            retry_after_cap=self.retry_after_cap,
            now=self.clock(),
        )
        logger.info("%s answered %s; retrying in %.1f s", request.url, response.status, wait)
        self.crawler.stats.inc_value("regwatch/retry_wait_seconds", wait)  # type: ignore[arg-type]  # seconds, a float
        await self.sleep(wait)
        return self._retry(request, response_status_message(response.status)) or response


class ResponseCountMiddleware:
    """Counts responses that passed the HTTP error filter, so health can tell "all errors" from "empty"."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseCountMiddleware:
        return cls(crawler)

    def process_spider_input(self, response: Response) -> None:
        self.crawler.stats.inc_value("regwatch/responses_ok")


class ParserErrorMiddleware:
    """A callback that raises on a page it cannot read (a key missing, a value of the wrong type) records a
    layout error naming the page and the error, so health reports the source broken; what the callback
    yielded before the error is kept and the rest of the crawl goes on."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParserErrorMiddleware:
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> list[object] | None:
        spider = self.crawler.spider
        record = getattr(spider, "layout_error", None)
        if record is None:
            return None  # not a regwatch spider: Scrapy logs and counts it
        logger.debug("parser error at %s", response.url, exc_info=exception)
        record(response, f"the parser failed: {type(exception).__name__}: {exception}")
        return []
