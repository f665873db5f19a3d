"""CDPH spider on fixtures written in the shape of CDPH's SharePoint release pages (docs/sources.md)."""

from __future__ import annotations

from datetime import date

from regwatch.domain.models import Notice
from regwatch.domain.vocab import NoticeKind
from spiders.cdph import LIST, CdphSpider
from tests.helpers.spider_helpers import ARCHIVE, CLOCK, first_requests, fixture, make_spider, notices, response, split

RELEASE = "https://www.cdph.ca.gov/Programs/OPA/Pages/NR25-024.aspx"


def test_asks_this_years_list_last_years_and_the_known_release() -> None:
    assert [r.url for r in first_requests(make_spider(CdphSpider))] == [
        LIST.format(year=2026),  # the test clock says 2026
        LIST.format(year=2025),
        RELEASE,
    ]


def test_list_follows_only_the_kratom_release() -> None:
    spider = make_spider(CdphSpider)
    _, requests = split(spider.parse(response(fixture("cdph", "news_list_2025.html"), LIST.format(year=2025))))
    assert [r.url for r in requests] == [RELEASE]


def test_release_becomes_a_notice() -> None:
    spider = make_spider(CdphSpider)
    assert notices(list(spider.parse_detail(response(fixture("cdph", "release_kratom.html"), RELEASE)))) == [
        Notice(
            jurisdiction="US-CA",
            source="cdph",
            kind=NoticeKind.PRESS_RELEASE,
            title="CDPH Warns Consumers: Kratom and 7-OH Products Are Illegal to Sell and Can Be Deadly",
            text="What You Need to Know: CDPH is warning consumers that foods and other products containing kratom"
            " and 7-OH are illegal to sell or manufacture and may result in addiction, serious harm, overdose, and"
            " death. SACRAMENTO – The California Department of Public Health warned consumers about products"
            " containing kratom and 7-hydroxymitragynine (7-OH), an opioid product derived from the kratom plant."
            " Los Angeles County has reported six fatal overdoses linked to 7-OH since April 2025. Neither kratom"
            " nor 7-OH may lawfully be marketed as a drug, a dietary supplement or a food additive, and these"
            " products cannot be sold online or in stores in California. CDPH continues to remove products and raw"
            " materials containing kratom or 7-OH from retail and manufacturing sites; once identified during an"
            " investigation, they are embargoed or destroyed.",
            url=RELEASE,
            published=date(2025, 10, 24),
            retrieved=CLOCK,
            archive=ARCHIVE,
        )
    ]


def test_page_of_another_template_is_a_layout_error() -> None:
    spider = make_spider(CdphSpider)
    assert list(spider.parse(response(fixture("fda", "site_error.html"), LIST.format(year=2025)))) == []
    assert list(spider.parse_detail(response(fixture("fda", "site_error.html"), RELEASE))) == []
    assert spider.crawler.stats.get_value("regwatch/layout_errors") == 2
