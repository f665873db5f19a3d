"""Notice -> Action on the hard cases (repeals quoting Schedule I, age offences, 7-OH-only rules, non-binding
resolutions, other drugs' scheduling notices), asserted as whole readings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure, Stage, Substance
from regwatch.normalise import classify


def notice(**fields: object) -> Notice:
    base: dict[str, object] = {
        "jurisdiction": "US-LA",
        "source": "openstates",
        "kind": "bill",
        "published": "2025-03-10",
    }
    return Notice.model_validate({**base, **fields})


def reading(n: Notice) -> dict[str, Any]:
    a = classify(n)
    return {
        "measure": a.measure,
        "substances": a.substances,
        "history": [(e.date.isoformat(), e.stage) for e in a.history],
        "effective": a.effective,
        "binding": a.binding,
    }


def test_ban_bill_through_signature_to_effect() -> None:
    n = notice(
        title="Provides relative to kratom",
        text="it is unlawful for any person in Louisiana to knowingly or intentionally produce, manufacture, "
        "distribute, dispense or possess Kratom",
        actions=[
            {"date": "2025-04-22", "description": "Read by title, passed by a vote of 37 yeas and 0 nays"},
            {"date": "2025-04-20", "description": "Passed Senate"},
            {"date": "2025-05-20", "description": "Passed House"},
            {"date": "2025-06-04", "description": "Signed by the Governor. Becomes Act No. 41."},
        ],
        effective="2025-08-01",
    )
    assert reading(n) == {
        "measure": Measure.BAN,
        "substances": [Substance.KRATOM],
        "history": [
            ("2025-03-10", Stage.INTRODUCED),
            ("2025-04-20", Stage.PASSED_CHAMBER),
            ("2025-05-20", Stage.PASSED_LEGISLATURE),
            ("2025-06-04", Stage.ENACTED),
            ("2025-08-01", Stage.EFFECTIVE),
        ],
        "effective": date(2025, 8, 1),
        "binding": True,
    }


def test_repeal_bill_quoting_schedule_i_unbans() -> None:
    n = notice(
        jurisdiction="US-WI",
        title="Relating to kratom",
        text="This bill removes kratom, mitragynine and 7-hydroxymitragynine from Schedule I of the controlled "
        "substances schedules and creates the Kratom Consumer Protection Act.",
    )
    assert reading(n)["measure"] is Measure.UNBAN


def test_age_offence_regulates() -> None:
    n = notice(jurisdiction="US-TN", title="Kratom", text="It is an offense to sell kratom to a person under 21.")
    assert (reading(n)["measure"], reading(n)["substances"]) == (Measure.REGULATE, [Substance.KRATOM])


def test_seven_oh_only_rule_restricts_and_leaves_kratom() -> None:
    n = notice(
        jurisdiction="US-FL",
        kind="emergency_rule",
        title="Attorney General emergency rule: concentrated 7-hydroxymitragynine added to Schedule I",
        published="2025-08-13",
    )
    got = reading(n)
    assert (got["measure"], got["substances"]) == (Measure.RESTRICT, [Substance.SEVEN_OH])
    assert got["history"][0] == ("2025-08-13", Stage.ENACTED)


def test_non_binding_resolution_enacts_nothing() -> None:
    n = notice(
        jurisdiction="US-TN",
        kind="resolution",
        title="A resolution to urge the General Assembly to ban kratom",
        text="urges the strictest regulation of kratom, up to and including a ban",
        actions=[{"date": "2025-05-02", "description": "Signed by Governor"}],
    )
    assert reading(n)["binding"] is False


def test_dea_notice_on_another_drug_is_unrelated() -> None:
    n = notice(
        jurisdiction="US",
        source="federal_register",
        kind="rule",
        title="Schedules of Controlled Substances: Temporary Placement of N-Pyrrolidino Protonitazene in Schedule I",
        text="The Administrator of the Drug Enforcement Administration is issuing this temporary scheduling order",
    )
    assert (reading(n)["measure"], reading(n)["substances"]) == (Measure.UNRELATED, [])


def test_federal_notice_of_intent_is_proposed() -> None:
    n = notice(
        jurisdiction="US",
        source="federal_register",
        kind="notice",
        title="Schedules of Controlled Substances: Temporary Placement of Mitragynine and 7-Hydroxymitragynine "
        "Into Schedule I",
        text="This notice of intent is issued pursuant to the temporary scheduling provisions",
        published="2016-08-31",
    )
    got = reading(n)
    assert (got["measure"], got["history"]) == (Measure.BAN, [("2016-08-31", Stage.PROPOSED)])


@pytest.mark.parametrize(
    ("description", "stage"),
    [
        ("Vetoed by Governor", Stage.VETOED),
        ("Failed to pass House, yeas 15 nays 77", Stage.FAILED),
        ("Withdrawn by sponsor", Stage.WITHDRAWN),
    ],
)
def test_bills_that_end(description: str, stage: Stage) -> None:
    n = notice(
        title="Kratom Consumer Protection Act",
        actions=[
            {"date": "2025-03-01", "description": "Passed Senate"},
            {"date": "2025-04-01", "description": description},
        ],
    )
    assert reading(n)["history"][-1] == ("2025-04-01", stage)


def test_effective_date_read_from_text() -> None:
    n = notice(kind="statute", title="Kratom Consumer Protection Act", text="This act takes effect on July 1, 2026.")
    assert reading(n)["effective"] == date(2026, 7, 1)
