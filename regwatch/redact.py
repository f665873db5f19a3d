"""Keeping secrets out of what regwatch writes: URLs, headers, messages and logs.

API keys ride in query parameters (LegiScan `key`, Congress.gov `api_key`) and headers (Open States
X-API-KEY); passwords ride in store and SMTP URLs. Whatever becomes a notice, an archive record, a cached
response, a health message, an alert or a log line passes through one of these functions first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

MASK = "***"
# Query parameters and request headers that carry credentials (LegiScan `key`, Congress.gov `api_key`,
# Open States `apikey` / X-API-KEY, api.data.gov X-Api-Key): never written, ignored when looking up.
SECRET_PARAMS = frozenset({"key", "api_key", "apikey", "access_token", "token"})
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie"})
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


@lru_cache(maxsize=4096)
def strip_secrets(url: str) -> str:
    """`url` without credential query parameters (key, api_key, apikey, token...).

    Cached: every notice of an API page defaults to the page's URL (~20 parameters to parse), 8% of a
    crawl's time (benchmarks/README.md); the result depends on the URL alone.
    """
    parts = urlsplit(url)
    if not parts.query or not _names_a_secret(parts.query):
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k.lower() not in SECRET_PARAMS]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def _names_a_secret(query: str) -> bool:
    """Whether a parameter of `query` is a secret one, its name read as parse_qsl reads it (unquoted).

    Only the names are decoded: every page of an API list has a URL of its own, so the cache above misses
    for archive records, and decoding every value of a Federal Register query (~20 of them) cost more
    than the rest of its record's bookkeeping.
    """
    for pair in query.split("&"):
        name = pair.partition("=")[0]
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if name.lower() in SECRET_PARAMS:
            return True
    return False


def public_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers without credentials."""
    return [(k, v) for k, v in headers if k.lower() not in SECRET_HEADERS]


def redact_url(url: str) -> str:
    """A URL (database, SMTP) with its password replaced by ***, for messages and logs."""
    return _URL_PASSWORD.sub(rf"\1{MASK}@", url)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every one of `secrets` (API keys, passwords) replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """Blanks a secret in every record a handler writes (Scrapy logs request URLs, LegiScan's carry the key)."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, None
        if self.secret in message:
            message = message.replace(self.secret, MASK)
        record.msg, record.args = message, ()
        return True


def hide_in_logs(secret: str) -> None:
    """Install a SecretFilter on every handler of the root logger (where Scrapy's log goes)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SecretFilter) and f.secret == secret for f in handler.filters):
            handler.addFilter(SecretFilter(secret))
