"""Ohio Board of Pharmacy spider on fixtures written in the shape of the ohio.gov template (docs/sources.md)."""

from __future__ import annotations

from datetime import date

import pytest

from regwatch.domain.vocab import NoticeKind
from spiders.ohio_pharmacy import OhioPharmacySpider
from tests.helpers.spider_helpers import fixture, make_spider, notices, response, split

LIST = "https://www.pharmacy.ohio.gov/news"
RULE = "https://www.pharmacy.ohio.gov/news/2025/12/board-adopts-emergency-rule-on-mitragynine-related-compounds"


def test_list_follows_the_kratom_item_and_the_next_page() -> None:
    spider = make_spider(OhioPharmacySpider)
    _, requests = split(spider.parse(response(fixture("ohio_pharmacy", "news_list.html"), LIST), page=1))
    assert [r.url for r in requests] == [RULE, f"{LIST}?page=1"]


def test_emergency_rule_carries_its_rule_number() -> None:
    spider = make_spider(OhioPharmacySpider)
    [notice] = notices(list(spider.parse_detail(response(fixture("ohio_pharmacy", "emergency_rule.html"), RULE))))
    assert (notice.jurisdiction, notice.kind, notice.identifier, notice.published) == (
        "US-OH",
        NoticeKind.EMERGENCY_RULE,
        "OAC 4729:9-1-01.1",  # as the curated baseline cites it: one event with it
        date(2025, 12, 12),
    )
    assert "Mitragynine itself is not a mitragynine-related compound" in notice.text


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("Board Adopts Emergency Rule on Kratom", "", NoticeKind.EMERGENCY_RULE),
        ("Proposed Rule to Schedule Mitragynine", "an emergency rule lapses in June", NoticeKind.RULE),
        ("Board Update", "The Board reminds licensees that 7-OH products are Schedule I.", NoticeKind.PRESS_RELEASE),
    ],
)
def test_kind_is_decided_by_the_title_before_the_text(title: str, text: str, kind: NoticeKind) -> None:
    assert make_spider(OhioPharmacySpider).kind_of(title, text) is kind


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("Rule 4729:9-1-01.1 of the Administrative Code", "OAC 4729:9-1-01.1"),
        ("proposed rule 4729-9-01.2 would schedule mitragynine", "OAC 4729-9-01.2"),
        ("rule 4729:9-1-01 lists schedule I", "OAC 4729:9-1-01"),
        ("no rule named", None),
    ],
)
def test_rule_numbers_as_the_board_cites_them(text: str, identifier: str | None) -> None:
    assert make_spider(OhioPharmacySpider).identifier_of(text) == identifier
