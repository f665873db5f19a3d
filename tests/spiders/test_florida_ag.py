"""Florida Attorney General spider on fixtures written in the shape of the newsroom's Drupal pages (docs/sources.md)."""

from __future__ import annotations

from datetime import date

from regwatch.domain.vocab import NoticeKind
from spiders.florida_ag import FloridaAgSpider
from tests.helpers.spider_helpers import fixture, make_spider, notices, response, split

LIST = "https://www.myfloridalegal.com/newsrelease"
RELEASE = (
    "https://www.myfloridalegal.com/newsrelease/attorney-general-james-uthmeier-issues-emergency-rule-schedule-7-oh"
)


def test_list_follows_the_7oh_release_and_the_next_page() -> None:
    spider = make_spider(FloridaAgSpider)
    _, requests = split(spider.parse(response(fixture("florida_ag", "news_list.html"), LIST), page=1))
    assert [r.url for r in requests] == [RELEASE, f"{LIST}?page=1"]


def test_emergency_rule_release_is_the_rule_in_force_the_day_it_is_issued() -> None:
    spider = make_spider(FloridaAgSpider)
    [notice] = notices(list(spider.parse_detail(response(fixture("florida_ag", "emergency_rule_7oh.html"), RELEASE))))
    assert (notice.jurisdiction, notice.kind, notice.published, notice.identifier) == (
        "US-FL",
        NoticeKind.EMERGENCY_RULE,
        date(2025, 8, 13),
        None,  # the release gives no rule number
    )
    assert notice.title == "Attorney General James Uthmeier Issues Emergency Rule to Schedule 7-OH"
    assert "concentrated above 1% by total weight to Schedule I" in notice.text


def test_florida_emergency_rule_numbers() -> None:
    spider = make_spider(FloridaAgSpider)
    assert spider.identifier_of("Notice of Emergency Rule, Rule No.: 2ER25-1") == "Rule 2ER25-1"
    assert spider.identifier_of("an emergency rule on 7-OH") is None
