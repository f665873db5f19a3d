"""A paginated JSON API's callback: the next page is asked for before this page's notices are made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request

from spiders.federal_register import FederalRegisterSpider
from spiders.openstates import OpenStatesSpider
from tests.helpers.spider_helpers import fixture, make_spider, response

FR_PAGE1 = fixture("federal_register", "documents_kratom.json")


def test_the_next_page_leaves_before_the_notices_of_this_one() -> None:
    spider = make_spider(FederalRegisterSpider)
    url = FederalRegisterSpider.start_urls[0]
    out = list(spider.parse(response(FR_PAGE1, url)))
    # Asked for first, its download overlaps the making of this page's notices (the pages of a list are
    # read one after another: the crawl's longest path).
    assert isinstance(out[0], Request)
    assert out[0].url == json.loads(FR_PAGE1.read_text())["next_page_url"]
    assert [type(o) for o in out[1:]] == [dict]
    assert out[1]["id"] == "federal_register:2016-24659"


def test_a_page_whose_pager_cannot_be_read_keeps_its_notices(tmp_path: Path) -> None:
    page = json.loads(fixture("openstates", "bills_kratom.json").read_text())
    page["pagination"] = {"page": "one", "max_page": 3}
    path = tmp_path / "bills.json"
    path.write_text(json.dumps(page))
    spider = make_spider(OpenStatesSpider)
    out: list[object] = []
    with pytest.raises(ValueError, match="invalid literal for int"):
        out.extend(spider.parse(response(path, OpenStatesSpider.start_urls[0])))  # noqa: PERF401 (kept up to the error)
    assert [type(o) for o in out] == [dict, dict]  # both bills, then the error for ParserErrorMiddleware
