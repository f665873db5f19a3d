"""Diffing two tables: each kind of change with the severity docs/vocabulary.md gives it."""

from __future__ import annotations

from datetime import date

from regwatch.domain.changes import broken_source_changes, diff_tables
from regwatch.domain.models import Action, PendingItem, ScheduledItem, SourceHealth, StageEvent, StatusRow
from regwatch.domain.vocab import ChangeKind, Measure, NoticeKind, Severity, Stage, Status, Substance

AS_OF = date(2026, 7, 1)


def row(status: Status = Status.LEGAL, **fields: object) -> StatusRow:
    return StatusRow.model_validate({"jurisdiction": "US-TN", "substance": "kratom", "status": status, **fields})


def action(
    notice: str, measure: Measure = Measure.BAN, kind: NoticeKind = NoticeKind.BILL, place: str = "US-TN"
) -> Action:
    return Action(
        notice=notice,
        jurisdiction=place,
        source="openstates",
        kind=kind,
        title=f"Bill {notice}",
        url=f"https://example.org/{notice}",
        published=date(2026, 1, 1),
        measure=measure,
        substances=[Substance.KRATOM],
        history=[StageEvent(date=date(2026, 1, 1), stage=Stage.INTRODUCED)],
        confidence=0.9,
        rule="test",
    )


def kinds_and_severities(old: StatusRow | None, new: StatusRow, actions: dict[str, Action]) -> list[tuple[str, str]]:
    previous = [old] if old else []
    return [(c.kind.value, c.severity.value) for c in diff_tables(previous, [new], "r", AS_OF, actions)]


def test_no_previous_table_reports_nothing() -> None:
    assert diff_tables(None, [row()], "r", AS_OF, {}) == []


def test_ban_taking_effect_is_critical_with_evidence() -> None:
    new = row(Status.BANNED, since=AS_OF, evidence=["https://example.org/hb1649"], deciding="hb1649")
    [change] = diff_tables([row()], [new], "r", AS_OF, {"hb1649": action("hb1649")})
    assert (change.kind, change.severity, change.old_status, change.new_status, change.effective) == (
        ChangeKind.STATUS_CHANGED,
        Severity.CRITICAL,
        Status.LEGAL,
        Status.BANNED,
        AS_OF,
    )
    assert change.notices == ["hb1649"] and change.evidence == ["https://example.org/hb1649"]
    assert change.summary == "Tennessee bans kratom from 2026-07-01 (was legal)"


def test_severity_of_status_changes() -> None:
    assert kinds_and_severities(row(), row(Status.REGULATED), {}) == [("status_changed", "medium")]
    assert kinds_and_severities(row(Status.BANNED), row(Status.REGULATED), {}) == [("status_changed", "high")]
    assert kinds_and_severities(row(Status.UNKNOWN), row(Status.LEGAL), {}) == [("status_changed", "low")]


def test_scheduled_ban_is_critical_and_regulation_medium() -> None:
    ban = row(scheduled=[ScheduledItem(status=Status.BANNED, effective=date(2026, 12, 1), notice="a")])
    reg = row(scheduled=[ScheduledItem(status=Status.REGULATED, effective=date(2026, 12, 1), notice="b")])
    assert kinds_and_severities(row(), ban, {}) == [("scheduled_added", "critical")]
    assert kinds_and_severities(row(), reg, {}) == [("scheduled_added", "medium")]


def test_pending_life() -> None:
    intro = row(pending=[PendingItem(measure=Measure.BAN, stage=Stage.INTRODUCED, notice="hb1")])
    passed = row(pending=[PendingItem(measure=Measure.BAN, stage=Stage.PASSED_CHAMBER, notice="hb1")])
    acts = {"hb1": action("hb1")}
    assert kinds_and_severities(row(), intro, acts) == [("pending_added", "medium")]
    assert kinds_and_severities(intro, passed, acts) == [("pending_advanced", "high")]
    assert kinds_and_severities(passed, row(), acts) == [("pending_dropped", "medium")]


def test_regulation_bill_introduced_is_low_and_emergency_rule_high() -> None:
    reg = row(pending=[PendingItem(measure=Measure.REGULATE, stage=Stage.INTRODUCED, notice="kcpa")])
    rule = row(pending=[PendingItem(measure=Measure.RESTRICT, stage=Stage.PROPOSED, notice="er")])
    acts = {"kcpa": action("kcpa", Measure.REGULATE), "er": action("er", Measure.RESTRICT, NoticeKind.EMERGENCY_RULE)}
    assert kinds_and_severities(row(), reg, acts) == [("pending_added", "low")]
    assert kinds_and_severities(row(), rule, acts) == [("pending_added", "high")]


def test_federal_notice_of_intent_is_high() -> None:
    new = StatusRow(
        jurisdiction="US",
        substance=Substance.SEVEN_OH,
        status=Status.LEGAL,
        pending=[PendingItem(measure=Measure.RESTRICT, stage=Stage.PROPOSED, notice="fr")],
    )
    old = StatusRow(jurisdiction="US", substance=Substance.SEVEN_OH, status=Status.LEGAL)
    assert kinds_and_severities(old, new, {"fr": action("fr", Measure.RESTRICT, NoticeKind.NOTICE, "US")}) == [
        ("pending_added", "high")
    ]


def test_same_change_found_twice_has_the_same_id() -> None:
    new = row(Status.BANNED, since=AS_OF)
    first = diff_tables([row()], [new], "run-a", AS_OF, {})
    second = diff_tables([row()], [new], "run-b", AS_OF, {})
    assert [c.id for c in first] == [c.id for c in second]


def test_broken_source_is_reported_and_skipped_source_is_not() -> None:
    health = [
        SourceHealth(source="fda", ok=False, message="layout not recognised at /news"),
        SourceHealth(source="congress", ok=False, skipped=True, message="no API key"),
        SourceHealth(source="dea", ok=True, items=3),
    ]
    [change] = broken_source_changes(health, "r", AS_OF)
    assert (change.kind, change.severity, change.source) == (ChangeKind.SOURCE_BROKEN, Severity.HIGH, "fda")
    assert "layout not recognised" in change.summary


def test_amendment_that_keeps_the_status_is_low() -> None:
    amended = row(
        Status.REGULATED, scheduled=[ScheduledItem(status=Status.REGULATED, effective=date(2026, 8, 1), notice="a")]
    )
    [change] = diff_tables([row(Status.REGULATED)], [amended], "r", AS_OF, {"a": action("a", Measure.REGULATE)})
    assert (change.kind, change.severity) == (ChangeKind.SCHEDULED_ADDED, Severity.LOW)
    assert change.summary == ("Tennessee: new rules for kratom take effect 2026-08-01, status stays regulated: Bill a")
