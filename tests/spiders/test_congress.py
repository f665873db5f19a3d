"""Congress.gov spider: the official sample outputs (shared data) and the kratom fixture; {count,url} stubs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.middlewares import with_param
from spiders.congress import RECENT, SINCE, CongressSpider, keep_filter, ordinal, stub_count
from tests.helpers.spider_helpers import crawl_offline, first_requests, fixture, make_spider, notices, response, split


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_CONGRESS_API_KEY", "test-key-123456")


def test_recorded_bill_follows_actions_and_summaries_stubs(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "congress_gov"
    spider = make_spider(CongressSpider)
    first_requests(spider)  # start() reads the key
    bill_url = "https://api.congress.gov/v3/bill/117/hr/21?format=json"
    items, requests = split(spider.parse_bill(response(folder / "bill_117_hr_21.json", bill_url)))
    # Only the stubs a notice needs, with count > 0; the key travels as a header, not in the URL.
    assert items == [] and [r.url for r in requests] == [
        "https://api.congress.gov/v3/bill/117/hr/21/actions?format=json&limit=250"
    ]
    assert requests[0].headers[b"X-Api-Key"] == b"test-key-123456"
    routes = [
        ("/actions", folder / "bill_117_hr_21_actions.json"),
        ("/summaries", folder / "bill_117_hr_21_summaries.json"),
        (r"/bill/117/hr/21\?", folder / "bill_117_hr_21.json"),
    ]
    spider.first_requests = lambda: iter([spider.request(bill_url, callback=spider.parse_bill)])  # type: ignore[method-assign]
    found, asked = crawl_offline(spider, routes)
    [notice] = notices(found)
    assert asked[1:] == [
        "https://api.congress.gov/v3/bill/117/hr/21/actions?format=json&limit=250",
        "https://api.congress.gov/v3/bill/117/hr/21/summaries?format=json&limit=250",
    ]
    assert (notice.id, notice.identifier, notice.kind) == (
        "congress:117-hr-21",
        "H.R. 21 (117th Congress)",
        NoticeKind.BILL,
    )
    assert notice.published == date(2021, 1, 4)
    assert notice.url == "https://www.congress.gov/bill/117th-congress/house-bill/21"
    assert len(notice.actions) == 10 and notice.actions[0].date == date(2021, 1, 4)
    assert notice.text.startswith("Federal Risk and Authorization Management Program Authorization Act of 2021")


def test_recorded_bill_list_has_no_kratom_titles(shared_data: Path) -> None:
    spider = make_spider(CongressSpider)
    page = response(shared_data / "congress_gov" / "bill_117.json", RECENT)
    items, requests = split(spider.parse_list(page, page=1))
    # Nothing about kratom; updateDate 2022 is older than the look-back window, so no next page either.
    assert items == [] and requests == []


def test_kratom_bill_from_the_recent_list() -> None:
    spider = make_spider(CongressSpider)
    _, requests = split(spider.parse_list(response(fixture("congress", "bill_list_recent.json"), RECENT), page=1))
    assert [r.url for r in requests] == ["https://api.congress.gov/v3/bill/118/s/3039?format=json"]


def test_empty_stubs_are_not_followed(tmp_path: Path) -> None:
    spider = make_spider(CongressSpider)
    body = (
        fixture("congress", "bill_118_s_3039.json")
        .read_text()
        .replace(
            '"count": 2, "url": "https://api.congress.gov/v3/bill/118/s/3039/actions',
            '"count": 0, "url": "https://api.congress.gov/v3/bill/118/s/3039/actions',
        )
    )
    path = tmp_path / "bill.json"
    path.write_text(body)
    _, requests = split(spider.parse_bill(response(path, "https://api.congress.gov/v3/bill/118/s/3039?format=json")))
    assert [r.url for r in requests] == ["https://api.congress.gov/v3/bill/118/s/3039/summaries?format=json&limit=250"]


@pytest.mark.parametrize(
    ("stub", "count"),
    [({"count": 3, "url": "u"}, 3), ({"count": 0, "url": "u"}, 0), ({"url": "u"}, 0), ([], 0), (None, 0)],
)
def test_stub_count(stub: object, count: int) -> None:
    assert stub_count(stub) == count


@pytest.mark.parametrize(
    ("n", "text"), [(117, "117th"), (121, "121st"), (122, "122nd"), (123, "123rd"), (111, "111th")]
)
def test_ordinal(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_html_error_page_is_a_layout_error() -> None:
    spider = make_spider(CongressSpider)
    page = response(fixture("fda", "site_error.html"), "https://api.congress.gov/v3/bill/118/s/1?format=json")
    assert list(spider.parse_bill(page)) == []
    assert spider.crawler.stats.get_value("regwatch/layout_errors") == 1


def test_a_next_page_keeps_the_change_filter(tmp_path: Path) -> None:
    spider = make_spider(CongressSpider)
    asked = with_param(RECENT, SINCE, "2026-08-01T00:00:00Z")
    page = json.loads(fixture("congress", "bill_list_recent.json").read_text(encoding="utf-8"))
    # As the recorded list pages give it (bill_117.json): offset, limit and format, here without the filter.
    page["pagination"]["next"] = "https://api.congress.gov/v3/bill?offset=250&limit=250&format=json"
    (tmp_path / "list.json").write_text(json.dumps(page), encoding="utf-8")
    _, requests = split(spider.parse_list(response(tmp_path / "list.json", asked), page=1))
    [next_page] = [r for r in requests if r.callback == spider.parse_list]
    assert next_page.url == with_param(page["pagination"]["next"], SINCE, "2026-08-01T00:00:00Z")


def test_keep_filter_leaves_a_next_page_that_has_it() -> None:
    asked = with_param(RECENT, SINCE, "2026-08-01T00:00:00Z")
    carried = "https://api.congress.gov/v3/bill?fromDateTime=2026-08-01T00%3A00%3A00Z&offset=250&format=json"
    assert keep_filter(carried, asked) == carried
    plain = "https://api.congress.gov/v3/bill?offset=250&format=json"
    assert keep_filter(plain, RECENT) == plain  # a full sweep asks for no filter, and its next pages neither
