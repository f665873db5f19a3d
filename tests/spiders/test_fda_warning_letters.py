"""FDA warning-letters spider on fixtures written in the shape of fda.gov's DataTables JSON and letter pages
(docs/sources.md)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from regwatch.domain.models import Notice
from regwatch.domain.vocab import NoticeKind
from spiders.fda_warning_letters import FdaWarningLettersSpider, search_url
from tests.helpers.spider_helpers import ARCHIVE, CLOCK, fixture, follow, make_spider, notices, response, split

FIRST = search_url("kratom")
LETTERS = "https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters"
SHAMAN = f"{LETTERS}/shaman-botanicals-llc-709999-06252025"


def test_searches_the_warning_letter_view_for_kratom_and_7oh() -> None:
    queries = [dict(parse_qsl(urlsplit(url).query)) for url in FdaWarningLettersSpider.start_urls]
    assert [q["search_api_fulltext"] for q in queries] == ["kratom", "7-hydroxymitragynine"]
    assert {q["view_name"] for q in queries} == {"warning_letter_solr_index"}


def test_each_listed_letter_is_read_and_only_kratom_letters_are_kept() -> None:
    spider = make_spider(FdaWarningLettersSpider)
    _, requests = split(spider.parse(response(fixture("fda_warning_letters", "listing_kratom.json"), FIRST)))
    assert [r.url for r in requests] == [SHAMAN, f"{LETTERS}/example-botanicals-inc-709998-06302025"]
    assert notices(follow(requests[0], fixture("fda_warning_letters", "letter_7oh.html"))) == [
        Notice(
            jurisdiction="US",
            source="fda_warning_letters",
            kind=NoticeKind.WARNING_LETTER,
            title="FDA warning letter to Shaman Botanicals, LLC: Unapproved New Drugs/Misbranded/Adulterated Dietary"
            " Supplement/7-OH",
            text="WARNING LETTER The U.S. Food and Drug Administration reviewed your website and found that you market"
            " products containing 7-hydroxymitragynine (7-OH) as an added ingredient or at levels above those found"
            " naturally in kratom. 7-OH is not a lawful dietary ingredient and cannot be lawfully added to"
            " conventional foods, so your 7-OH products are adulterated; products offered to relieve pain or anxiety"
            " are also unapproved new drugs.",
            url=SHAMAN,
            published=date(2025, 6, 25),  # the letter's issue date, not the day FDA posted it
            identifier="MARCS-CMS 709999",
            retrieved=CLOCK,
            archive=ARCHIVE,
        )
    ]
    assert follow(requests[1], fixture("fda_warning_letters", "letter_unrelated.html")) == []
    assert spider.problems == []


def test_next_page_by_start_and_length_until_records_filtered() -> None:
    spider = make_spider(FdaWarningLettersSpider)
    data = json.loads(fixture("fda_warning_letters", "listing_kratom.json").read_text())
    assert spider.next_page(data, response(fixture("fda_warning_letters", "listing_kratom.json"), FIRST)) is None
    data["recordsFiltered"] = 150
    url = spider.next_page(data, response(fixture("fda_warning_letters", "listing_kratom.json"), FIRST))
    assert url == search_url("kratom", start=2)


def test_an_html_error_page_is_a_layout_error() -> None:
    spider = make_spider(FdaWarningLettersSpider)
    assert list(spider.parse(response(fixture("fda", "site_error.html"), FIRST))) == []
    assert list(spider.parse_letter(response(fixture("fda", "site_error.html"), SHAMAN), listed={})) == []
    assert spider.crawler.stats.get_value("regwatch/layout_errors") == 2
