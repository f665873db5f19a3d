"""The spider every source builds on: base_url, API keys and skipping, notice assembly, layout errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import urljoin

import msgspec
import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import JsonResponse, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from regwatch import settings as regwatch_settings
from regwatch.domain.vocab import NoticeKind
from regwatch.redact import hide_in_logs, redact, strip_secrets
from regwatch.scraping.cache import HELD
from regwatch.scraping.health import (
    LAYOUT_ERRORS,
    PAGINATION_ERRORS,
    REQUEST_FAILURES,
    SOURCE_ERRORS,
    health_of,
)
from regwatch.scraping.marks import Mark, load_mark, write_mark
from regwatch.scraping.middlewares import ORIGINAL_URL, check_base_url

ARCHIVE_MIDDLEWARE = "regwatch.scraping.warc.WarcArchiveMiddleware"
# Failed requests named one by one in the health message; beyond this only their number is given.
NAMED_FAILURES = 5
# The server says the page does not exist (a list links a removed release): named in the health message,
# but the source answered as it should, so it is not broken for that; server and network errors are.
GONE = (404, 410)
# request.meta key: which page of its list a list page is (1 for a first request).
PAGE = "regwatch_page"
# Pages of one list when the crawl runs outside Scrapy's settings (regwatch/scraping/settings.py says why).
MAX_PAGES = 50
# JSON bodies read straight from their UTF-8 bytes: a Federal Register page cost ~0.4 ms to decode to text
# (Scrapy guesses the charset of a body that declares none) and parse with the json module, ~0.2 ms here.
_JSON = msgspec.json.Decoder()


class RegwatchSpider(scrapy.Spider):
    """Common behaviour; a source sets `name`, maybe `needs_api_key`, and writes `first_requests`."""

    # Whether the source needs an API key: REGWATCH_<NAME>_API_KEY, or the Airflow connection regwatch_<name>.
    needs_api_key: ClassVar[bool] = False
    # Extra headers on every request (an API's Accept, or its key header, filled in by `headers`).
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base_url = check_base_url(base_url) if base_url else None
        self.api_key: str | None = None
        self.skipped = False
        self.skip_reason = ""
        self.problems: list[str] = []
        self.warnings: list[str] = []  # named in the health message without breaking the source
        self.pages_seen: set[str] = set()  # list pages asked for, canonical: a next page among them is a loop
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        # Between full sweeps (regwatch.scraping.marks): ask only for what changed since `mark.since`.
        self.mark = Mark()
        self.incremental = False
        self.newest: str | None = None  # the newest change date seen this crawl: the next mark

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.propose_mark, signal=signals.spider_closed)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if not settings.getbool("REGWATCH_ARCHIVE_ENABLED", True):
            # Dropped here, not in the middleware, so the crawl runs even where regwatch.scraping.warc is absent.
            middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
            middlewares[ARCHIVE_MIDDLEWARE] = None
            settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        """The first requests; without a needed API key, nothing (the source is not configured, not broken)."""
        if self.needs_api_key:
            self.api_key = regwatch_settings.api_key(self.name)
            if not self.api_key:
                variable = regwatch_settings.api_key_variable(self.name)
                connection = regwatch_settings.api_key_connection(self.name)
                self.skip(f"{self.name}: not configured: no API key (set {variable} or connection {connection})")
                return
            hide_in_logs(self.api_key)
        self.plan_crawl()
        for request in self.first_requests():
            yield request

    def plan_crawl(self) -> None:
        """Full or incremental: incremental when the crawl keeps marks (`marks_enabled`), the source has one,
        and its last full sweep is younger than REGWATCH_FULL_SWEEP_DAYS."""
        settings = getattr(self, "settings", None)
        if settings is None or not marks_enabled(settings) or settings.getbool("REGWATCH_FULL_SWEEP"):
            return
        self.mark = load_mark(self.name)
        self.incremental = not self.mark.sweep_due(self.clock().date(), regwatch_settings.full_sweep_days())
        self.logger.info(
            "%s crawl of %s (mark: since %s, last full sweep %s)",
            "incremental" if self.incremental else "full",
            self.name,
            self.mark.since,
            self.mark.full_sweep,
        )

    def saw(self, changed: object) -> None:
        """Note a change date (ISO, or a timestamp starting with one) the source's filter can be given next time."""
        day = str(changed or "")[:10]
        if len(day) == 10 and day[4] == "-" and (self.newest is None or day > self.newest):
            self.newest = day

    def held(self, request: Request) -> Request:
        """Between full sweeps, answer `request` from the HTTP cache if it holds the page (asked only if not).

        For pages the spider knows unchanged: the pages after an unchanged page of a newest-first list, and
        detail pages already read. Their notices are read again from the cached copy, so the output is the
        same as asking; an edit in place to such a page is found by the next full sweep.
        """
        if self.incremental:
            request.meta[HELD] = True
        return request

    def propose_mark(self, spider: scrapy.Spider, reason: str) -> None:
        """Write the next mark beside the notices, for the crawl step to commit once they are stored.
        Only a healthy crawl proposes one: a crawl that lost pages must ask for them again next time."""
        if not hasattr(self, "settings") or not marks_enabled(self.settings) or self.skipped:
            return
        if not health_of(self, self.crawler.stats.get_stats(), reason).ok:
            return
        full_on = None if self.incremental else self.clock().date()
        write_mark(Path(self.settings["REGWATCH_MARK_FILE"]), self.mark.after(self.newest, full_on=full_on))

    def first_requests(self) -> Iterable[Request]:
        raise NotImplementedError(f"{type(self).__name__} must define first_requests()")

    def skip(self, reason: str) -> None:
        """Log once, clearly, that this source did not run and why."""
        self.skipped = True
        self.skip_reason = reason
        self.logger.warning(reason)

    def request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> Request:
        """A request with the source's headers; links stay live URLs (BaseUrlMiddleware rebases them)."""
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        # Without an errback, a request that fails for good (after retries, a redirect loop, robots.txt)
        # is only logged, and a source that lost pages would still look healthy.
        kwargs.setdefault("errback", self.request_failed)
        return Request(url, callback=callback, headers=headers, **kwargs)

    def first_page(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> Request:
        """The request for page 1 of a paginated list (remembered, so a next page pointing back is a loop)."""
        self.pages_seen.add(canonicalize_url(url))
        return self.request(url, callback, meta={**kwargs.pop("meta", {}), PAGE: 1}, **kwargs)

    def next_page_request(
        self, response: Response, url: str, callback: Callable[..., Any], **kwargs: Any
    ) -> Request | None:
        """The request for the page after `response` in its list, or None with the source marked broken:
        a next page already read is a pagination loop, and a list longer than REGWATCH_MAX_PAGES is a
        pager that never ends (the pages read so far are kept)."""
        page = int(response.meta.get(PAGE, 1))
        here = shorten(self.live_url(response))
        key = canonicalize_url(url)
        if key in self.pages_seen:
            loop = f"pagination loop at {here}: its next page {shorten(url)} was already read"
            self._problem(PAGINATION_ERRORS, loop)
            return None
        limit = self.max_pages_per_list()
        if page >= limit:
            self._problem(
                PAGINATION_ERRORS,
                f"more than {limit} pages in one list (REGWATCH_MAX_PAGES): stopped at {here}, next {shorten(url)}",
            )
            return None
        self.pages_seen.add(key)
        return self.request(url, callback, meta={**kwargs.pop("meta", {}), PAGE: page + 1}, **kwargs)

    def max_pages_per_list(self) -> int:
        settings = getattr(self, "settings", None)
        return settings.getint("REGWATCH_MAX_PAGES", MAX_PAGES) if settings is not None else MAX_PAGES

    def request_failed(self, failure: Failure) -> None:
        """A request that got no usable answer: the source is broken, and the message says where and why."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, HttpError) and error.response.status in GONE:
            url = shorten(str(request.meta.get(ORIGINAL_URL) or request.url))
            self.warnings.append(self.redact(f"gone: {url} (HTTP {error.response.status})"))
            self.logger.warning("page gone: %s (HTTP %s)", url, error.response.status)
            return
        if isinstance(error, HttpError):
            reason = f"HTTP {error.response.status}"
        else:
            reason = f"{type(error).__name__}: {error}".removesuffix(": ")
        self._failed(request, reason)

    def request_dropped(self, request: Request, **kwargs: Any) -> None:
        """A redirect back to a page already asked for (a loop) is dropped by the scheduler, silently."""
        if request.meta.get("redirect_urls"):
            self._failed(request, f"redirect loop (through {len(request.meta['redirect_urls'])} redirect(s))")

    def _failed(self, request: Request, reason: str) -> None:
        url = shorten(str(request.meta.get(ORIGINAL_URL) or request.url))
        self.count(REQUEST_FAILURES)
        failed = sum(1 for p in self.problems if p.startswith("request failed at "))
        if failed < NAMED_FAILURES:
            self._problem(REQUEST_FAILURES, f"request failed at {url}: {reason}", counted=True)
        else:
            self.logger.error("request failed at %s: %s", url, reason)

    def headers(self) -> dict[str, str]:
        return dict(self.default_headers)

    def live_url(self, response: Response) -> str:
        """The URL on the real site, also when the response came from a replay host."""
        return str(response.meta.get(ORIGINAL_URL) or response.url)

    def join(self, response: Response, href: str) -> str:
        """A link on a page, made absolute against the page's live URL."""
        return urljoin(self.live_url(response), href)

    def notice(self, response: Response, *, kind: NoticeKind, **fields: Any) -> dict[str, Any]:
        """A Notice dict: the fields given, plus source, kind, retrieval time and the archived copy."""
        item: dict[str, Any] = {"source": self.name, "kind": kind.value}
        item.update({key: value for key, value in fields.items() if value not in (None, "", [])})
        if "url" not in item:  # the page's own URL; LegiScan's key rides in the query
            item["url"] = strip_secrets(self.live_url(response))
        item["retrieved"] = self.clock().astimezone(UTC).isoformat()
        archive = response.meta.get("regwatch_archive")
        if archive:
            item["archive"] = archive
        return item

    def layout_error(self, response: Response, reason: str) -> None:
        """Record a page that does not look as expected: the source is then reported broken."""
        self._problem(LAYOUT_ERRORS, f"layout not recognised at {self.live_url(response)}: {reason}")

    def source_error(self, response: Response, reason: str) -> None:
        """Record an error the source itself reported (an API error envelope)."""
        self._problem(SOURCE_ERRORS, f"source error at {self.live_url(response)}: {reason}")

    def redact(self, text: str) -> str:
        """`text` without the API key: problems become health messages, alerts and report pages."""
        return redact(text, [self.api_key])

    def _problem(self, stat: str, message: str, *, counted: bool = False) -> None:
        message = self.redact(message)
        self.problems.append(message)
        if not counted:
            self.count(stat)
        self.logger.error(message)

    def count(self, stat: str) -> None:
        """Add one to a crawl statistic (nothing when the spider runs outside a crawler, as in tests)."""
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(stat)

    def load_json(self, response: Response) -> Any:
        """The JSON body, or None after recording a layout error (an HTML error page with status 200).

        A JSON or plain text body whose Content-Type names no charset or UTF-8 (JSON's own, RFC 8259) is
        read from its bytes by msgspec: Scrapy decodes such a body as UTF-8 too when it is valid UTF-8.
        What msgspec refuses (invalid UTF-8, a BOM, a lone surrogate escape, NaN or 1e400, a syntax error),
        a body in another declared charset and HTML or XML (whose charset Scrapy reads from the body) are
        read as before, by the json module from Scrapy's text: the values and errors are the json module's.
        """
        if type(response) in (JsonResponse, TextResponse) and _utf8_or_undeclared(response):
            try:
                return _JSON.decode(response.body)
            except (msgspec.DecodeError, UnicodeDecodeError):
                pass
        try:
            return json.loads(response.text)
        except (ValueError, AttributeError) as exc:
            self.layout_error(response, f"expected JSON, got {response.headers.get('Content-Type')!r} ({exc})")
            return None


def _utf8_or_undeclared(response: Response) -> bool:
    """Whether the Content-Type names no charset, or UTF-8."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    _, _, charset = content_type.partition("charset=")
    return charset.strip().strip('"').split(";")[0].strip() in ("", "utf-8", "utf8")


def marks_enabled(settings: BaseSettings) -> bool:
    """Whether this crawl plans by its source's mark and proposes the next: the crawl step asks for one
    (REGWATCH_MARK_FILE) and it is not a replay of recorded pages (REGWATCH_MARKS_ENABLED)."""
    return bool(settings.get("REGWATCH_MARK_FILE")) and settings.getbool("REGWATCH_MARKS_ENABLED", True)


def shorten(url: str, limit: int = 150) -> str:
    """A URL cut to `limit` characters for messages (API queries run to several hundred); the middle goes,
    so the host and path and the end of the query (where the page number usually is) stay."""
    if len(url) <= limit:
        return url
    tail = limit // 3
    return url[: limit - tail - 1] + "…" + url[-tail:]
