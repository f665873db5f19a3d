"""FDA spider on fixtures written in the shape of fda.gov's selectors (docs/sources.md): topic page, press
list/detail, import alert."""

from __future__ import annotations

from datetime import date

from regwatch.domain.vocab import NoticeKind
from spiders.fda import IMPORT_ALERT, PRESS_LIST, TOPIC_PAGE, FdaSpider
from tests.helpers.spider_helpers import fixture, make_spider, notices, response, split

RELEASE = "https://www.fda.gov/news-events/press-announcements/fda-takes-steps-restrict-7-oh-opioid-products-threatening-american-consumers"


def test_topic_page_date_is_the_shown_eastern_date() -> None:
    spider = make_spider(FdaSpider)
    [notice] = notices(list(spider.parse_topic(response(fixture("fda", "fda_and_kratom.html"), TOPIC_PAGE))))
    assert (notice.kind, notice.title, notice.url) == (NoticeKind.ADVISORY, "FDA and Kratom", TOPIC_PAGE)
    # datetime="2025-07-30T01:15:00Z" is UTC; the page shows 07/29/2025 (US Eastern).
    assert notice.published == date(2025, 7, 29)
    assert "Import Alert 54-15" in notice.text


def test_list_follows_only_kratom_items_and_the_next_page() -> None:
    spider = make_spider(FdaSpider)
    _, requests = split(spider.parse(response(fixture("fda", "press_list.html"), PRESS_LIST), page=1))
    assert [r.url for r in requests] == [RELEASE, f"{PRESS_LIST}?page=1"]
    _, last = split(spider.parse(response(fixture("fda", "press_list.html"), PRESS_LIST), page=spider.max_pages))
    assert [r.url for r in last] == [RELEASE]


def test_press_announcement_about_7oh() -> None:
    spider = make_spider(FdaSpider)
    [notice] = notices(list(spider.parse_detail(response(fixture("fda", "press_7oh.html"), RELEASE))))
    assert notice.kind is NoticeKind.PRESS_RELEASE
    assert notice.published == date(2025, 7, 29)
    assert notice.title == "FDA Takes Steps to Restrict 7-OH Opioid Products Threatening American Consumers"
    assert notice.text.startswith("Today, the U.S. Food and Drug Administration recommended")


def test_announcement_not_about_kratom_gives_nothing() -> None:
    spider = make_spider(FdaSpider)
    page = response(fixture("fda", "press_unrelated.html"), "https://www.fda.gov/news-events/press-announcements/x")
    assert list(spider.parse_detail(page)) == []
    assert spider.problems == []


def test_site_error_page_with_status_200_is_a_layout_error() -> None:
    spider = make_spider(FdaSpider)
    page = response(fixture("fda", "site_error.html"), RELEASE, status=200)
    assert list(spider.parse_detail(page)) == []
    assert list(spider.parse(response(fixture("fda", "site_error.html"), PRESS_LIST))) == []
    assert spider.crawler.stats.get_value("regwatch/layout_errors") == 2
    assert "FDA Internet Site Error" in spider.problems[0] and RELEASE in spider.problems[0]


def test_import_alert_54_15() -> None:
    spider = make_spider(FdaSpider)
    [notice] = notices(
        list(spider.parse_import_alert(response(fixture("fda", "import_alert_54_15.html"), IMPORT_ALERT)))
    )
    assert (notice.kind, notice.identifier, notice.published) == (
        NoticeKind.IMPORT_ALERT,
        "Import Alert 54-15",
        date(2021, 4, 8),
    )
    assert "Kratom" in notice.title


def test_import_alert_page_without_its_number_is_a_layout_error() -> None:
    spider = make_spider(FdaSpider)
    assert list(spider.parse_import_alert(response(fixture("fda", "press_unrelated.html"), IMPORT_ALERT))) == []
    assert spider.crawler.stats.get_value("regwatch/layout_errors") == 1
