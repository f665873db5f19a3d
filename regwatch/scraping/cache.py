"""The HTTP cache: its storage, with credentials left out of what it writes to disk, and its policy.

Scrapy's FilesystemCacheStorage keeps each request's URL and headers beside the response: LegiScan's
key in the query and the X-API-KEY header of Open States and Congress.gov would sit in data/httpcache.
Lookups are by request fingerprint, so the stored copies can drop them without losing a cache hit.

The policy is RFC 2616's (revalidate with ETag / If-Modified-Since), with two answers from the cache
without asking: a page the spider marks as held (regwatch.scraping.spider.RegwatchSpider.held: between
full sweeps, the pages after an unchanged newest-first page and detail pages already read), and a
robots.txt younger than a day (RFC 9309 2.4 lets a crawler cache it for up to 24 hours).
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy, rfc1123_to_epoch
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.python import to_bytes

from regwatch.redact import SECRET_HEADERS, strip_secrets

# request.meta key: a cached copy of this page is answer enough (the spider knows the page has not changed).
HELD = "regwatch_held"
# RFC 9309 2.4: "Crawlers SHOULD NOT use the cached version for more than 24 hours".
ROBOTS_MAX_AGE_SECONDS = 24 * 3600


class HeldPagesPolicy(RFC2616Policy):
    """RFC2616Policy that answers held pages, and a robots.txt younger than a day, from the cache."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        # A robots.txt is kept even without validators (most are served without): it is held a day at most.
        if (
            _is_robots(request)
            and response.status == 200
            and b"no-store" not in (response.headers.get(b"Cache-Control") or b"").lower()
        ):
            return True
        return super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if cachedresponse.status == 200 and request.meta.get(HELD):
            return True
        if _is_robots(request) and cachedresponse.status == 200:
            fetched = rfc1123_to_epoch(cachedresponse.headers.get(b"Date"))
            if fetched is not None and 0 <= time.time() - fetched < ROBOTS_MAX_AGE_SECONDS:
                return True
        return super().is_cached_response_fresh(cachedresponse, request)


def _is_robots(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


class SecretFreeCacheStorage(FilesystemCacheStorage):
    """FilesystemCacheStorage that writes URLs without secret parameters and requests without secret headers."""

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        super().store_response(spider, request, response)
        folder = Path(self._get_request_path(spider, request))
        with self._open(folder / "pickled_meta", "rb") as handle:
            metadata = pickle.load(handle)  # noqa: S301 (written just above by Scrapy itself)
        metadata["url"] = strip_secrets(metadata["url"])
        metadata["response_url"] = strip_secrets(metadata["response_url"])
        with self._open(folder / "meta", "wb") as handle:
            handle.write(to_bytes(repr(metadata)))
        with self._open(folder / "pickled_meta", "wb") as handle:
            pickle.dump(metadata, handle, protocol=4)
        kept = [
            name + b": " + value
            for name, values in request.headers.items()
            if name.decode("latin-1").lower() not in SECRET_HEADERS
            for value in values
        ]
        with self._open(folder / "request_headers", "wb") as handle:
            handle.write(b"\r\n".join(kept))
