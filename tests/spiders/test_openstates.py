"""Open States spider: the kratom fixture and the recorded bill-detail excerpts (shared data)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from regwatch.domain.models import Notice, NoticeAction
from regwatch.domain.vocab import NoticeKind
from spiders.openstates import OpenStatesSpider, bill_fields, jurisdiction_code
from tests.helpers.spider_helpers import ARCHIVE, CLOCK, fixture, make_spider, notices, response, split

FIRST = OpenStatesSpider.start_urls[0]


@pytest.mark.parametrize(
    ("ocd", "code"),
    [
        ("ocd-jurisdiction/country:us/state:fl/government", "US-FL"),
        ("ocd-jurisdiction/country:us/district:dc/government", "US-DC"),
        ("ocd-jurisdiction/country:us/territory:pr/government", "US-PR"),
        ("ocd-jurisdiction/country:us/government", None),
    ],
)
def test_jurisdiction_codes(ocd: str, code: str | None) -> None:
    assert jurisdiction_code(ocd) == code


def test_every_recorded_jurisdiction_maps_to_a_valid_code(shared_data: Path) -> None:
    data = json.loads((shared_data / "openstates" / "openstates_v3_jurisdictions_response_2021.json").read_text())
    codes = {jurisdiction_code(j["id"]) for j in data["results"]}
    assert len(codes) == 52 and None not in codes and {"US-DC", "US-PR"} <= codes


def test_kratom_bills_with_timestamp_and_empty_dates() -> None:
    spider = make_spider(OpenStatesSpider)
    items, requests = split(spider.parse(response(fixture("openstates", "bills_kratom.json"), FIRST)))
    rhode_island, washington = notices(items)
    assert rhode_island == Notice(
        id="openstates:6a1f3c52-0d8e-4c1b-9f47-52a1e5c1a001",
        jurisdiction="US-RI",
        source="openstates",
        kind=NoticeKind.BILL,
        title="Rhode Island Kratom Act",
        text='Authorizes and regulates the distribution of the product known as "kratom." Effective April 1, 2026.',
        url="https://openstates.org/ri/bills/2025/H5565/",
        published=date(2025, 2, 12),  # from "2025-02-12T00:00:00+00:00"
        identifier="H 5565 (2025)",
        # the action dated "" is left out, not dated today
        actions=[
            NoticeAction(date=date(2025, 2, 12), description="Introduced, referred to House Judiciary"),
            NoticeAction(date=date(2025, 7, 2), description="Signed by Governor"),
        ],
        retrieved=CLOCK,
        archive=ARCHIVE,
    )
    # first_action_date is "": the first dated action gives the date
    assert (washington.jurisdiction, washington.published) == ("US-WA", date(2026, 1, 19))
    assert requests == []  # max_page 1


def test_next_page_until_max_page() -> None:
    spider = make_spider(OpenStatesSpider)
    data = {"results": [], "pagination": {"per_page": 20, "page": 1, "max_page": 3, "total_items": 45}}
    assert spider.next_page(data, response(fixture("openstates", "bills_kratom.json"), FIRST)) == FIRST.replace(
        "page=1", "page=2"
    )


def test_recorded_detail_excerpts_without_includes(shared_data: Path) -> None:
    data = json.loads((shared_data / "openstates" / "openstates_v3_bill_detail_excerpts_UNATTRIBUTED.json").read_text())
    florida, virginia = (bill_fields(bill) for bill in data["examples"])
    assert florida is not None and virginia is not None
    assert (florida["jurisdiction"], florida["published"], florida["actions"]) == ("US-FL", "2026-01-09", [])
    assert (virginia["jurisdiction"], virginia["identifier"]) == ("US-VA", "SB 192 (2027)")


def test_bill_without_any_date_is_skipped() -> None:
    bill = {"id": "ocd-bill/x", "jurisdiction": {"id": "ocd-jurisdiction/country:us/state:ri/government"},
            "identifier": "H 1", "title": "Kratom", "first_action_date": "", "created_at": ""}  # fmt: skip
    assert bill_fields(bill) is None


def test_api_error_body_is_a_layout_error(tmp_path: Path) -> None:
    path = tmp_path / "error.json"
    path.write_text('{"detail": "invalid API key"}')
    spider = make_spider(OpenStatesSpider)
    assert list(spider.parse(response(path, FIRST))) == []
    assert "invalid API key" in spider.problems[0]
