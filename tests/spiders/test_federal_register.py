"""Federal Register spider: the recorded API page (shared data) and the kratom fixture."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from regwatch.domain.events import event_keys, group_events
from regwatch.domain.models import Notice, NoticeAction
from regwatch.domain.vocab import IN_FORCE_STAGES, PROPOSAL_STAGES, NoticeKind, Stage
from regwatch.normalise.classify import classify
from spiders.federal_register import FederalRegisterSpider, cfr_text, document_fields, filing_fields
from tests.helpers.spider_helpers import ARCHIVE, CLOCK, fixture, make_spider, notices, response, split

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


DESK = "https://www.federalregister.gov/api/v1/public-inspection-documents/current.json"


def test_public_inspection_desk_and_search_are_asked() -> None:
    desk, search = FederalRegisterSpider.start_urls[1:]
    assert desk == DESK
    query = parse_qsl(urlsplit(search).query)
    assert search.startswith("https://www.federalregister.gov/api/v1/public-inspection-documents.json?")
    assert ("conditions[term]", 'kratom | mitragynine | "7-hydroxymitragynine"') in query
    assert {v for k, v in query if k == "conditions[agencies][]"} >= {"drug-enforcement-administration"}
    assert {v for k, v in query if k == "fields[]"} >= {"document_number", "filed_at", "publication_date", "type"}


def test_filed_notice_of_intent_is_a_proposal_seen_the_day_it_is_filed() -> None:
    spider = make_spider(FederalRegisterSpider)
    found = notices(list(spider.parse(response(fixture("federal_register", "public_inspection_current.json"), DESK))))
    assert found == [
        Notice(
            id="federal_register:public-inspection:2016-20803",
            jurisdiction="US",
            source="federal_register",
            kind=NoticeKind.NOTICE,
            title="Schedules of Controlled Substances: Temporary Placement of Mitragynine and 7-Hydroxymitragynine"
            " Into Schedule I",
            text="Proposed rule. On public inspection at the Office of the Federal Register from August 30, 2016."
            " Scheduled for publication in the Federal Register on August 31, 2016. Agency: Justice Department, Drug"
            " Enforcement Administration. Docket: Docket No. DEA-442.",
            url="https://www.federalregister.gov/public-inspection/2016-20803/schedules-of-controlled-substances"
            "-temporary-placement-of-mitragynine-and-7-hydroxymitragynine-into",
            published=date(2016, 8, 30),
            identifier="FR Doc. 2016-20803",  # the same as its published document's
            actions=[NoticeAction(date=date(2016, 8, 30), description="Placed on public inspection")],
            retrieved=CLOCK,
            archive=ARCHIVE,
        )
    ]  # the desk's other filings are not about kratom, or not from DEA, FDA or HHS


def test_a_filing_listed_by_the_desk_and_the_search_is_one_notice() -> None:
    spider = make_spider(FederalRegisterSpider)
    desk = notices(list(spider.parse(response(fixture("federal_register", "public_inspection_current.json"), DESK))))
    search_url = FederalRegisterSpider.start_urls[2]
    searched = notices(
        list(spider.parse(response(fixture("federal_register", "public_inspection_search.json"), search_url)))
    )
    assert [n.id for n in desk + searched] == [
        "federal_register:public-inspection:2016-20803",
        "federal_register:public-inspection:2016-24659",
    ]
    assert searched[0].text.startswith("Proposed rule. On public inspection")


def test_filing_and_published_document_are_one_event_and_no_status_moves_before_publication() -> None:
    spider = make_spider(FederalRegisterSpider)
    [filed] = notices(list(spider.parse(response(fixture("federal_register", "public_inspection_current.json"), DESK))))
    published, _ = parse(fixture("federal_register", "documents_kratom_page2.json"))
    filing, document = classify(filed), classify(published[0])
    assert "fr:2016-20803" in event_keys(filing) & event_keys(document)
    assert [(e.date, e.stage) for e in filing.history] == [(date(2016, 8, 30), Stage.PROPOSED)]
    [event] = group_events([filing, document])
    assert all(e.stage in PROPOSAL_STAGES for e in event.history)  # pending, never in force


@pytest.mark.parametrize(
    ("doc_type", "lead"),
    [("Proposed Rule", "Proposed rule."), ("Rule", "Rule, not yet published."), ("Notice", "Notice.")],
)
def test_a_filed_rule_sets_no_stage_before_its_published_text(doc_type: str, lead: str) -> None:
    fields = filing_fields(
        {"document_number": "2016-20803", "type": doc_type, "title": "Temporary Placement of 7-Hydroxymitragynine",
         "filed_at": "2016-08-30T08:45:00.000-04:00", "publication_date": "2016-08-31"}
    )  # fmt: skip
    assert fields["text"].startswith(lead)
    assert fields["url"] == "https://www.federalregister.gov/public-inspection/2016-20803"
    history = classify(Notice.model_validate({**fields, "source": "federal_register"})).history
    assert all(e.stage not in IN_FORCE_STAGES for e in history)


def test_a_withdrawn_filing_says_it_has_no_publication_date() -> None:
    fields = filing_fields(
        {"document_number": "2017-00854", "type": "Rule", "title": "Horse Protection", "filed_at": None,
         "last_public_inspection_issue": "2017-01-24", "publication_date": None,
         "editorial_note": "APHIS requested the withdrawal of this document after it was on public inspection."}
    )  # fmt: skip
    assert fields["published"] == "2017-01-24"
    assert "No publication date scheduled. APHIS requested the withdrawal" in fields["text"]


def test_no_public_inspection_recording_in_shared_data(shared_data: Path) -> None:
    """The recordings hold documents.json pages only; the desk is tested on fixtures in the recorded shape of a
    public-inspection document (docs/sources.md). If a recording appears, read it here."""
    recordings = sorted((shared_data / "federal_register").glob("*public*inspection*.json"))
    for path in recordings:
        spider = make_spider(FederalRegisterSpider)
        notices(list(spider.parse(response(path, DESK))))
        assert spider.problems == []
