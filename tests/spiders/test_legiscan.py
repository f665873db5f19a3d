"""LegiScan spider: keyed searchresult, "0000-00-00", change_hash state, ERROR envelopes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from regwatch.scraping.health import health_of
from spiders.legiscan import LegiscanSpider, bill_fields
from tests.helpers.spider_helpers import crawl_offline, fixture, make_spider, notices, response, split

ROUTES = [
    ("op=getSearch", fixture("legiscan", "getSearch_kratom.json")),
    ("id=1900154", fixture("legiscan", "getBill_LA_SB154.json")),
    ("id=1702188", fixture("legiscan", "getBill_KS_HB2188.json")),
]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWATCH_LEGISCAN_API_KEY", "test-key-123456")


def run(state: Path) -> tuple[LegiscanSpider, list[str], list[str]]:
    spider = make_spider(LegiscanSpider, state_file=str(state))
    items, asked = crawl_offline(spider, ROUTES)
    spider.save_state(spider, "finished")
    return spider, [n.id or "" for n in notices(items)], asked


def test_search_result_is_an_object_keyed_by_position(tmp_path: Path) -> None:
    _, ids, asked = run(tmp_path / "state.json")
    assert ids == ["legiscan:1900154", "legiscan:1702188"]
    assert [url.split("&", 1)[1] for url in asked] == [
        "op=getSearch&state=ALL&query=kratom&page=1",
        "op=getBill&id=1900154",
        "op=getBill&id=1702188",
    ]


def test_unchanged_bills_cost_no_getbill_and_are_still_reported(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    run(state)
    stored = json.loads(state.read_text())
    assert stored["1900154"]["change_hash"] == "0b7e1f2c6a9d4e3f8a1b2c3d4e5f6a7b"
    spider, ids, asked = run(state)
    assert [url.split("&", 1)[1] for url in asked] == ["op=getSearch&state=ALL&query=kratom&page=1"]
    assert ids == ["legiscan:1900154", "legiscan:1702188"]
    assert spider.crawler.stats.get_value("regwatch/legiscan_unchanged") == 2


def test_changed_hash_refetches_only_that_bill(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    run(state)
    stored = json.loads(state.read_text())
    stored["1702188"]["change_hash"] = "an-older-hash"
    state.write_text(json.dumps(stored))
    _, _, asked = run(state)
    assert [url.split("&", 1)[1] for url in asked] == [
        "op=getSearch&state=ALL&query=kratom&page=1",
        "op=getBill&id=1702188",
    ]


def test_zero_dates_are_absent() -> None:
    bill = json.loads(fixture("legiscan", "getBill_LA_SB154.json").read_text())["bill"]
    fields = bill_fields(bill)
    assert fields is not None
    assert [a["date"] for a in fields["actions"]] == ["2025-03-28", "2025-06-04"]  # "0000-00-00" left out
    assert (fields["jurisdiction"], fields["published"]) == ("US-LA", "2025-03-28")


def test_error_envelope_is_a_source_failure(tmp_path: Path) -> None:
    spider = make_spider(LegiscanSpider, state_file=str(tmp_path / "state.json"))
    page = response(fixture("legiscan", "error_envelope.json"), "https://api.legiscan.com/?key=x&op=getSearch")
    assert list(spider.parse_search(page)) == []
    assert spider.crawler.stats.get_value("regwatch/source_errors") == 1
    health = health_of(spider, {**spider.crawler.stats.get_stats(), "regwatch/responses_ok": 1}, "finished")
    assert not health.ok and "Invalid API key" in health.message


def test_recorded_getbill_payloads(shared_data: Path) -> None:
    for name in ("legiscan_bill_AK_HB1_2011.json", "legiscan_bill_HB3.json"):
        bill = json.loads((shared_data / "legiscan" / name).read_text())["bill"]
        fields = bill_fields(bill)
        assert fields is not None and fields["jurisdiction"] == "US-AK"
        assert fields["published"] == "2011-01-18"
        assert fields["url"].startswith("http://www.legis.state.ak.us/")


def test_recorded_getsearch_example(shared_data: Path, tmp_path: Path) -> None:
    spider = make_spider(LegiscanSpider, state_file=str(tmp_path / "state.json"))
    path = shared_data / "legiscan" / "legiscan_getSearch_manual_example.json"
    items, requests = split(spider.parse_search(response(path, "https://api.legiscan.com/?op=getSearch&page=1")))
    # one result ("0") beside "summary"; 451 pages in all, so the next page is asked for
    assert items == []
    assert [r.url.split("&", 1)[1] for r in requests] == [
        "op=getBill&id=449621",
        "op=getSearch&state=ALL&query=kratom&page=2",
    ]


def test_recorded_bill_wrapped_in_ok_envelope(shared_data: Path, tmp_path: Path) -> None:
    bill = json.loads((shared_data / "legiscan" / "legiscan_bill_HB3.json").read_text())
    path = tmp_path / "getBill.json"
    path.write_text(json.dumps({"status": "OK", **bill}))
    spider = make_spider(LegiscanSpider, state_file=str(tmp_path / "state.json"))
    [notice] = notices(list(spider.parse_bill(response(path, "https://api.legiscan.com/?op=getBill&id=230086"))))
    assert (notice.id, notice.identifier, notice.published) == (
        "legiscan:230086",
        "HB3 (27th Legislature)",
        date(2011, 1, 18),
    )
