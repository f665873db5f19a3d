"""Incremental crawling, piece by piece: marks and when a full sweep is due, the change filters each API is
asked with between sweeps, pages held in the HTTP cache, and the cache policy that answers them."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings

from regwatch import settings
from regwatch.scraping.cache import HELD, HeldPagesPolicy
from regwatch.scraping.marks import Mark, commit_mark, load_mark, mark_file, write_mark
from spiders.congress import RECENT, CongressSpider, congress_on
from spiders.congress import SINCE as CONGRESS_SINCE
from spiders.dea import DeaSpider
from spiders.federal_register import SINCE as FR_SINCE
from spiders.federal_register import FederalRegisterSpider
from spiders.openstates import SINCE as OS_SINCE
from spiders.openstates import OpenStatesSpider

MONDAY = date(2026, 11, 2)


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


@pytest.mark.parametrize(
    ("mark", "today", "every", "due"),
    [
        (Mark(), MONDAY, 7, True),  # never swept: the first crawl is full
        (Mark(since="2026-10-30", full_sweep="2026-10-27"), MONDAY, 7, False),  # 6 days ago
        (Mark(since="2026-10-30", full_sweep="2026-10-26"), MONDAY, 7, True),  # a week ago
        (Mark(since="2026-10-30", full_sweep="2026-11-02"), MONDAY, 0, True),  # 0: every crawl is full
        (Mark(since="2026-10-30", full_sweep="2026-10-20"), MONDAY, 30, False),  # a monthly sweep
    ],
)
def test_a_full_sweep_is_due_weekly_by_default(mark: Mark, today: date, every: int, due: bool) -> None:
    assert mark.sweep_due(today, every) is due


def test_the_sweep_interval_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.full_sweep_days() == 7
    monkeypatch.setenv("REGWATCH_FULL_SWEEP_DAYS", "3")
    assert settings.full_sweep_days() == 3
    monkeypatch.setenv("REGWATCH_FULL_SWEEP_DAYS", "weekly")
    with pytest.raises(ValueError, match="REGWATCH_FULL_SWEEP_DAYS='weekly': expected a whole number"):
        settings.full_sweep_days()


def test_a_mark_only_moves_forward_and_a_full_crawl_dates_the_sweep() -> None:
    mark = Mark(since="2026-10-30", full_sweep="2026-10-27")
    assert mark.after("2026-11-01", full_on=None) == Mark(since="2026-11-01", full_sweep="2026-10-27")
    assert mark.after("2026-10-01", full_on=MONDAY) == Mark(since="2026-10-30", full_sweep="2026-11-02")
    assert Mark().after(None, full_on=MONDAY) == Mark(since=None, full_sweep="2026-11-02")


def test_commit_consumes_the_proposal_and_ignores_a_missing_one(tmp_path: Path) -> None:
    proposal = tmp_path / "work" / "openstates.mark.json"
    assert commit_mark("openstates", proposal) is None  # the crawl proposed none: the mark stays
    assert load_mark("openstates") == Mark()
    write_mark(proposal, Mark(since="2026-10-30", full_sweep="2026-10-27"))
    assert commit_mark("openstates", proposal) == Mark(since="2026-10-30", full_sweep="2026-10-27")
    assert not proposal.exists()
    assert load_mark("openstates") == Mark(since="2026-10-30", full_sweep="2026-10-27")
    mark_file("openstates").write_text("{not json", encoding="utf-8")
    assert load_mark("openstates") == Mark()  # unreadable: the next crawl is full


def incremental(
    spider: FederalRegisterSpider | OpenStatesSpider | DeaSpider | CongressSpider, since: str | None
) -> None:
    spider.incremental = True
    spider.mark = Mark(since=since, full_sweep="2026-10-27")


def test_federal_register_asks_for_documents_published_since_the_mark() -> None:
    spider = FederalRegisterSpider()
    assert [r.url for r in spider.first_requests()] == FederalRegisterSpider.start_urls  # full: as always

    spider = FederalRegisterSpider()
    incremental(spider, "2026-10-30")
    documents, *desk = [r.url for r in spider.first_requests()]
    assert query(documents) == [*query(FederalRegisterSpider.start_urls[0]), (FR_SINCE, "2026-10-30")]
    assert FR_SINCE == "conditions[publication_date][gte]"
    assert desk == FederalRegisterSpider.start_urls[1:]  # the desk is whole every run


def test_open_states_asks_for_bills_updated_since_the_mark() -> None:
    spider = OpenStatesSpider()
    incremental(spider, "2026-10-30")
    (bills,) = [r.url for r in spider.first_requests()]
    assert query(bills) == [*query(OpenStatesSpider.start_urls[0]), (OS_SINCE, "2026-10-30")]
    assert OS_SINCE == "updated_since"
    spider = OpenStatesSpider()
    assert [r.url for r in spider.first_requests()] == OpenStatesSpider.start_urls


def test_the_mark_is_the_newest_change_date_seen() -> None:
    spider = OpenStatesSpider()
    for seen in ("2026-10-02T00:00:00+00:00", "", None, "2026-10-30T17:52:32.911374+00:00", "2026-10-29"):
        spider.saw(seen)
    assert spider.newest == "2026-10-30"


LIST = b"""<html><head><title>Press Releases | DEA</title></head><body>
<h3 class="teaser__heading"><a href="/press-releases/2026/07/01/kratom">DEA moves to schedule 7-OH (kratom)</a></h3>
<h3 class="teaser__heading"><a href="/press-releases/2026/07/01/other">DEA seizes fentanyl</a></h3>
<ul><li class="pager__item pager__item--next"><a href="?page=1">Next</a></li></ul></body></html>"""


def list_page(*flags: str) -> HtmlResponse:
    url = DeaSpider.list_urls[0]
    return HtmlResponse(url, body=LIST, encoding="utf-8", request=Request(url), flags=list(flags))


@pytest.mark.parametrize(
    ("is_incremental", "flags", "detail_held", "next_held"),
    [
        (False, ["cached"], False, False),  # a full sweep asks everything again
        (True, [], True, False),  # the list changed: its next page is asked; a detail read before is held
        (True, ["cached"], True, True),  # unchanged: newest first, so the pages after it are unchanged too
    ],
)
def test_an_unchanged_list_page_holds_the_pages_after_it(
    is_incremental: bool, flags: list[str], detail_held: bool, next_held: bool
) -> None:
    spider = DeaSpider()
    if is_incremental:
        incremental(spider, None)
    detail, following = list(spider.parse(list_page(*flags), page=1))
    assert detail.url == "https://www.dea.gov/press-releases/2026/07/01/kratom"
    assert following.url == "https://www.dea.gov/what-we-do/news/press-releases?page=1"
    assert (bool(detail.meta.get(HELD)), bool(following.meta.get(HELD))) == (detail_held, next_held)


def cached(url: str, *, age: float, headers: dict[str, str] | None = None) -> Response:
    stamp = formatdate(time.time() - age, usegmt=True)
    return Response(url, status=200, headers={"Date": stamp, **(headers or {})})


def test_the_policy_answers_held_pages_and_a_young_robots_txt_from_the_cache() -> None:
    policy = HeldPagesPolicy(Settings())
    page = "https://www.dea.gov/what-we-do/news/press-releases?page=1"
    revalidate = {"Cache-Control": "max-age=0", "ETag": '"a"'}
    assert not policy.is_cached_response_fresh(cached(page, age=60, headers=revalidate), Request(page))
    held = Request(page, meta={HELD: True})
    assert policy.is_cached_response_fresh(cached(page, age=60, headers=revalidate), held)
    robots = Request("https://www.dea.gov/robots.txt")
    assert policy.should_cache_response(Response(robots.url, status=200), robots)  # kept without validators
    assert policy.is_cached_response_fresh(cached(robots.url, age=3600), robots)
    assert not policy.is_cached_response_fresh(cached(robots.url, age=25 * 3600), robots)  # RFC 9309: a day
    assert not policy.should_cache_response(
        Response(robots.url, status=200, headers={"Cache-Control": "no-store"}), robots
    )


def test_congress_asks_for_bills_updated_since_the_mark_and_holds_ended_congresses() -> None:
    spider = CongressSpider()
    spider.clock = lambda: datetime(2026, 11, 2, tzinfo=UTC)  # the 119th Congress
    full = list(spider.first_requests())
    assert full[-1].url == RECENT and not any(r.meta.get(HELD) for r in full)  # a full sweep asks everything

    spider = CongressSpider()
    spider.clock = lambda: datetime(2026, 11, 2, tzinfo=UTC)
    incremental(spider, "2026-10-30")
    *watched, recent = list(spider.first_requests())
    assert query(recent.url) == [*query(RECENT), (CONGRESS_SINCE, "2026-10-30T00:00:00Z")]
    assert CONGRESS_SINCE == "fromDateTime"
    # The watch list's bills are of the 117th and 118th Congresses: ended, so read from the cache.
    assert [r.meta.get(HELD) for r in watched] == [True] * len(watched) == [True] * 3


def test_congress_holds_the_collections_of_a_held_bill_only(shared_data: Path) -> None:
    folder = shared_data / "congress_gov"
    url = "https://api.congress.gov/v3/bill/117/hr/21?format=json"
    body = (folder / "bill_117_hr_21.json").read_bytes()
    for held in (True, False):
        spider = CongressSpider()
        incremental(spider, "2026-10-30")
        request = Request(url, meta={HELD: True} if held else {})
        [collection] = list(spider.parse_bill(TextResponse(url, body=body, encoding="utf-8", request=request)))
        assert collection.url.endswith("/actions?format=json&limit=250")
        assert bool(collection.meta.get(HELD)) is held


@pytest.mark.parametrize(
    ("day", "congress"),
    [(date(2026, 11, 2), 119), (date(2025, 1, 3), 119), (date(2025, 1, 2), 118), (date(2024, 12, 31), 118),
     (date(1789, 3, 4), 1)],
)  # fmt: skip
def test_the_congress_sitting_on_a_day(day: date, congress: int) -> None:
    assert congress_on(day) == congress


def test_congress_marks_the_newest_update_it_listed() -> None:
    spider = CongressSpider()
    spider.clock = lambda: datetime(2026, 11, 2, tzinfo=UTC)
    page = b'{"bills": [{"updateDate": "2026-10-31", "title": "An act", "url": "x"}, {"updateDate": "2026-11-01T10:00:00Z", "title": "Another act", "url": "y"}], "pagination": {}}'  # noqa: E501
    list(spider.parse_list(TextResponse(RECENT, body=page, encoding="utf-8", request=Request(RECENT)), page=1))
    assert spider.newest == "2026-11-01"
