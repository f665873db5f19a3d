"""Federal Register spider: the recorded API page (shared data) and the kratom fixture."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from spider_helpers import ARCHIVE, CLOCK, fixture, make_spider, notices, response, split

from regwatch.domain.models import Notice, NoticeAction
from regwatch.domain.vocab import NoticeKind
from spiders.federal_register import FederalRegisterSpider, cfr_text, document_fields

SEARCH = "federal_register/federal_register_documents_search_sample.json"
SUBSET = "federal_register/federal_register_documents_dea_fda_subset.json"


def parse(path: Path) -> tuple[list[Notice], list[str]]:
    spider = make_spider(FederalRegisterSpider)
    items, requests = split(spider.parse(response(path, FederalRegisterSpider.start_urls[0])))
    assert spider.problems == []
    return notices(items), [r.url for r in requests]


def test_query_asks_for_the_kratom_terms_and_agencies() -> None:
    query = parse_qsl(urlsplit(FederalRegisterSpider.start_urls[0]).query)
    assert ("conditions[term]", 'kratom | mitragynine | "7-hydroxymitragynine"') in query
    agencies = {value for key, value in query if key == "conditions[agencies][]"}
    assert agencies == {
        "drug-enforcement-administration",
        "food-and-drug-administration",
        "health-and-human-services-department",
    }


def test_kratom_notice_of_intent_reads_as_a_proposal() -> None:
    found, _ = parse(fixture("federal_register", "documents_kratom_page2.json"))
    assert found == [
        Notice(
            id="federal_register:2016-20803",
            jurisdiction="US",
            source="federal_register",
            kind=NoticeKind.NOTICE,
            title="Schedules of Controlled Substances: Temporary Placement of Mitragynine and 7-Hydroxymitragynine"
            " Into Schedule I",
            text="Proposed Rule. Notice of intent. The Administrator of the Drug Enforcement Administration is issuing"
            " this notice of intent to temporarily schedule the opioids mitragynine and 7-hydroxymitragynine, the"
            " main active constituents of the plant Mitragyna speciosa (kratom), in schedule I of the Controlled"
            " Substances Act. 81 FR 59929 Affects 21 CFR 1308.",
            url="https://www.federalregister.gov/documents/2016/08/31/2016-20803/schedules-of-controlled-substances"
            "-temporary-placement-of-mitragynine-and-7-hydroxymitragynine-into",
            published=date(2016, 8, 31),
            identifier="FR Doc. 2016-20803",
            actions=[
                NoticeAction(date=date(2016, 8, 31), description="Published in the Federal Register: Notice of intent.")
            ],
            retrieved=CLOCK,
            archive=ARCHIVE,
        )
    ]


def test_next_page_url_is_followed_as_given() -> None:
    path = fixture("federal_register", "documents_kratom.json")
    found, next_urls = parse(path)
    assert [n.id for n in found] == ["federal_register:2016-24659"]
    assert next_urls == [json.loads(path.read_text())["next_page_url"]]
    _, last = parse(fixture("federal_register", "documents_kratom_page2.json"))
    assert last == []


def test_recorded_page_proposed_rule_and_cfr_parts(shared_data: Path) -> None:
    found, next_urls = parse(shared_data / SEARCH)
    by_number = {n.id: n for n in found}
    proposed = by_number["federal_register:2024-00172"]
    assert proposed.kind is NoticeKind.NOTICE  # "type": "Proposed Rule" is a proposal, not law
    assert proposed.text.startswith("Proposed Rule. Proposed rule.")
    assert [a.description for a in proposed.actions] == [
        "Published in the Federal Register: Proposed rule.",
        "Comment period closes",
    ]
    assert by_number["federal_register:2024-00594"].kind is NoticeKind.RULE
    assert by_number["federal_register:2024-00594"].effective == date(2024, 1, 12)
    assert by_number["federal_register:2023-28962"].kind is NoticeKind.NOTICE
    assert by_number["federal_register:2023-28935"].kind is NoticeKind.OTHER  # a Presidential Document
    assert next_urls[0].startswith("https://www.federalregister.gov/api/v1/documents?conditions")


def test_recorded_dea_fda_subset_all_valid(shared_data: Path) -> None:
    found, _ = parse(shared_data / SUBSET)
    # The source was queried for kratom terms, so every result is passed on; the rules judge relevance.
    assert len(found) == 17
    assert {n.jurisdiction for n in found} == {"US"}


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ([{"title": 21, "part": 1308}], "Affects 21 CFR 1308."),
        ([{"title": 21, "part": "1308"}], "Affects 21 CFR 1308."),
        ([{"title": 21, "part": None}], ""),
        ([{"title": 21, "part": 1308}, {"title": 21, "part": None}, {"title": 21, "part": "1301"}],
         "Affects 21 CFR 1308, 21 CFR 1301."),
        (None, ""),
    ],
)  # fmt: skip
def test_cfr_part_may_be_int_string_or_null(refs: list[dict[str, object]] | None, expected: str) -> None:
    assert cfr_text({"cfr_references": refs}) == expected


def test_temporary_scheduling_order_is_an_emergency_rule() -> None:
    fields = document_fields(
        {"type": "Rule", "action": "Temporary amendment; temporary scheduling order.", "title": "Schedules of"
         " Controlled Substances: Temporary Placement of 7-OH", "publication_date": "2026-08-05",
         "document_number": "2026-00001"}
    )  # fmt: skip
    assert fields["kind"] is NoticeKind.EMERGENCY_RULE
