"""The fold: life cycles of measures become status, since, pending and scheduled on any as-of date."""

from __future__ import annotations

from datetime import date

from regwatch.domain.models import Action, PendingItem, ScheduledItem, StageEvent, StatusRow
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import Measure, NoticeKind, Stage, Status, Substance

K, OH, SYN = Substance.KRATOM, Substance.SEVEN_OH, Substance.SYNTHETIC


def act(notice: str, measure: Measure, history: list[tuple[str, Stage]], **fields: object) -> Action:
    base: dict[str, object] = {
        "notice": notice,
        "jurisdiction": "US-XX".replace("XX", "RI"),
        "source": "openstates",
        "kind": NoticeKind.BILL,
        "title": notice,
        "url": f"https://example.org/{notice}",
        "published": history[0][0],
        "measure": measure,
        "substances": [K],
        "history": [StageEvent(date=d, stage=s) for d, s in history],
        "confidence": 0.9,
        "rule": "test",
    }
    return Action.model_validate({**base, **fields})


def row(rows: list[StatusRow], substance: Substance = K) -> StatusRow:
    return next(r for r in rows if r.substance is substance)


BAN_BILL = act(
    "ban-bill",
    Measure.BAN,
    [
        ("2025-01-10", Stage.INTRODUCED),
        ("2025-03-01", Stage.PASSED_CHAMBER),
        ("2025-04-01", Stage.PASSED_LEGISLATURE),
        ("2025-05-01", Stage.ENACTED),
        ("2025-08-01", Stage.EFFECTIVE),
    ],
    effective="2025-08-01",
)


def test_unknown_before_any_law_and_pending_while_introduced() -> None:
    got = row(fold_status([BAN_BILL], date(2025, 2, 1)))
    assert got == StatusRow(
        jurisdiction="US-RI",
        substance=K,
        status=Status.UNKNOWN,
        pending=[PendingItem(measure=Measure.BAN, stage=Stage.INTRODUCED, notice="ban-bill")],
    )


def test_signed_with_future_date_is_scheduled() -> None:
    got = row(fold_status([BAN_BILL], date(2025, 6, 1)))
    assert (got.status, got.pending, got.scheduled) == (
        Status.UNKNOWN,
        [],
        [ScheduledItem(status=Status.BANNED, effective=date(2025, 8, 1), notice="ban-bill")],
    )


def test_effective_ban_covers_every_substance() -> None:
    rows = fold_status([BAN_BILL], date(2025, 8, 1))
    assert [(r.substance, r.status, r.since, r.evidence) for r in rows] == [
        (s, Status.BANNED, date(2025, 8, 1), ["https://example.org/ban-bill"]) for s in (K, OH, SYN)
    ]


def test_earlier_as_of_ignores_later_steps() -> None:
    assert row(fold_status([BAN_BILL], date(2025, 3, 15))).pending[0].stage is Stage.PASSED_CHAMBER


def test_veto_failure_and_withdrawal_end_a_proposal() -> None:
    ended = [
        act(f"bill-{stage.value}", Measure.BAN, [("2025-01-10", Stage.INTRODUCED), ("2025-03-01", stage)])
        for stage in (Stage.VETOED, Stage.FAILED, Stage.WITHDRAWN)
    ]
    assert row(fold_status(ended, date(2025, 2, 1))).pending != []
    assert row(fold_status(ended, date(2025, 4, 1))).pending == []


def test_ban_later_repealed_by_a_regulation_act() -> None:
    ban = act("ban-2017", Measure.BAN, [("2017-07-01", Stage.ENACTED)], kind=NoticeKind.STATUTE)
    unban = act("act-2025-unban", Measure.UNBAN, [("2025-07-02", Stage.ENACTED)], effective="2026-04-01")
    regulate = act("act-2025", Measure.REGULATE, [("2025-07-02", Stage.ENACTED)], effective="2026-04-01")
    synth = act(
        "act-2025-synth", Measure.RESTRICT, [("2025-07-02", Stage.ENACTED)], effective="2026-04-01", substances=[SYN]
    )
    actions = [ban, unban, regulate, synth]
    before = fold_status(actions, date(2026, 3, 31))
    after = fold_status(actions, date(2026, 4, 1))
    assert [r.status for r in before] == [Status.BANNED] * 3
    assert row(before).scheduled == [
        ScheduledItem(status=Status.REGULATED, effective=date(2026, 4, 1), notice="act-2025")
    ]
    assert [(r.substance, r.status, r.since) for r in after] == [
        (K, Status.REGULATED, date(2026, 4, 1)),
        (OH, Status.REGULATED, date(2026, 4, 1)),
        (SYN, Status.RESTRICTED, date(2026, 4, 1)),
    ]


def test_seven_oh_restriction_leaves_kratom_and_outlives_a_kratom_wide_act() -> None:
    kcpa = act("kcpa", Measure.REGULATE, [("2023-07-01", Stage.ENACTED)])
    rule = act(
        "ag-rule", Measure.RESTRICT, [("2025-08-13", Stage.ENACTED)], substances=[OH], kind=NoticeKind.EMERGENCY_RULE
    )
    amendment = act("kcpa-2026", Measure.REGULATE, [("2026-01-01", Stage.ENACTED)])
    rows = fold_status([kcpa, rule, amendment], date(2026, 2, 1))
    assert [(r.substance, r.status) for r in rows] == [
        (K, Status.REGULATED),
        (OH, Status.RESTRICTED),
        (SYN, Status.REGULATED),
    ]


def test_emergency_rule_expires() -> None:
    rule = act(
        "oh-rule",
        Measure.RESTRICT,
        [("2025-12-12", Stage.ENACTED)],
        substances=[OH, SYN],
        expires="2026-06-10",
        kind=NoticeKind.EMERGENCY_RULE,
    )
    assert row(fold_status([rule], date(2026, 1, 1)), OH).status is Status.RESTRICTED
    lapsed = row(fold_status([rule], date(2026, 6, 10)), OH)
    # Nothing replaced it: the place had no other kratom law in the store, so the substances are legal again.
    assert (lapsed.status, lapsed.since, lapsed.evidence) == (
        Status.LEGAL,
        date(2026, 6, 10),
        ["https://example.org/oh-rule"],
    )


def test_withdrawal_drops_the_notice_of_intent() -> None:
    intent = act(
        "fr-2016-20803",
        Measure.BAN,
        [("2016-08-31", Stage.PROPOSED)],
        jurisdiction="US",
        source="federal_register",
        substances=[K, OH],
    )
    withdrawal = act(
        "fr-2016-24659",
        Measure.WITHDRAW,
        [("2016-10-13", Stage.PUBLISHED)],
        jurisdiction="US",
        source="federal_register",
        substances=[K, OH],
    )
    assert row(fold_status([intent, withdrawal], date(2016, 9, 1))).pending != []
    assert row(fold_status([intent, withdrawal], date(2016, 10, 13))).pending == []


def test_non_binding_resolution_sets_nothing() -> None:
    urge = act("hjr-147", Measure.BAN, [("2025-02-01", Stage.INTRODUCED)], binding=False, kind=NoticeKind.RESOLUTION)
    assert row(fold_status([urge], date(2025, 3, 1))) == StatusRow(
        jurisdiction="US-RI", substance=K, status=Status.UNKNOWN
    )


def test_stale_proposal_dies_with_its_session() -> None:
    old = act("old-bill", Measure.BAN, [("2019-01-10", Stage.INTRODUCED)])
    assert row(fold_status([old], date(2019, 6, 1))).pending != []
    assert row(fold_status([old], date(2022, 1, 1))).pending == []


def test_baseline_without_law_is_legal_with_evidence() -> None:
    checked = act(
        "baseline:US-AK",
        Measure.UNRELATED,
        [("2026-11-01", Stage.PUBLISHED)],
        source="baseline",
        substances=[K, OH, SYN],
        rule="baseline: no kratom-specific law found",
    )
    got = row(fold_status([checked], date(2026, 11, 24)))
    assert (got.status, got.since, got.evidence) == (Status.LEGAL, None, ["https://example.org/baseline:US-AK"])


def test_fold_is_deterministic_and_order_free() -> None:
    actions = [BAN_BILL, act("kcpa", Measure.REGULATE, [("2023-07-01", Stage.ENACTED)])]
    assert fold_status(actions, date(2026, 1, 1)) == fold_status(list(reversed(actions)), date(2026, 1, 1))
