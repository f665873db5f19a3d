"""The truth model, table-driven: provisions per substance, one event per legal act, honest dates, one change
per event, reports of acts, and no alert for what was already in force."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from regwatch.domain.changes import diff_tables
from regwatch.domain.models import Action, Detail, Provision, StageEvent, StatusRow
from regwatch.domain.status import events_by_notice, fold_status
from regwatch.domain.vocab import (
    ChangeKind,
    DatePrecision,
    Measure,
    NoticeKind,
    Reliability,
    Scope,
    Severity,
    Stage,
    Status,
    Substance,
)

K, OH, SYN = Substance.KRATOM, Substance.SEVEN_OH, Substance.SYNTHETIC


def act(notice: str, provisions: list[Provision], **fields: Any) -> Action:
    """An enacted act of US-KY in force from `effective` (default 2024-07-15)."""
    effective = fields.pop("effective", date(2024, 7, 15))
    published = fields.pop("published", date(2024, 4, 9))
    stages = fields.pop(
        "history",
        [
            StageEvent(date=published, stage=Stage.ENACTED),
            StageEvent(date=effective or published, stage=Stage.EFFECTIVE),
        ],
    )
    lead = provisions[0]
    base: dict[str, Any] = {
        "notice": notice,
        "jurisdiction": "US-KY",
        "source": "openstates",
        "kind": NoticeKind.STATUTE,
        "title": f"Act {notice}",
        "url": f"https://example.org/{notice}",
        "published": published,
        "effective": effective,
        "measure": lead.measure,
        "substances": lead.substances,
        "provisions": provisions,
        "history": stages,
        "confidence": 0.9,
        "rule": "test",
        "reliability": Reliability.PRIMARY,
    }
    return Action.model_validate({**base, **fields})


def table(actions: list[Action], as_of: date) -> dict[tuple[str, Substance], StatusRow]:
    return {(r.jurisdiction, r.substance): r for r in fold_status(actions, as_of)}


KCPA = [
    Provision(measure=Measure.REGULATE, substances=[K], scope=Scope.SALE, detail=Detail(age=21, licence=True)),
    Provision(measure=Measure.RESTRICT, substances=[OH], detail=Detail(cap="7-OH <= 2% of the alkaloid fraction")),
    Provision(measure=Measure.RESTRICT, substances=[SYN]),
]


def test_a_consumer_protection_act_applies_each_provision_to_its_own_substances() -> None:
    rows = table([act("krs-217-2202", KCPA)], date(2026, 11, 28))
    got = {s: (rows["US-KY", s].status, rows["US-KY", s].since, rows["US-KY", s].detail) for s in Substance}
    assert got == {
        K: (
            Status.REGULATED,
            date(2024, 7, 15),
            "21+, licence required; 7-OH <= 2% of the alkaloid fraction; synthetics restricted",
        ),
        OH: (
            Status.RESTRICTED,
            date(2024, 7, 15),
            "7-OH <= 2% of the alkaloid fraction; 21+, licence required; synthetics restricted",
        ),
        SYN: (Status.RESTRICTED, date(2024, 7, 15), "21+, licence required; 7-OH <= 2% of the alkaloid fraction"),
    }
    assert {rows["US-KY", s].reliability for s in Substance} == {Reliability.PRIMARY}
    assert {rows["US-KY", s].deciding for s in Substance} == {"krs-217-2202"}


def test_a_sale_ban_declared_by_an_agency_bans_sale_and_says_possession_is_not_touched() -> None:
    declaration = act(
        "cdph-2025-10-24",
        [Provision(measure=Measure.BAN, substances=[K, OH], scope=Scope.SALE)],
        jurisdiction="US-CA",
        kind=NoticeKind.ADVISORY,
        published=date(2025, 10, 24),
        effective=date(2025, 10, 24),
    )
    rows = table([declaration], date(2026, 11, 28))
    assert [(rows["US-CA", s].status, rows["US-CA", s].detail) for s in Substance] == [
        (Status.BANNED, "sale banned")
    ] * 3


def test_the_strictest_provision_of_one_act_wins_per_substance() -> None:
    # Titled as a regulation, its body adds kratom to Schedule I.
    both = [Provision(measure=Measure.REGULATE, substances=[K]), Provision(measure=Measure.BAN, substances=[K])]
    rows = table([act("hb-1", both)], date(2026, 1, 1))
    assert {rows["US-KY", s].status for s in Substance} == {Status.BANNED}


def test_a_later_act_that_keeps_the_status_does_not_move_since() -> None:
    amendment = act(
        "amend",
        [Provision(measure=Measure.REGULATE, substances=[K], detail=Detail(age=21))],
        effective=date(2026, 1, 1),
    )
    rows = table([act("kcpa", KCPA), amendment], date(2026, 6, 1))
    assert (rows["US-KY", K].status, rows["US-KY", K].since, rows["US-KY", K].deciding) == (
        Status.REGULATED,
        date(2024, 7, 15),
        "amend",
    )
    assert rows["US-KY", OH].status is Status.RESTRICTED  # a kratom-wide regulation does not lift the cap


def fr_copy(source: str, notice: str, **fields: Any) -> Action:
    """The DEA notice of intent 2026-13580 as one source reports it."""
    base: dict[str, Any] = {
        "jurisdiction": "US",
        "source": source,
        "kind": NoticeKind.NOTICE,
        "published": date(2026, 7, 15),
        "history": [StageEvent(date=date(2026, 7, 15), stage=Stage.PROPOSED)],
        "effective": None,
    }
    return act(notice, [Provision(measure=Measure.RESTRICT, substances=[OH])], **{**base, **fields})


THREE_COPIES = [
    fr_copy("federal_register", "fr:1", identifier="2026-13580", url="https://www.federalregister.gov/d/2026-13580"),
    fr_copy("baseline", "baseline:US:x", identifier="2026-13580", reliability=Reliability.SECONDARY),
    fr_copy("regulations_gov", "rg:1", url="https://www.federalregister.gov/documents/2026/07/15/2026-13580/schedules"),
]


def test_one_federal_register_notice_from_three_sources_is_one_pending_item_and_one_change() -> None:
    as_of = date(2026, 8, 1)
    rows = table(THREE_COPIES, as_of)
    assert [(p.notice, p.stage) for p in rows["US", OH].pending] == [("baseline:US:x", Stage.PROPOSED)]
    before = [r.model_copy(update={"pending": []}) for r in rows.values()]
    changes = diff_tables(before, list(rows.values()), "r", as_of, events_by_notice(THREE_COPIES, as_of))
    assert [(c.kind, c.severity, c.substances, c.notices) for c in changes] == [
        (ChangeKind.PENDING_ADDED, Severity.HIGH, [OH], ["baseline:US:x", "fr:1", "rg:1"])
    ]
    assert set(changes[0].evidence) == {
        "https://example.org/baseline:US:x",
        "https://www.federalregister.gov/d/2026-13580",
        "https://www.federalregister.gov/documents/2026/07/15/2026-13580/schedules",
    }


def test_a_bill_that_is_enacted_is_no_longer_pending() -> None:
    bill = act(
        "openstates:tn",
        [Provision(measure=Measure.BAN, substances=[K])],
        jurisdiction="US-TN",
        kind=NoticeKind.BILL,
        identifier="SB 1234",
        published=date(2026, 1, 10),
        history=[StageEvent(date=date(2026, 1, 10), stage=Stage.INTRODUCED)],
        effective=None,
    )
    law = act(
        "baseline:tn",
        [Provision(measure=Measure.BAN, substances=[K])],
        jurisdiction="US-TN",
        source="baseline",
        identifier="SB 1234; Public Chapter 950",
        published=date(2026, 4, 22),
        effective=date(2026, 7, 1),
    )
    rows = table([bill, law], date(2026, 11, 28))
    assert [(rows["US-TN", s].status, rows["US-TN", s].pending) for s in Substance] == [(Status.BANNED, [])] * 3
    assert rows["US-TN", K].evidence == ["https://example.org/baseline:tn", "https://example.org/openstates:tn"]


def kansas_ban() -> Action:
    return act(
        "ks",
        [Provision(measure=Measure.BAN, substances=[K])],
        jurisdiction="US-KS",
        published=date(2026, 4, 1),
        effective=date(2026, 7, 1),
    )


def test_one_event_that_moves_three_substances_is_one_change() -> None:
    before = table([], date(2026, 6, 1))
    legal = [StatusRow(jurisdiction="US-KS", substance=s, status=Status.LEGAL) for s in Substance] or list(
        before.values()
    )
    after = table([kansas_ban()], date(2026, 7, 1))
    changes = diff_tables(
        legal,
        list(after.values()),
        "r",
        date(2026, 7, 1),
        events_by_notice([kansas_ban()], date(2026, 7, 1)),
        previous_as_of=date(2026, 6, 1),
    )
    assert [(c.kind, c.severity, c.substances, c.summary) for c in changes] == [
        (
            ChangeKind.STATUS_CHANGED,
            Severity.CRITICAL,
            [K, OH, SYN],
            "Kansas bans kratom and its alkaloids from 2026-07-01 (was legal)",
        )
    ]
    assert changes[0].explanation == (
        "Banned since 2026-07-01 under Act ks, enacted 2026-04-01. Source: example.org (primary). No proposal pending."
    )


def test_a_second_run_alerts_nothing_that_was_already_in_force() -> None:
    old_law = kansas_ban().model_copy(update={"published": date(2019, 1, 1), "effective": date(2019, 7, 1)})
    undated = act(
        "vn", [Provision(measure=Measure.BAN, substances=[K])], jurisdiction="VN", undated=True, source="baseline"
    )
    facts = [old_law, undated]
    first = fold_status(facts, date(2026, 9, 1))
    second = fold_status(facts, date(2026, 11, 28))
    assert diff_tables(None, first, "a", date(2026, 9, 1), {}) == []
    assert (
        diff_tables(
            first,
            second,
            "b",
            date(2026, 11, 28),
            events_by_notice(facts, date(2026, 11, 28)),
            previous_as_of=date(2026, 9, 1),
        )
        == []
    )


def test_a_fact_found_late_is_a_correction_not_news_of_a_new_law() -> None:
    said_legal = [StatusRow(jurisdiction="US-KS", substance=s, status=Status.LEGAL) for s in Substance]
    old_law = kansas_ban().model_copy(update={"published": date(2019, 1, 1), "effective": date(2019, 7, 1)})
    now = fold_status([old_law], date(2026, 11, 28))
    [change] = diff_tables(
        said_legal,
        now,
        "b",
        date(2026, 11, 28),
        events_by_notice([old_law], date(2026, 11, 28)),
        previous_as_of=date(2026, 9, 1),
    )
    assert (change.kind, change.severity, change.substances) == (
        ChangeKind.STATUS_CORRECTED,
        Severity.HIGH,
        [K, OH, SYN],
    )
    assert change.summary.startswith("Correction: Kansas bans kratom and its alkaloids since 2019-07-01")


@pytest.mark.parametrize("as_of", [date(1990, 1, 1), date(2024, 1, 1), date(2026, 11, 28)])
def test_an_undated_fact_holds_at_every_earlier_date_with_since_unknown(as_of: date) -> None:
    undated = act(
        "vn",
        [Provision(measure=Measure.BAN, substances=[K])],
        jurisdiction="VN",
        undated=True,
        source="baseline",
        published=date(2026, 11, 24),
    )
    rows = table([undated], as_of)
    assert [(rows["VN", s].status, rows["VN", s].since) for s in Substance] == [(Status.BANNED, None)] * 3


def test_a_fact_known_to_its_year_says_so() -> None:
    yearly = act(
        "th",
        [Provision(measure=Measure.BAN, substances=[K])],
        jurisdiction="TH",
        source="baseline",
        precision=DatePrecision.YEAR,
        published=date(1943, 1, 1),
        effective=date(1943, 1, 1),
    )
    row = table([yearly], date(2000, 1, 1))["TH", K]
    assert (row.since, row.since_precision) == (date(1943, 1, 1), DatePrecision.YEAR)


def emergency_rule(expires: date) -> Action:
    return act(
        "oh-er",
        [Provision(measure=Measure.RESTRICT, substances=[OH, SYN])],
        jurisdiction="US-OH",
        kind=NoticeKind.EMERGENCY_RULE,
        published=date(2025, 12, 12),
        effective=date(2025, 12, 12),
        expires=expires,
    )


def test_an_emergency_rule_that_lapses_with_nothing_in_its_place_is_high_and_says_expired() -> None:
    rule = emergency_rule(date(2026, 6, 10))
    before = fold_status([rule], date(2026, 6, 1))
    after = fold_status([rule], date(2026, 6, 30))
    assert {(r.substance, r.status, r.lapsed) for r in after if r.substance is not K} == {
        (OH, Status.LEGAL, True),
        (SYN, Status.LEGAL, True),
    }
    [change] = diff_tables(
        before,
        after,
        "r",
        date(2026, 6, 30),
        events_by_notice([rule], date(2026, 6, 30)),
        previous_as_of=date(2026, 6, 1),
    )
    assert (change.severity, change.substances) == (Severity.HIGH, [OH, SYN])
    assert "expired on 2026-06-10" in change.summary and "makes legal" not in change.summary


def test_an_emergency_rule_replaced_by_a_permanent_one_changes_nothing_when_it_lapses() -> None:
    rule = emergency_rule(date(2026, 6, 10))
    permanent = act(
        "oh-rule",
        [Provision(measure=Measure.RESTRICT, substances=[OH, SYN])],
        jurisdiction="US-OH",
        kind=NoticeKind.RULE,
        published=date(2026, 5, 1),
        effective=date(2026, 6, 1),
    )
    before = fold_status([rule, permanent], date(2026, 6, 5))
    after = fold_status([rule, permanent], date(2026, 6, 30))
    assert [(r.substance, r.status, r.lapsed) for r in after] == [
        (K, Status.LEGAL, False),
        (OH, Status.RESTRICTED, False),
        (SYN, Status.RESTRICTED, False),
    ]
    assert (
        diff_tables(
            before,
            after,
            "r",
            date(2026, 6, 30),
            events_by_notice([rule, permanent], date(2026, 6, 30)),
            previous_as_of=date(2026, 6, 5),
        )
        == []
    )


def dea_release() -> Action:
    return act(
        "dea:release",
        [Provision(measure=Measure.RESTRICT, substances=[OH])],
        jurisdiction="US",
        source="dea",
        kind=NoticeKind.PRESS_RELEASE,
        title="DEA Places 7-Hydroxymitragynine (7-OH) in Schedule I",
        published=date(2026, 8, 26),
        effective=date(2026, 8, 26),
        reported=True,
    )


def test_a_release_reporting_a_scheduling_order_alerts_at_once_marked_reported() -> None:
    release = dea_release()
    before = fold_status([], date(2026, 8, 1)) or [
        StatusRow(jurisdiction="US", substance=s, status=Status.LEGAL) for s in Substance
    ]
    after = fold_status([release], date(2026, 8, 27))
    row = {r.substance: r for r in after}[OH]
    assert (row.status, row.detail) == (Status.RESTRICTED, "reported; official text not yet seen")
    [change] = diff_tables(
        before,
        after,
        "r",
        date(2026, 8, 27),
        events_by_notice([release], date(2026, 8, 27)),
        previous_as_of=date(2026, 8, 1),
    )
    assert (change.kind, change.severity, change.substances, change.reported) == (
        ChangeKind.STATUS_CHANGED,
        Severity.CRITICAL,
        [OH],
        True,
    )
    assert change.summary.endswith("(reported; official text not yet seen; primary source)")


def test_the_official_order_joins_the_release_and_raises_nothing_new() -> None:
    release = dea_release()
    order = act(
        "fr:order",
        [Provision(measure=Measure.RESTRICT, substances=[OH])],
        jurisdiction="US",
        source="federal_register",
        kind=NoticeKind.RULE,
        identifier="2026-16999",
        published=date(2026, 8, 28),
        effective=date(2026, 8, 28),
    )
    first = fold_status([release], date(2026, 8, 27))
    second = fold_status([release, order], date(2026, 9, 1))
    row = {r.substance: r for r in second}[OH]
    assert (row.status, row.deciding, row.detail) == (Status.RESTRICTED, "fr:order", "")
    events = events_by_notice([release, order], date(2026, 9, 1))
    assert events["dea:release"].members == ["dea:release", "fr:order"]
    assert diff_tables(first, second, "r", date(2026, 9, 1), events, previous_as_of=date(2026, 8, 27)) == []


def test_a_release_announcing_the_order_after_a_notice_of_intent_stays_reported_until_the_order_is_seen() -> None:
    intent = fr_copy("federal_register", "fr:intent", identifier="2026-13580", published=date(2026, 10, 9),
                     history=[StageEvent(date=date(2026, 10, 9), stage=Stage.PROPOSED)])  # fmt: skip
    release = dea_release().model_copy(update={"published": date(2026, 12, 1), "effective": date(2026, 12, 1),
        "history": [StageEvent(date=date(2026, 12, 1), stage=Stage.ENACTED),
                    StageEvent(date=date(2026, 12, 1), stage=Stage.EFFECTIVE)]})  # fmt: skip
    events = events_by_notice([intent, release], date(2026, 12, 2))
    assert events["dea:release"].members == ["dea:release", "fr:intent"]
    assert (events["dea:release"].reported, events["dea:release"].stage_on(date(2026, 12, 2))) == (
        True,
        Stage.EFFECTIVE,
    )
    row = {r.substance: r for r in fold_status([intent, release], date(2026, 12, 2))}[OH]
    assert (row.status, row.pending) == (Status.RESTRICTED, [])


def test_an_event_in_force_by_its_order_is_named_by_the_order() -> None:
    intent = fr_copy("baseline", "baseline:intent", identifier="2026-13581; 2026-17429", title="DEA notice of intent")
    order = act(
        "fr:order",
        [Provision(measure=Measure.RESTRICT, substances=[SYN])],
        jurisdiction="US",
        source="federal_register",
        kind=NoticeKind.RULE,
        identifier="2026-17429",
        title="Temporary placement order",
        published=date(2026, 8, 26),
        effective=date(2026, 8, 26),
    )
    event = events_by_notice([intent, order], date(2026, 9, 1))["fr:order"]
    assert (event.notice, event.title, event.identifier, event.url) == (
        "baseline:intent",  # the id (and the reading) stay the lead's
        "Temporary placement order",
        "2026-17429",
        "https://example.org/fr:order",
    )
