"""Wikipedia spider: section lookup, one notice per country block, revid in the notice id."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from spiders.wikipedia import WikipediaSpider, country_blocks
from tests.helpers.spider_helpers import fixture, make_spider, notices, response, split

API = "https://en.wikipedia.org/w/api.php"


def test_sections_lead_to_the_legal_status_section_at_the_same_revision() -> None:
    spider = make_spider(WikipediaSpider)
    _, [request] = split(spider.parse(response(fixture("wikipedia", "sections.json"), f"{API}?action=parse")))
    assert request.url == (
        f"{API}?action=parse&format=json&formatversion=2&oldid=1300000001&section=3&prop=text%7Crevid"
    )


def test_country_blocks_use_sub_headings_and_first_named_country() -> None:
    page = json.loads(fixture("wikipedia", "section_legal_status.json").read_text())
    blocks = country_blocks(page["parse"]["text"])
    assert [code for code, _ in blocks] == ["AU", "GB", "MY", "DK", "TH", "US"]
    thailand = dict(blocks)["TH"]
    assert thailand.startswith("Kratom was removed from the list of narcotics")
    assert "[1]" not in dict(blocks)["AU"] and "edit" not in thailand  # footnotes and edit links dropped


def test_us_state_named_georgia_stays_in_the_us() -> None:
    html = "<h2>Legal status</h2><p>In the United States, Georgia and Utah regulate kratom sales to adults.</p>"
    assert [code for code, _ in country_blocks(html)] == ["US"]


def test_revision_gives_published_date_and_ids_carry_revid() -> None:
    spider = make_spider(WikipediaSpider)
    section_page = response(fixture("wikipedia", "section_legal_status.json"), f"{API}?action=parse&section=3")
    _, [request] = split(
        spider.parse_section_page(section_page, section={"line": "Legal status", "anchor": "Legal_status"})
    )
    assert request.callback is not None
    found = notices(
        list(request.callback(response(fixture("wikipedia", "revision.json"), request.url), **request.cb_kwargs))
    )
    assert [n.id for n in found][:2] == ["wikipedia:1300000001:AU", "wikipedia:1300000001:GB"]
    assert {n.published for n in found} == {date(2026, 7, 15)}
    assert found[0].url == "https://en.wikipedia.org/w/index.php?title=Mitragyna_speciosa&oldid=1300000001#Legal_status"
    assert found[0].title == "Legal status of kratom in Australia (Wikipedia)"


def test_article_without_the_section_is_a_layout_error(tmp_path: Path) -> None:
    path = tmp_path / "sections.json"
    path.write_text(
        '{"parse": {"title": "Mitragyna speciosa", "revid": 5, "sections": [{"line": "Uses", "index": "1"}]}}'
    )
    spider = make_spider(WikipediaSpider)
    assert list(spider.parse(response(path, API))) == []
    assert "no section heading matches" in spider.problems[0]


def test_api_error_is_a_layout_error(tmp_path: Path) -> None:
    path = tmp_path / "error.json"
    path.write_text('{"error": {"code": "missingtitle", "info": "The page you specified doesn\'t exist."}}')
    spider = make_spider(WikipediaSpider)
    assert list(spider.parse(response(path, API))) == []
    assert "doesn't exist" in spider.problems[0]
