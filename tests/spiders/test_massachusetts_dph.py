"""Massachusetts DPH spider on fixtures written in the shape of mass.gov's Mayflower pages (docs/sources.md)."""

from __future__ import annotations

from datetime import date

from regwatch.domain.vocab import NoticeKind
from spiders.massachusetts_dph import MassachusettsDphSpider
from tests.helpers.spider_helpers import fixture, make_spider, notices, response, split

LIST = "https://www.mass.gov/orgs/department-of-public-health/news"
ORDER = "https://www.mass.gov/news/dph-commissioner-orders-temporary-placement-of-kratom-in-schedule-i"


def test_list_follows_the_kratom_order_and_the_next_page() -> None:
    spider = make_spider(MassachusettsDphSpider)
    _, requests = split(spider.parse(response(fixture("massachusetts_dph", "news_list.html"), LIST), page=1))
    assert [r.url for r in requests] == [ORDER, f"{LIST}?page=1"]


def test_temporary_scheduling_order_takes_effect_after_its_notice_period() -> None:
    spider = make_spider(MassachusettsDphSpider)
    [notice] = notices(list(spider.parse_detail(response(fixture("massachusetts_dph", "order_kratom.html"), ORDER))))
    assert (notice.jurisdiction, notice.kind, notice.published, notice.effective) == (
        "US-MA",
        NoticeKind.EMERGENCY_RULE,
        date(2026, 8, 13),  # shown as 8/13/2026
        date(2026, 8, 28),  # c. 94C s. 2A(d): 14 days' notice, the day of publication not counted
    )


def test_an_advisory_is_not_an_order() -> None:
    spider = make_spider(MassachusettsDphSpider)
    assert spider.kind_of("DPH Issues Public Health Advisory on 7-OH Products", "") is NoticeKind.ADVISORY
    assert spider.effective_of(date(2026, 8, 13), "DPH warns consumers about 7-OH products.") is None
