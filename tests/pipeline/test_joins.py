"""A report joins the one nearest official act of its place (events._groups); joins.joined names it from briefs."""

from __future__ import annotations

from datetime import date, timedelta

from regwatch.domain.events import REPORT_WINDOW, group_events
from regwatch.domain.models import Action, StageEvent
from regwatch.domain.vocab import Measure, NoticeKind, Stage, Substance
from regwatch.pipeline import joins

AS_OF = date(2026, 11, 1)
DAY = date(2026, 6, 1)


def _act(notice: str, day: date, *, reported: bool = False, substance: Substance = Substance.SEVEN_OH) -> Action:
    return Action(
        notice=notice,
        jurisdiction="US-TX",
        source="dea",
        kind=NoticeKind.PRESS_RELEASE,
        title=notice,
        published=day,
        measure=Measure.RESTRICT,
        substances=[substance],
        history=[StageEvent(date=day, stage=Stage.ENACTED if reported else Stage.PUBLISHED)],
        confidence=0.9,
        rule="hand-made",
        reported=reported,
    )


def _joined_by_the_fold(report: Action, quiet: list[Action]) -> set[str]:
    """The quiet acts the fold puts in the report's event when it sees them all."""
    [event] = [e for e in group_events([report, *quiet]) if report.notice in e.members]
    return set(event.members) - {report.notice}


def test_the_nearest_act_is_joined_and_ties_go_to_the_smaller_id() -> None:
    report = _act("report", DAY, reported=True)
    cases = [
        [_act("b-before", DAY - timedelta(days=5)), _act("a-after", DAY + timedelta(days=5))],  # a tie: smaller id
        [_act("a-far", DAY - timedelta(days=9)), _act("b-near", DAY + timedelta(days=3))],  # nearer wins
        [_act("a-other", DAY, substance=Substance.KRATOM), _act("b-same", DAY + timedelta(days=40))],  # same status
        [_act("a-out", DAY - REPORT_WINDOW - timedelta(days=1))],  # outside the window: none
    ]
    for quiet in cases:
        left_out = [(a.notice, a.published, tuple(joins.pair_names(a))) for a in quiet]
        assert joins.joined([report], {report.notice: set()}, left_out, AS_OF) == _joined_by_the_fold(report, quiet)
    assert _joined_by_the_fold(report, cases[0]) == {"a-after"}


def test_an_official_act_held_whole_can_be_the_nearest() -> None:
    report = _act("report", DAY, reported=True)
    held = _act("held", DAY + timedelta(days=1))
    quiet = _act("quiet", DAY - timedelta(days=2))
    left_out = [(quiet.notice, quiet.published, tuple(joins.pair_names(quiet)))]
    assert joins.joined([report, held], {report.notice: set(), held.notice: set()}, left_out, AS_OF) == set()


def test_keys_shared_only_among_left_out_readings_keep_them_out_together() -> None:
    held = {"h1": {"fr:1"}}
    waiting = [
        ("w1", ("fr:1",), False),  # shares a key with a held reading: read whole
        ("w2", ("fr:2",), False),
        ("w3", ("fr:2", "fr:3"), False),
        ("w4", ("fr:3",), False),  # w2, w3, w4: one event of left-out readings that set no status
        ("w5", ("fr:9",), False),  # alone
        ("w6", ("fr:4",), True),
        ("w7", ("fr:4",), False),  # w6 is joined by a report: its event is read whole
        ("w8", ("fr:5",), True),
        ("w9", ("fr:5",), False),  # w8 sets a status: their event may move the table, read whole
    ]
    whole, groups = joins.by_keys(held, waiting, joined={"w6"})
    assert whole == {"w1", "w6", "w7", "w8", "w9"}
    assert groups == dict.fromkeys(["w2", "w3", "w4"], ("w2", "w3", "w4"))
