"""The HTTP cache's storage, with credentials left out of what it writes to disk.

Scrapy's FilesystemCacheStorage keeps each request's URL and headers beside the response: LegiScan's
key in the query and the X-API-KEY header of Open States and Congress.gov would sit in data/httpcache.
Lookups are by request fingerprint, so the stored copies can drop them without losing a cache hit.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Response
from scrapy.utils.python import to_bytes

from regwatch.redact import SECRET_HEADERS, strip_secrets


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
