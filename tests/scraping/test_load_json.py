"""RegwatchSpider.load_json reads JSON from the body's bytes with msgspec where it may; its values and layout
errors must be those of the json module reading Scrapy's decoded text (what it did before)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, JsonResponse, Response, TextResponse

from regwatch.scraping.spider import RegwatchSpider

URL = "https://v3.openstates.org/bills?q=kratom"

# (response class, Content-Type, body): UTF-8 with and without a charset, other charsets, what msgspec
# refuses but the json module reads (a BOM, a lone surrogate escape, NaN, a number beyond a float), and
# bodies that are no JSON at all.
CASES = [
    (JsonResponse, "application/json", '{"title": "Kratom – ley", "n": [1, 2.5, -0, 1E5, 12345678901234567890123]}'),
    (JsonResponse, "application/json; charset=utf-8", '{"a": "\\u00e9\\ud83d\\ude00", "b": null, "c": true}'),
    (JsonResponse, 'application/json; charset="UTF-8"', '{"a": "año"}'),
    (JsonResponse, "application/json; charset=iso-8859-1", '{"a": "naïve"}'),
    (JsonResponse, "application/json; charset=iso-8859-1", '{"a": "caf\u00e9"}'),
    (JsonResponse, "application/json", '{"a": "na\u00efve"}'),  # Latin-1 bytes, no charset: Scrapy guesses one
    (JsonResponse, "application/json", '\ufeff{"a": 1}'),
    (JsonResponse, "application/json", '{"a": "\\ud800"}'),
    (JsonResponse, "application/json", '{"a": NaN, "b": 1e400}'),
    (JsonResponse, "application/json", '{"a": 1, "a": 2}'),
    (JsonResponse, "application/json", '{"a": 1,}'),
    (JsonResponse, "application/json", ""),
    (TextResponse, "text/plain", '[{"a": "b"}]'),
    (HtmlResponse, "text/html", "<html><head><title>Too many requests</title></head></html>"),
    (HtmlResponse, "text/html; charset=utf-8", '{"a": "looks like JSON"}'),
    (Response, "application/octet-stream", '{"a": 1}'),
]


def encoded(content_type: str, body: str) -> bytes:
    """Latin-1 bytes for "naïve" (invalid UTF-8), UTF-8 for the rest (also under a Latin-1 charset)."""
    return body.encode("latin-1" if "naïve" in body else "utf-8")


def response(cls: type[Response], content_type: str, body: str) -> Response:
    return cls(URL, body=encoded(content_type, body), headers={"Content-Type": content_type}, request=Request(URL))


def reference(resp: Response) -> tuple[str, Any]:
    """What load_json did before: the json module on Scrapy's text, or the layout error it recorded."""
    try:
        return "value", json.loads(resp.text)
    except (ValueError, AttributeError) as exc:
        return "error", f"expected JSON, got {resp.headers.get('Content-Type')!r} ({exc})"


def spider() -> RegwatchSpider:
    return RegwatchSpider(name="openstates")


@pytest.mark.parametrize(("cls", "content_type", "body"), CASES)
def test_load_json_reads_what_the_json_module_read(cls: type[Response], content_type: str, body: str) -> None:
    expected_kind, expected = reference(response(cls, content_type, body))
    reader = spider()
    value = reader.load_json(response(cls, content_type, body))
    if expected_kind == "error":
        assert value is None
        assert reader.problems == [f"layout not recognised at {URL}: {expected}"]
    else:
        assert reader.problems == []
        # NaN is not equal to itself: compare the values as the json module writes them.
        assert json.dumps(value) == json.dumps(expected)
        assert type(value) is type(expected)
