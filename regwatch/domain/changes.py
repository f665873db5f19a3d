"""Diff two status tables into Changes, each with its severity (docs/vocabulary.md) and its evidence."""

from __future__ import annotations

from datetime import date, timedelta

from regwatch.domain import jurisdictions
from regwatch.domain.models import Action, Change, PendingItem, SourceHealth, StatusRow
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

# A ban or restriction taking effect within this window is critical (docs/vocabulary.md, Severities).
IMMINENT = timedelta(days=30)
_STRICT = (Status.BANNED, Status.RESTRICTED)
_CHAMBER_STAGES = (Stage.PASSED_CHAMBER, Stage.PASSED_LEGISLATURE)
_NEWS_MEASURES = (Measure.ENFORCE, Measure.STUDY, Measure.PROTECT, Measure.WITHDRAW)


def most_severe_first(changes: list[Change]) -> list[Change]:
    """The one order changes are read in (runs, reports, feeds, digests): most severe first; within a severity,
    places before broken sources, the soonest effective date first, then place, substance and id."""
    return sorted(
        changes,
        key=lambda c: (
            -c.severity.rank,
            c.jurisdiction is None,
            c.effective or date.max,
            c.jurisdiction or "",
            c.substance or "",
            c.id,
        ),
    )


def diff_tables(
    previous: list[StatusRow] | None,
    current: list[StatusRow],
    run: str,
    as_of: date,
    actions: dict[str, Action],
) -> list[Change]:
    """Changes from `previous` to `current`. With no previous table there is nothing to compare: none."""
    if previous is None:
        return []
    before = {row.key: row for row in previous}
    # Evidence URL -> notices, built once: looking each change's evidence up in every action made the
    # diff grow with changes x notices.
    by_url: dict[str, list[str]] = {}
    for action in actions.values():
        if action.url:
            by_url.setdefault(action.url, []).append(action.notice)
    changes: list[Change] = []
    for row in current:
        old = before.get(row.key)
        changes.extend(_status_change(old, row, run, by_url))
        changes.extend(_scheduled_changes(old, row, run, as_of, actions))
        changes.extend(_pending_changes(old, row, run, as_of, actions))
    return changes


def news_changes(new_notices: list[Action], run: str) -> list[Change]:
    """Enforcement, studies, withdrawals and non-binding texts seen for the first time: low news."""
    out = []
    for a in new_notices:
        if a.measure in _NEWS_MEASURES or (not a.binding and a.measure is not Measure.UNRELATED):
            place = jurisdictions.name(a.jurisdiction)
            out.append(
                Change(
                    id=Change.make_id("news", a.notice),
                    run=run,
                    kind=ChangeKind.NEWS,
                    severity=Severity.LOW,
                    jurisdiction=a.jurisdiction,
                    substance=a.substances[0] if a.substances else None,
                    measure=a.measure,
                    stage=a.history[-1].stage,
                    summary=f"{place}: {a.measure.value} - {a.title}",
                    notices=[a.notice],
                    evidence=[a.url] if a.url else [],
                )
            )
    return out


def is_news(action: Action) -> bool:
    """Whether an action is reported as news rather than as a change of status."""
    return action.measure in _NEWS_MEASURES or (not action.binding and action.measure is not Measure.UNRELATED)


def broken_source_changes(health: list[SourceHealth], run: str, as_of: date) -> list[Change]:
    """A source that failed is reported as broken: never as no change, never as everything removed."""
    return [
        Change(
            id=Change.make_id("source_broken", h.source, as_of),
            run=run,
            kind=ChangeKind.SOURCE_BROKEN,
            severity=Severity.HIGH,
            source=h.source,
            summary=f"Source {h.source} is broken: {h.message}. Statuses it covers keep their last verified date.",
        )
        for h in health
        if not h.ok and not h.skipped
    ]


def _status_change(old: StatusRow | None, new: StatusRow, run: str, by_url: dict[str, list[str]]) -> list[Change]:
    old_status = old.status if old else Status.UNKNOWN
    if old_status == new.status:
        return []
    if old_status is Status.UNKNOWN and new.status is Status.LEGAL:
        severity = Severity.LOW
    elif new.status in _STRICT:
        severity = Severity.CRITICAL
    elif old_status in _STRICT:
        severity = Severity.HIGH  # a ban or restriction lifted: sellers may act on it at once
    else:
        severity = Severity.MEDIUM
    place = jurisdictions.name(new.jurisdiction)
    since = f" from {new.since.isoformat()}" if new.since else ""
    return [
        Change(
            id=Change.make_id("status", new.jurisdiction, new.substance, old_status, new.status, new.since),
            run=run,
            kind=ChangeKind.STATUS_CHANGED,
            severity=severity,
            jurisdiction=new.jurisdiction,
            substance=new.substance,
            old_status=old_status,
            new_status=new.status,
            effective=new.since,
            summary=f"{place} {_verb(new.status, new.substance)}{since} (was {old_status.value})",
            notices=_notices_for(new.evidence, by_url),
            evidence=list(new.evidence),
        )
    ]


def _scheduled_changes(
    old: StatusRow | None, new: StatusRow, run: str, as_of: date, actions: dict[str, Action]
) -> list[Change]:
    before = {(s.notice, s.effective) for s in old.scheduled} if old else set()
    after = {(s.notice, s.effective) for s in new.scheduled}
    place = jurisdictions.name(new.jurisdiction)
    out = []
    for item in new.scheduled:
        if (item.notice, item.effective) in before:
            continue
        if item.status is new.status:
            severity = Severity.LOW  # an amendment that leaves the status as it is (a new age limit, say)
        elif item.status in _STRICT:
            severity = Severity.CRITICAL
        elif item.status is Status.LEGAL:
            severity = Severity.HIGH
        else:
            severity = Severity.MEDIUM
        soon = " (within 30 days)" if item.effective - as_of <= IMMINENT else ""
        out.append(
            _about(
                ChangeKind.SCHEDULED_ADDED,
                severity,
                new,
                item.notice,
                run,
                actions,
                summary=_scheduled_summary(place, item.status, new, item.effective, soon, actions.get(item.notice)),
                new_status=item.status,
                effective=item.effective,
                old_status=new.status,
            )
        )
    for item in old.scheduled if old else []:
        now_in_force = new.since == item.effective and new.status == item.status
        if (item.notice, item.effective) not in after and not now_in_force:
            out.append(
                _about(
                    ChangeKind.SCHEDULED_DROPPED,
                    Severity.MEDIUM,
                    new,
                    item.notice,
                    run,
                    actions,
                    summary=f"{place}: the change to {item.status.value} for {new.substance.value} "
                    f"due {item.effective.isoformat()} is no longer scheduled",
                    new_status=new.status,
                    effective=item.effective,
                    old_status=item.status,
                )
            )
    return out


def _scheduled_summary(
    place: str, status: Status, row: StatusRow, effective: date, soon: str, action: Action | None
) -> str:
    if status is row.status:
        what = f": {action.title}" if action else ""
        return (
            f"{place}: new rules for {row.substance.value} take effect {effective.isoformat()}{soon}, "
            f"status stays {status.value}{what}"
        )
    return f"{place} {_verb(status, row.substance)} from {effective.isoformat()}{soon}"


def _pending_changes(
    old: StatusRow | None, new: StatusRow, run: str, as_of: date, actions: dict[str, Action]
) -> list[Change]:
    before = {p.notice: p for p in old.pending} if old else {}
    after = {p.notice: p for p in new.pending}
    place = jurisdictions.name(new.jurisdiction)
    out = []
    for notice, item in after.items():
        prior = before.get(notice)
        if prior is None:
            severity = _pending_severity(item, new.jurisdiction, actions.get(notice))
            kind, verb = ChangeKind.PENDING_ADDED, f"{item.stage.value.replace('_', ' ')}"
        elif prior.stage != item.stage:
            severity = Severity.HIGH if item.stage in _CHAMBER_STAGES else Severity.LOW
            kind, verb = ChangeKind.PENDING_ADVANCED, f"advanced to {item.stage.value.replace('_', ' ')}"
        else:
            continue
        title = actions[notice].title if notice in actions else notice
        out.append(
            _about(
                kind,
                severity,
                new,
                notice,
                run,
                actions,
                stage=item.stage,
                measure=item.measure,
                summary=f"{place}: {_NOUN[item.measure]} of {_NAMES[new.substance]} {verb}: {title}",
            )
        )
    for notice, item in before.items():
        action = actions.get(notice)
        stage = action.stage_on(as_of) if action else None
        if notice in after or stage in IN_FORCE_STAGES:
            continue  # still pending, or it became law: the status or scheduled change reports that
        severity = Severity.MEDIUM if item.measure in (Measure.BAN, Measure.RESTRICT, Measure.UNBAN) else Severity.LOW
        ended = stage.value if stage else "no longer tracked"
        out.append(
            _about(
                ChangeKind.PENDING_DROPPED,
                severity,
                new,
                notice,
                run,
                actions,
                stage=stage,
                measure=item.measure,
                summary=f"{place}: proposed {_NOUN[item.measure]} of {_NAMES[new.substance]} dropped ({ended})",
            )
        )
    return out


def _pending_severity(item: PendingItem, place: str, action: Action | None) -> Severity:
    if item.stage in _CHAMBER_STAGES:
        return Severity.HIGH
    if action is not None and action.kind is NoticeKind.EMERGENCY_RULE:
        return Severity.HIGH
    if place == "US" and item.stage is Stage.PROPOSED and item.measure in (Measure.BAN, Measure.RESTRICT):
        return Severity.HIGH  # a federal notice of intent to schedule
    if item.measure in (Measure.BAN, Measure.RESTRICT, Measure.UNBAN):
        return Severity.MEDIUM
    return Severity.LOW


def _about(
    kind: ChangeKind,
    severity: Severity,
    row: StatusRow,
    notice: str,
    run: str,
    actions: dict[str, Action],
    summary: str,
    **fields: object,
) -> Change:
    action = actions.get(notice)
    return Change(
        id=Change.make_id(kind, row.jurisdiction, row.substance, notice, fields.get("stage"), fields.get("effective")),
        run=run,
        kind=kind,
        severity=severity,
        jurisdiction=row.jurisdiction,
        substance=row.substance,
        summary=summary,
        notices=[notice],
        evidence=[action.url] if action and action.url else [],
        **fields,
    )


def _notices_for(urls: list[str], by_url: dict[str, list[str]]) -> list[str]:
    return sorted(notice for url in set(urls) for notice in by_url.get(url, ()))


_NAMES = {Substance.KRATOM: "kratom", Substance.SEVEN_OH: "7-OH", Substance.SYNTHETIC: "synthetic alkaloids"}
_NOUN = {
    Measure.BAN: "ban",
    Measure.RESTRICT: "restriction",
    Measure.REGULATE: "regulation",
    Measure.UNBAN: "repeal",
    Measure.PROTECT: "protection",
    Measure.STUDY: "study",
    Measure.WITHDRAW: "withdrawal",
    Measure.ENFORCE: "enforcement",
    Measure.UNRELATED: "notice",
}
_VERBS = {
    Status.BANNED: "bans",
    Status.RESTRICTED: "restricts",
    Status.REGULATED: "regulates",
    Status.LEGAL: "makes legal",
    Status.UNKNOWN: "has no known status for",
}


def _verb(status: Status, substance: Substance) -> str:
    return f"{_VERBS[status]} {_NAMES[substance]}"
