"""The validation pipeline and the health verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem

from regwatch.domain.models import SourceHealth
from regwatch.scraping.health import HealthExtension, health_of
from regwatch.scraping.pipelines import NoticeValidationPipeline
from spiders.federal_register import FederalRegisterSpider
from tests.helpers.spider_helpers import make_spider

GOOD = {"jurisdiction": "US-LA", "source": "legiscan", "kind": "bill", "title": "Provides relative to kratom",
        "published": "2025-03-28"}  # fmt: skip


def test_pipeline_passes_valid_notices_and_counts_invalid_ones(caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(FederalRegisterSpider)
    pipeline = NoticeValidationPipeline.from_crawler(spider.crawler)
    passed = pipeline.process_item(dict(GOOD))
    assert isinstance(passed, dict) and passed["id"].startswith("legiscan:")
    with pytest.raises(DropItem):
        pipeline.process_item({**GOOD, "jurisdiction": "US-XX"})
    stats = spider.crawler.stats
    assert stats.get_value("regwatch/invalid_items") == 1
    assert stats.get_value("regwatch/jurisdictions") == ["US-LA"]
    assert "jurisdiction" in caplog.text and "US-XX" in caplog.text


def stats(**values: object) -> dict[str, object]:
    base: dict[str, object] = {"downloader/response_count": 3, "regwatch/responses_ok": 3}
    return {**base, **{k.replace("__", "/"): v for k, v in values.items()}}


@pytest.mark.parametrize(
    ("values", "reason", "ok", "message"),
    [
        ({"regwatch__notices": 4, "regwatch__jurisdictions": ["US"]}, "finished", True, "4 notice(s)"),
        ({}, "finished", False, "returned nothing"),
        ({"regwatch__notices": 4}, "shutdown", False, "crawl ended with reason 'shutdown'"),
        ({"regwatch__notices": 4, "regwatch__layout_errors": 1}, "finished", False, "unrecognised layout"),
        ({"regwatch__responses_ok": 0}, "finished", False, "every response was an error"),
        ({"regwatch__notices": 4, "regwatch__invalid_items": 1}, "finished", True, "1 invalid item(s) not written"),
    ],
)
def test_health_verdicts(values: dict[str, object], reason: str, ok: bool, message: str) -> None:
    spider = make_spider(FederalRegisterSpider)
    health = health_of(spider, stats(**values), reason)
    assert health.ok is ok
    assert message in health.message
    assert health.ok is False or health.items > 0


def test_skipped_source_is_not_configured_neither_ok_nor_broken_with_zero_items() -> None:
    spider = make_spider(FederalRegisterSpider)
    spider.skip("congress: not configured: no API key (set REGWATCH_CONGRESS_API_KEY or connection regwatch_congress)")
    health = health_of(spider, {}, "finished")
    assert (health.ok, health.skipped, health.items) == (False, True, 0)


def test_extension_writes_source_health_json(tmp_path: Path) -> None:
    spider = make_spider(FederalRegisterSpider)
    path = tmp_path / "health" / "federal_register.json"
    extension = HealthExtension(spider.crawler, path)
    spider.crawler.stats.set_value("regwatch/notices", 2)
    spider.crawler.stats.set_value("regwatch/responses_ok", 1)
    extension.spider_closed(spider, "finished")
    health = SourceHealth.model_validate(json.loads(path.read_text()))
    assert health == SourceHealth(source="federal_register", ok=True, items=2, message="2 notice(s)")
