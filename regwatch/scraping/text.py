"""Small text helpers shared by the spiders: kratom terms, dates in the shapes sources write, HTML to text."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from scrapy.selector import Selector

# Terms that make a document about kratom: the plant, its alkaloids and the 7-OH products (docs/vocabulary.md).
KRATOM_TERMS = re.compile(
    r"kratom|mitragyn|speciosa|7-?oh\b|7-hydroxy|hydroxymitragynine|pseudoindoxyl|mgm-1[56]",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%m/%d/%Y", "%d %B %Y")
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")


def mentions_kratom(*texts: str | None) -> bool:
    """Whether any of the texts names kratom, its alkaloids or 7-OH."""
    return any(KRATOM_TERMS.search(text) for text in texts if text)


def parse_date(value: str | None) -> date | None:
    """A date from the shapes sources use: ISO dates and timestamps, "July 1, 2026", "07/01/2026".

    Empty strings and LegiScan's "0000-00-00" mean "no date" and give None; so does anything unreadable.
    """
    if not value:
        return None
    if type(value) is str:
        return _read_raw_date(value)
    return _read_date(clean(value))  # not text: clean() names it


@lru_cache(maxsize=4096)
def _read_raw_date(value: str) -> date | None:
    """parse_date of a string as the source wrote it. Cached before clean(), which cost as much as the
    cached reading: the sources repeat their date strings (Open States' action dates)."""
    return _read_date(clean(value))


@lru_cache(maxsize=4096)
def _read_date(text: str) -> date | None:
    """parse_date of whitespace-collapsed text. Cached: the spiders read ~5 dates per notice (an Open States
    bill's actions), most of them days read before; a date is immutable, so a cached one can be shared."""
    if not text or text.startswith("0000-00-00"):
        return None
    iso = _ISO.match(text)
    if iso:
        text = iso.group(1)
        try:  # what strptime("%Y-%m-%d") reads, at a tenth of its cost; an impossible date falls through
            return date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date: no time, no zone)
        except ValueError:
            continue
    return None


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (HTML text nodes keep newlines and indentation).

    str.split() splits on the characters `\\s` matches in a str pattern (both use str.isspace), so this is
    re.sub(r"\\s+", " ", text).strip() at a third of its cost: the spiders call it ~14 times per notice.
    """
    text = text or ""
    if not isinstance(text, str):  # a number or a list where an API promised text
        raise TypeError(f"expected text, got {type(text).__name__} {text!r:.60}")
    return " ".join(text.split())


def html_text(html: str | None) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not html:
        return ""
    return clean(" ".join(Selector(text=f"<div>{html}</div>").xpath("//text()").getall()))


def excerpt(text: str, limit: int = 4000) -> str:
    """Text cut to `limit` characters at a word boundary: notices carry the relevant part, not whole pages."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
