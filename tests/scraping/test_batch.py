"""One item per page: the batching middleware, the batch through validation, and the JSON lines written."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem
from scrapy.exporters import JsonLinesItemExporter
from scrapy.http import Response

from regwatch.domain.models import Notice
from regwatch.scraping.batch import NOTICES, NoticeBatch, NoticeBatchMiddleware, NoticeLines, NoticeLinesExporter
from regwatch.scraping.health import health_of
from regwatch.scraping.pipelines import NoticeValidationPipeline
from spiders.federal_register import FederalRegisterSpider
from tests.helpers.spider_helpers import make_spider

GOOD = {"jurisdiction": "US-LA", "source": "legiscan", "kind": "bill", "title": "Provides relative to kratom",
        "published": "2025-03-28"}  # fmt: skip
RESPONSE = Response("https://example.org/page")
NEXT = Request("https://example.org/page?page=2")


def callback(fail: bool = False) -> Iterator[Any]:
    yield {"n": 1}
    yield NEXT
    yield {"n": 2}
    if fail:
        raise KeyError("results")
    yield {"n": 3}


async def acallback(fail: bool = False) -> AsyncIterator[Any]:
    for output in callback(fail):
        yield output


async def collect(result: AsyncIterator[Any]) -> list[Any]:
    return [output async for output in result]


def test_requests_pass_at_once_and_notices_leave_as_one_batch_in_order() -> None:
    middleware = NoticeBatchMiddleware()
    expected = [NEXT, NoticeBatch([{"n": 1}, {"n": 2}, {"n": 3}])]
    assert list(middleware.process_spider_output(RESPONSE, callback())) == expected
    assert asyncio.run(collect(middleware.process_spider_output_async(RESPONSE, acallback()))) == expected


def test_a_failing_callback_keeps_what_it_yielded_before_the_error() -> None:
    middleware = NoticeBatchMiddleware()
    seen: list[Any] = []
    with pytest.raises(KeyError):
        seen.extend(middleware.process_spider_output(RESPONSE, callback(fail=True)))
    assert seen == [NEXT, NoticeBatch([{"n": 1}, {"n": 2}])]

    async def run() -> list[Any]:
        got: list[Any] = []
        with pytest.raises(KeyError):
            async for output in middleware.process_spider_output_async(RESPONSE, acallback(fail=True)):
                got.append(output)  # noqa: PERF401  (a comprehension would lose what came before the error)
        return got

    assert asyncio.run(run()) == [NEXT, NoticeBatch([{"n": 1}, {"n": 2}])]


def test_a_page_without_notices_yields_no_batch() -> None:
    assert list(NoticeBatchMiddleware().process_spider_output(RESPONSE, iter([NEXT]))) == [NEXT]


def test_lines_are_those_of_scrapys_json_lines_exporter() -> None:
    rows = [
        {"title": "กระท่อม “kratom” – ban", "n": 1, "tags": ["a", "é"], "nested": {"x": None, "y": 1.5}},
        {"title": 'quote " and \\ backslash', "empty": [], "flag": True},
    ]
    theirs, ours, single = io.BytesIO(), io.BytesIO(), io.BytesIO()
    scrapy_exporter = JsonLinesItemExporter(theirs, encoding="utf-8")
    for row in rows:
        scrapy_exporter.export_item(row)
    NoticeLinesExporter(ours, encoding="utf-8").export_item(NoticeBatch(rows))
    exporter = NoticeLinesExporter(single, encoding="utf-8")
    for row in rows:
        exporter.export_item(row)  # a plain item: one line
    assert ours.getvalue() == theirs.getvalue() == single.getvalue()
    assert ours.getvalue().count(b"\n") == 2


# Notices as spiders yield them, with what JSON writers may disagree on: non-ASCII, quotes and backslashes,
# control characters an XML-safe text may keep (tab, newline), U+2028, a retrieval time with a zone.
NOTICES_TO_WRITE: list[dict[str, Any]] = [
    {**GOOD, "title": "กระท่อม “kratom” – 'ban' \\ \"quoted\"", "text": "a\tb\nc\r\u2028d\u00e9\U0001f600",
     "retrieved": "2026-11-28T19:01:27.123456+00:00", "archive": "openstates-1.warc.gz#<urn:uuid:1>",
     "actions": [{"date": "2025-03-28", "description": "Signed by Governor"}], "effective": "2025-08-01"},
    {**GOOD, "source": "federal_register", "jurisdiction": "US", "kind": "notice", "url": "https://x.gov/a?b=1&c=%20",
     "retrieved": "2026-11-28T14:01:27-05:00", "identifier": "FR Doc. 2026-01234"},
]  # fmt: skip


def test_validated_lines_parse_to_what_scrapys_exporter_wrote_of_the_models_dump() -> None:
    """The pipeline's lines carry the same values, in the same key order, as the dicts it passed on before
    (`model_dump(mode="json", exclude_none=True)`, written by Scrapy's JSON Lines exporter)."""
    pipeline = NoticeValidationPipeline.from_crawler(make_spider(FederalRegisterSpider).crawler)
    batch = pipeline.process_item(NoticeBatch([dict(n) for n in NOTICES_TO_WRITE]))
    assert isinstance(batch, NoticeLines)
    before = io.BytesIO()
    scrapy_exporter = JsonLinesItemExporter(before, encoding="utf-8")
    for notice in NOTICES_TO_WRITE:
        scrapy_exporter.export_item(Notice.model_validate(notice).model_dump(mode="json", exclude_none=True))
    ours = io.BytesIO()
    NoticeLinesExporter(ours, encoding="utf-8").export_item(batch)
    assert ours.getvalue() == batch.lines
    theirs = [json.loads(line) for line in before.getvalue().splitlines()]
    mine = [json.loads(line) for line in batch.lines.splitlines()]
    assert [list(row.items()) for row in mine] == [list(row.items()) for row in theirs]
    assert "\u2028" in mine[0]["text"] and mine[0]["retrieved"] == "2026-11-28T19:01:27.123456Z"
    # Without FEED_EXPORT_ENCODING (ASCII escapes) the rows go through the exporter's own encoder, as Scrapy's.
    ascii_scrapy, ascii_ours = io.BytesIO(), io.BytesIO()
    for row in theirs:
        JsonLinesItemExporter(ascii_scrapy, encoding=None).export_item(row)
    NoticeLinesExporter(ascii_ours, encoding=None).export_item(batch)
    assert ascii_ours.getvalue() == ascii_scrapy.getvalue()


def test_pipeline_validates_a_batch_notice_by_notice() -> None:
    spider = make_spider(FederalRegisterSpider)
    pipeline = NoticeValidationPipeline.from_crawler(spider.crawler)
    bad = {**GOOD, "jurisdiction": "US-XX"}
    other = {**GOOD, "title": "Another kratom bill"}
    batch = pipeline.process_item(NoticeBatch([dict(GOOD), bad, other]))
    assert isinstance(batch, NoticeLines)
    rows = [json.loads(line) for line in batch.lines.splitlines()]
    assert [row["title"] for row in rows] == [GOOD["title"], other["title"]]
    assert all(row["id"].startswith("legiscan:") for row in rows)
    assert batch.count == 2
    with pytest.raises(DropItem):
        pipeline.process_item(NoticeBatch([bad]))
    stats = spider.crawler.stats
    assert (stats.get_value(NOTICES), stats.get_value("regwatch/invalid_items")) == (2, 2)
    # Health counts notices written, not Scrapy's items (one per page).
    stats.set_value("item_scraped_count", 1)
    stats.set_value("regwatch/responses_ok", 1)
    health = health_of(spider, stats.get_stats(), "finished")
    assert health.items == 2
