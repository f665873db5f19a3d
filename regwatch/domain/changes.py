"""Diff two status tables into Changes, each with its severity (docs/vocabulary.md) and its evidence."""

from __future__ import annotations

from datetime import date, timedelta

from regwatch.domain import jurisdictions
from regwatch.domain.explain import explain
from regwatch.domain.models import Action, Change, SourceHealth, StatusRow
from regwatch.domain.moves import Move, conflict_moves, pending_moves, scheduled_moves, status_moves
from regwatch.domain.vocab import ChangeKind, Measure, Severity, Status, Substance

# A ban or restriction taking effect within this window is critical (docs/vocabulary.md, Severities).
IMMINENT = timedelta(days=30)
_CELL_KINDS = (ChangeKind.STATUS_CHANGED, ChangeKind.STATUS_CORRECTED, ChangeKind.CONFLICT)
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
    *,
    previous_as_of: date | None = None,
) -> list[Change]:
    """Changes from `previous` to `current`, one per legal event. With no previous table there is nothing to
    compare: none (the first run on a store establishes the table).

    `actions` maps every notice id to its event (events.py), so that one act reported by several notices
    is one change. A status already in force on `previous_as_of` is no change of the law: where the table
    said unknown it is only established, where it said something else it is a correction (`high`).
    """
    if previous is None:
        return []
    before = {row.key: row for row in previous}
    moves: list[Move] = []
    for row in current:
        old = before.get(row.key)
        moves.extend(status_moves(old, row, actions, previous_as_of))
        moves.extend(conflict_moves(old, row, actions))
        moves.extend(scheduled_moves(old, row, as_of, actions))
        moves.extend(pending_moves(old, row, as_of, actions))
    groups: dict[tuple[object, ...], list[Move]] = {}
    for move in moves:
        groups.setdefault(move.group(), []).append(move)
    return [_change(group, run, as_of, actions) for group in groups.values()]


def _change(moves: list[Move], run: str, as_of: date, actions: dict[str, Action]) -> Change:
    """One change for the moves of one event: every substance it moves, the gravest move's severity."""
    lead = max(moves, key=lambda m: (m.severity.rank, -list(Substance).index(m.substance)))
    substances = [s for s in Substance if any(m.substance is s for m in moves)]
    action = actions.get(lead.event) if lead.event else None
    evidence = list(dict.fromkeys(url for m in moves for url in _evidence(m, action)))
    notices = sorted(action.members) if action is not None and action.members else ([lead.event] if lead.event else [])
    reported = action is not None and action.reported
    summary = _summary(moves, lead, as_of, action)
    if reported:
        summary += f" (reported; official text not yet seen; {action.reliability.value} source)"  # type: ignore[union-attr]
    identity = sorted((m.substance.value, str(m.old_status), str(m.new_status)) for m in moves)
    return Change(
        id=Change.make_id(lead.kind, lead.row.jurisdiction, lead.event, lead.effective, lead.stage, identity),
        run=run,
        kind=lead.kind,
        severity=lead.severity,
        jurisdiction=lead.row.jurisdiction,
        substance=substances[0],
        substances=substances,
        old_status=lead.old_status,
        new_status=lead.new_status,
        effective=lead.effective,
        stage=lead.stage,
        measure=lead.measure,
        summary=summary,
        notices=notices,
        evidence=evidence,
        reliability=action.reliability if action is not None else lead.row.reliability,
        reported=reported,
        explanation=explain(lead.row, actions) if lead.kind in _CELL_KINDS else "",
    )


def _evidence(move: Move, action: Action | None) -> list[str]:
    if move.kind in (ChangeKind.STATUS_CHANGED, ChangeKind.STATUS_CORRECTED, ChangeKind.CONFLICT):
        return list(move.row.evidence)
    if action is None:
        return []
    return list(action.urls or ([action.url] if action.url else []))


def _summary(moves: list[Move], lead: Move, as_of: date, action: Action | None) -> str:
    place = jurisdictions.name(lead.row.jurisdiction)
    title = f": {action.title}" if action is not None else ""
    if lead.kind is ChangeKind.CONFLICT:
        others = sorted({n for m in moves for n in m.row.conflict})
        said = f"{lead.new_status.value} " if lead.new_status else ""
        return (
            f"{place}: sources disagree on {_names(moves)}: the table says {said}on the evidence of "
            f"{lead.row.deciding}; {', '.join(others)} read{'s' if len(others) == 1 else ''} it otherwise. "
            "Under review until an analyst decides"
        )
    if lead.kind is ChangeKind.STATUS_CHANGED and lead.row.lapsed:
        expired = action.expires.isoformat() if action is not None and action.expires else "its end date"
        return f"{place}: the emergency rule on {_names(moves)} expired on {expired}; nothing replaced it" + (
            f", so {_names(moves)} {'is' if len(moves) == 1 else 'are'} {lead.new_status.value} again"
            if lead.new_status
            else ""
        )
    if lead.kind is ChangeKind.STATUS_CHANGED:
        since = f" from {lead.effective.isoformat()}" if lead.effective else ""
        return f"{place} {_moves_in_words(moves)}{since} (was {_before_in_words(moves)})"
    if lead.kind is ChangeKind.STATUS_CORRECTED:
        since = f" since {lead.effective.isoformat()}" if lead.effective else " (in force before the last run)"
        was = _before_in_words(moves)
        return (
            f"Correction: {place} {_moves_in_words(moves)}{since}; the table said {was}. "
            "The law did not change, the evidence did"
        )
    if lead.kind is ChangeKind.SCHEDULED_ADDED:
        assert lead.effective is not None
        soon = " (within 30 days)" if lead.effective - as_of <= IMMINENT else ""
        if all(m.new_status is m.row.status for m in moves):
            return (
                f"{place}: new rules for {_names(moves)} take effect {lead.effective.isoformat()}{soon}, "
                f"status stays {lead.row.status.value}{title}"
            )
        return f"{place} {_moves_in_words(moves)} from {lead.effective.isoformat()}{soon}"
    if lead.kind is ChangeKind.SCHEDULED_DROPPED:
        due = lead.effective.isoformat() if lead.effective else "?"
        return f"{place}: the change to {lead.old_status} for {_names(moves)} due {due} is no longer scheduled"
    noun = _NOUN[lead.measure or Measure.UNRELATED]
    stage = (lead.stage.value if lead.stage else "no longer tracked").replace("_", " ")
    if lead.kind is ChangeKind.PENDING_DROPPED:
        return f"{place}: proposed {noun} of {_names(moves)} dropped ({stage})"
    verb = stage if lead.kind is ChangeKind.PENDING_ADDED else f"advanced to {stage}"
    return f"{place}: {noun} of {_names(moves)} {verb}{title}"


def _names(moves: list[Move]) -> str:
    """The substances moved, in words: "kratom and its alkaloids" when all three move."""
    substances = [s for s in Substance if any(m.substance is s for m in moves)]
    if len(substances) == len(Substance):
        return "kratom and its alkaloids"
    return " and ".join(_NAMES[s] for s in substances)


def _before_in_words(moves: list[Move]) -> str:
    """The statuses before: "legal", or "regulated for kratom, restricted for 7-OH" when they differ."""
    by_status: dict[Status, list[Move]] = {}
    for move in moves:
        if move.old_status is not None:
            by_status.setdefault(move.old_status, []).append(move)
    if len(by_status) == 1:
        return next(iter(by_status)).value
    return ", ".join(f"{status.value} for {_names(group)}" for status, group in by_status.items())


def _moves_in_words(moves: list[Move]) -> str:
    """What the event does to each substance: "bans kratom and its alkaloids", "regulates kratom and restricts 7-OH"."""
    by_status: dict[Status, list[Move]] = {}
    for move in moves:
        if move.new_status is not None:
            by_status.setdefault(move.new_status, []).append(move)
    parts = [f"{_VERBS[status]} {_names(group)}" for status, group in by_status.items()]
    return " and ".join(parts)


def news_changes(new_notices: list[Action], run: str) -> list[Change]:
    """Enforcement, studies, withdrawals and non-binding texts seen for the first time: low news."""
    out = []
    for a in new_notices:
        if is_news(a):
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
    return action.measure in _NEWS_MEASURES or (
        not action.binding and action.measure not in (Measure.UNRELATED, Measure.UNCLASSIFIED)
    )


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
    Measure.UNCLASSIFIED: "notice",
}
_VERBS = {
    Status.BANNED: "bans",
    Status.RESTRICTED: "restricts",
    Status.REGULATED: "regulates",
    Status.LEGAL: "makes legal",
    Status.UNKNOWN: "has no known status for",
}
