"""Which notices are one legal act: the keys an identifier or a URL gives, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from regwatch.domain.events import event_keys
from regwatch.domain.models import Action, StageEvent
from regwatch.domain.vocab import Measure, NoticeKind, Stage


def action(identifier: str | None, *, place: str = "US-WA", kind: NoticeKind = NoticeKind.BILL,
           url: str | None = None, day: date = date(2026, 1, 12)) -> Action:  # fmt: skip
    return Action(
        notice="n",
        jurisdiction=place,
        source="openstates",
        kind=kind,
        title="t",
        url=url,
        identifier=identifier,
        published=day,
        measure=Measure.BAN,
        substances=[],
        history=[StageEvent(date=day, stage=Stage.INTRODUCED)],
        confidence=0.9,
        rule="test",
    )


@pytest.mark.parametrize(
    ("identifier", "keys"),
    [
        ("HB 1234", {"bill:US-WA:HB1234:2025"}),
        ("H.B. 1234", {"bill:US-WA:HB1234:2025"}),
        ("House Bill 1234", {"bill:US-WA:HB1234:2025"}),
        ("SHB 1234", {"bill:US-WA:HB1234:2025"}),  # Washington's substitute of HB 1234: the same bill
        ("E2SSB 5042", {"bill:US-WA:SB5042:2025"}),
        ("SB 5042", {"bill:US-WA:SB5042:2025"}),
        ("S 5042", {"bill:US-WA:SB5042:2025"}),
        ("CS/HB 309", {"bill:US-WA:HB309:2025"}),  # a Florida-style committee substitute
        ("SB 226; Act 2016-279", {"bill:US-WA:SB226:2025"}),  # a bill's second part names its act, not a bill
    ],
)
def test_bill_numbers_in_their_many_spellings_are_one_key(identifier: str, keys: set[str]) -> None:
    assert event_keys(action(identifier)) == keys


def test_a_statute_citation_and_a_federal_register_number_are_keys() -> None:
    assert event_keys(action("KRS 217.2202", place="US-KY", kind=NoticeKind.STATUTE)) == {"cite:US-KY:krs217.2202"}
    assert event_keys(action("FR Doc. 2026-13580", place="US", kind=NoticeKind.NOTICE)) == {"fr:2026-13580"}
    url = "https://www.federalregister.gov/documents/2026/07/15/2026-13580/schedules-of-controlled-substances"
    assert event_keys(action(None, place="US", kind=NoticeKind.NOTICE, url=url)) == {"fr:2026-13580"}


def test_one_number_in_two_bienniums_is_two_bills_and_a_release_has_no_key() -> None:
    assert event_keys(action("HB 1", day=date(2024, 2, 1))) != event_keys(action("HB 1", day=date(2026, 2, 1)))
    assert event_keys(action(None, place="US", kind=NoticeKind.PRESS_RELEASE, url="https://www.dea.gov/x")) == set()
