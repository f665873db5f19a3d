"""DEA spider on fixtures written in the shape of dea.gov's selectors (docs/sources.md)."""

from __future__ import annotations

from datetime import date

from regwatch.domain.models import Notice
from regwatch.domain.vocab import NoticeKind
from spiders.dea import DeaSpider
from tests.helpers.spider_helpers import ARCHIVE, CLOCK, fixture, make_spider, notices, response, split

LIST = "https://www.dea.gov/what-we-do/news/press-releases"
RELEASE = "https://www.dea.gov/press-releases/2016/08/30/dea-announces-intent-schedule-kratom"


def test_list_follows_the_kratom_release_and_the_next_page() -> None:
    spider = make_spider(DeaSpider)
    _, requests = split(spider.parse(response(fixture("dea", "press_list.html"), LIST), page=1))
    assert [r.url for r in requests] == [RELEASE, f"{LIST}?page=1"]


def test_release_becomes_a_notice() -> None:
    spider = make_spider(DeaSpider)
    assert notices(list(spider.parse_detail(response(fixture("dea", "press_kratom.html"), RELEASE)))) == [
        Notice(
            jurisdiction="US",
            source="dea",
            kind=NoticeKind.PRESS_RELEASE,
            title="DEA Announces Intent To Schedule Kratom",
            text="WASHINGTON – The Drug Enforcement Administration announced its intent to temporarily place"
            " mitragynine and 7-hydroxymitragynine, the main active constituents of the plant kratom, into"
            " Schedule I of the Controlled Substances Act.",
            url=RELEASE,
            published=date(2016, 8, 30),
            retrieved=CLOCK,
            archive=ARCHIVE,
        )
    ]


def test_page_of_another_template_is_a_layout_error() -> None:
    spider = make_spider(DeaSpider)
    assert list(spider.parse(response(fixture("fda", "site_error.html"), LIST))) == []
    assert list(spider.parse_detail(response(fixture("fda", "site_error.html"), RELEASE))) == []
    assert spider.crawler.stats.get_value("regwatch/layout_errors") == 2
