"""What moved in one cell between two tables (a Move), before moves of one legal event become one Change.

A move is per jurisdiction and substance, as the table is; changes.py groups the moves that one event
causes (the same kind, event and date) into one change naming every substance it moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from regwatch.domain.models import Action, PendingItem, StatusRow
from regwatch.domain.vocab import (
    IN_FORCE_STAGES,
    ChangeKind,
    Measure,
    NoticeKind,
    Severity,
    Stage,
    Status,
    Substance,
)

STRICT = (Status.BANNED, Status.RESTRICTED)
CHAMBER_STAGES = (Stage.PASSED_CHAMBER, Stage.PASSED_LEGISLATURE)


@dataclass(frozen=True)
class Move:
    """One cell's move: its kind, how severe, and the event (lead notice) behind it."""

    kind: ChangeKind
    severity: Severity
    row: StatusRow
    event: str | None
    old_status: Status | None = None
    new_status: Status | None = None
    effective: date | None = None
    stage: Stage | None = None
    measure: Measure | None = None

    @property
    def substance(self) -> Substance:
        return self.row.substance

    def group(self) -> tuple[object, ...]:
        """Moves with one group are one change: the same kind of step of one event in one place."""
        if self.kind in (ChangeKind.STATUS_CHANGED, ChangeKind.STATUS_CORRECTED, ChangeKind.CONFLICT):
            return (self.kind, self.row.jurisdiction, self.event, self.effective, self.row.lapsed)
        return (self.kind, self.row.jurisdiction, self.event, self.effective, self.stage)


def event_of(notice: str | None, actions: dict[str, Action]) -> str | None:
    """The event a notice belongs to (its lead notice), or the notice itself when unknown."""
    if notice is None:
        return None
    action = actions.get(notice)
    return action.notice if action is not None else notice


def status_moves(
    old: StatusRow | None, new: StatusRow, actions: dict[str, Action], previous_as_of: date | None
) -> list[Move]:
    old_status = old.status if old else Status.UNKNOWN
    if old_status == new.status:
        return []
    event = event_of(new.deciding, actions)
    already = previous_as_of is not None and (new.since is None or new.since <= previous_as_of)
    if already:
        # In force before the last run: the law did not change, our knowledge of it did.
        if old_status is Status.UNKNOWN:
            return []
        severity = Severity.HIGH if new.status in STRICT or old_status in STRICT else Severity.MEDIUM
        return [Move(ChangeKind.STATUS_CORRECTED, severity, new, event, old_status, new.status, new.since)]
    if old_status is Status.UNKNOWN and new.status is Status.LEGAL:
        severity = Severity.LOW
    elif new.lapsed:
        severity = Severity.HIGH  # an emergency rule expired with nothing in its place
    elif new.status in STRICT:
        severity = Severity.CRITICAL
    elif old_status in STRICT:
        severity = Severity.HIGH  # a ban or restriction lifted: sellers may act on it at once
    else:
        severity = Severity.MEDIUM
    return [Move(ChangeKind.STATUS_CHANGED, severity, new, event, old_status, new.status, new.since)]


def conflict_moves(old: StatusRow | None, new: StatusRow, actions: dict[str, Action]) -> list[Move]:
    """A conflict the last table did not show: sources read this cell differently until someone decides."""
    if not set(new.conflict) - set(old.conflict if old else []):
        return []
    return [Move(ChangeKind.CONFLICT, Severity.HIGH, new, event_of(new.deciding, actions), new_status=new.status)]


def scheduled_moves(old: StatusRow | None, new: StatusRow, as_of: date, actions: dict[str, Action]) -> list[Move]:
    before = {(event_of(s.notice, actions), s.effective) for s in old.scheduled} if old else set()
    after = {(event_of(s.notice, actions), s.effective) for s in new.scheduled}
    out = []
    for item in new.scheduled:
        event = event_of(item.notice, actions)
        if (event, item.effective) in before:
            continue
        if item.status is new.status:
            severity = Severity.LOW  # an amendment that leaves the status as it is (a new age limit, say)
        elif item.status in STRICT:
            severity = Severity.CRITICAL
        elif item.status is Status.LEGAL:
            severity = Severity.HIGH
        else:
            severity = Severity.MEDIUM
        out.append(Move(ChangeKind.SCHEDULED_ADDED, severity, new, event, new.status, item.status, item.effective))
    for item in old.scheduled if old else []:
        event = event_of(item.notice, actions)
        # Its day came: it is in force now (the status change, if any, reports it), not dropped.
        took_effect = item.effective <= as_of and new.status == item.status
        if (event, item.effective) not in after and not took_effect:
            out.append(
                Move(ChangeKind.SCHEDULED_DROPPED, Severity.MEDIUM, new, event, item.status, new.status, item.effective)
            )
    return out


def pending_moves(old: StatusRow | None, new: StatusRow, as_of: date, actions: dict[str, Action]) -> list[Move]:
    before = {event_of(p.notice, actions): p for p in old.pending} if old else {}
    after = {event_of(p.notice, actions): p for p in new.pending}
    out = []
    for event, item in after.items():
        prior = before.get(event)
        if prior is None:
            severity = pending_severity(item, new.jurisdiction, actions.get(item.notice))
            kind = ChangeKind.PENDING_ADDED
        elif prior.stage != item.stage:
            severity = Severity.HIGH if item.stage in CHAMBER_STAGES else Severity.LOW
            kind = ChangeKind.PENDING_ADVANCED
        else:
            continue
        out.append(Move(kind, severity, new, event, stage=item.stage, measure=item.measure))
    for event, item in before.items():
        action = actions.get(item.notice)
        stage = action.stage_on(as_of) if action else None
        if event in after or stage in IN_FORCE_STAGES:
            continue  # still pending, or it became law: the status or scheduled change reports that
        severity = Severity.MEDIUM if item.measure in (Measure.BAN, Measure.RESTRICT, Measure.UNBAN) else Severity.LOW
        out.append(Move(ChangeKind.PENDING_DROPPED, severity, new, event, stage=stage, measure=item.measure))
    return out


def pending_severity(item: PendingItem, place: str, action: Action | None) -> Severity:
    if item.stage in CHAMBER_STAGES:
        return Severity.HIGH
    if action is not None and action.kind is NoticeKind.EMERGENCY_RULE:
        return Severity.HIGH
    if place == "US" and item.stage is Stage.PROPOSED and item.measure in (Measure.BAN, Measure.RESTRICT):
        return Severity.HIGH  # a federal notice of intent to schedule
    if item.measure in (Measure.BAN, Measure.RESTRICT, Measure.UNBAN):
        return Severity.MEDIUM
    return Severity.LOW
