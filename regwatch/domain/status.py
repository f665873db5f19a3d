"""Fold actions into the jurisdiction x substance status table for an as-of date.

A pure function of the actions and the date: the same inputs always give the same table, and an
earlier as-of date sees only what had happened by then (backfills are just earlier dates).

Notices that report one legal act are folded as one event (events.py). Each act applies every provision
it holds to the substances that provision reaches; within one act the strictest provision wins per
substance, and acts apply in the order they took effect (on one date, the stricter last).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from regwatch.domain.events import group_events
from regwatch.domain.models import Action, PendingItem, Provision, ScheduledItem, StatusRow
from regwatch.domain.vocab import (
    IN_FORCE_STAGES,
    PROPOSAL_STAGES,
    STATUS_MEASURES,
    STATUS_STRICTNESS,
    DatePrecision,
    Measure,
    Reliability,
    Stage,
    Status,
    Substance,
)

BASELINE = "baseline"

# A proposal with no recorded step for this long has died with its session: US legislatures sit for
# at most two years, and sources do not always record the death.
STALE_PROPOSAL = timedelta(days=730)


@dataclass
class _Cell:
    """The running state of one substance while acts are applied in date order."""

    status: Status = Status.UNKNOWN
    since: date | None = None
    specific: bool = False  # set by a provision naming this substance, not inherited from kratom
    act: Action | None = None  # the act that decides the cell
    provision: Provision | None = None
    lapsed: bool = False
    evidence: list[str] = field(default_factory=list)


def covered(action: Action) -> list[Substance]:
    """Substances any provision of an action reaches."""
    reached = {s for p in action.provisions for s in p.covers()}
    return [s for s in Substance if s in reached]


def in_force_from(action: Action) -> date:
    """The day the action takes legal effect (for an undated fact: the earliest date there is)."""
    if action.undated:
        return date.min
    return action.effective or action.date_of(Stage.EFFECTIVE) or action.date_of(Stage.ENACTED) or action.published


def sets_status(action: Action) -> bool:
    return any(p.measure in STATUS_MEASURES for p in action.provisions)


def ruling(action: Action, substance: Substance) -> tuple[Provision, bool] | None:
    """The provision of an act that decides a substance (the strictest reaching it) and whether it names it."""
    best: tuple[int, bool, Provision] | None = None
    for provision in action.provisions:
        status = provision.status
        if status is None or substance not in provision.covers():
            continue
        named = substance in provision.substances
        rank = (STATUS_STRICTNESS[status], named)
        if best is None or rank > best[:2]:
            best = (*rank, provision)
    return (best[2], best[1]) if best else None


def fold_status(actions: Iterable[Action], as_of: date, verified: dict[str, date] | None = None) -> list[StatusRow]:
    """The status table on `as_of`, one row per jurisdiction and substance, sorted."""
    by_place = _visible(actions, as_of)
    rows: list[StatusRow] = []
    for place in sorted(by_place):
        known = any(a.source == BASELINE for a in by_place[place])
        rows.extend(_rows_for(group_events(by_place[place]), as_of, verified or {}, known))
    return rows


def fold_place(
    place: str,
    actions: list[Action],
    as_of: date,
    verified: dict[str, date] | None = None,
    seen: Iterable[tuple[str, date | None]] = (),
    keys: Mapping[str, set[str]] | None = None,
) -> tuple[list[StatusRow], list[Action]] | None:
    """`fold_status` of one jurisdiction's actions (None when none is visible on `as_of`), with its events.

    `seen` stands for readings left out because they cannot move the table (regwatch.pipeline.readings:
    no provision sets a status, no withdrawal, no baseline fact, an event of their own): only the day their
    source last answered counts (the rows' `last_verified`), as (source, day retrieved) pairs. `keys`: the
    actions' event keys where the caller has them (events.group_events).
    """
    acts = [a for a in actions if is_visible(a, as_of)]
    seen = set(seen)
    if not acts and not seen:
        return None
    known = any(a.source == BASELINE for a in acts)
    events = group_events(acts, keys)
    return _rows_for(events, as_of, verified or {}, known, place, seen), events


def events_by_notice(actions: Iterable[Action], as_of: date) -> dict[str, Action]:
    """Every notice id -> the event it belongs to on `as_of` (as the fold groups them); a notice not yet
    visible on that date maps to its own reading."""
    actions = list(actions)
    out = {a.notice: a for a in actions}
    for event in group_events(a for acts in _visible(actions, as_of).values() for a in acts):
        out.update(dict.fromkeys(event.members, event))
    return out


def _visible(actions: Iterable[Action], as_of: date) -> dict[str, list[Action]]:
    """Actions that had appeared by `as_of`, by jurisdiction (undated facts hold at every date)."""
    by_place: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if is_visible(action, as_of):
            by_place[action.jurisdiction].append(action)
    return by_place


def is_visible(action: Action, as_of: date) -> bool:
    return action.undated or (action.published <= as_of and action.stage_on(as_of) is not None)


def _rows_for(
    acts: list[Action],
    as_of: date,
    verified: dict[str, date],
    baseline: bool,
    place: str | None = None,
    seen: set[tuple[str, date | None]] | None = None,
) -> list[StatusRow]:
    withdrawn = _withdrawn(acts, as_of)
    in_force = _in_force(acts, as_of)
    # Legal means "no kratom-specific law": only a checked baseline or a law in force (or one that was in
    # force and has lapsed) shows that.
    known = bool(in_force) or baseline or any(_lapsed(a, as_of) for a in acts)
    cells = _fold_cells(in_force, known)
    _date_lapses(cells, acts, as_of)
    for action in acts:
        if action.measure is Measure.UNRELATED and action.source == BASELINE and action.url:
            for cell in cells.values():
                if cell.act is None:
                    cell.evidence.append(action.url)
                    cell.act = action
    conflicts = _conflicts(cells, in_force)
    scheduled = _scheduled(acts, in_force, as_of, known)
    last_verified = _last_verified(acts, as_of, verified, seen or set())
    proposals = _proposals(acts, as_of, withdrawn)
    return [
        StatusRow(
            jurisdiction=place or acts[0].jurisdiction,
            substance=substance,
            status=cell.status,
            since=cell.since,
            since_precision=_precision(cell),
            pending=_pending(proposals, substance),
            scheduled=scheduled[substance],
            evidence=list(dict.fromkeys(cell.evidence)),
            last_verified=last_verified,
            reliability=cell.act.reliability if cell.act else None,
            detail=_detail(cell, substance),
            review=_needs_review(cell) or bool(conflicts[substance]),
            deciding=cell.act.notice if cell.act else None,
            lapsed=cell.lapsed,
            conflict=conflicts[substance],
        )
        for substance, cell in cells.items()
    ]


def _conflicts(cells: dict[Substance, _Cell], in_force: list[Action]) -> dict[Substance, list[str]]:
    """Per substance, notices that read the cell differently from its deciding act on the same date: members
    of its own event that disagree, or another source's act taking effect the same day with another status.
    An analyst's decision on either side settles it."""
    out: dict[Substance, list[str]] = {s: [] for s in Substance}
    for substance, cell in cells.items():
        act = cell.act
        if act is None or cell.provision is None or cell.lapsed:
            continue
        found = list(act.dissent.get(substance, []))
        for other in in_force:
            if other is act or other.source == act.source or act.decided or other.decided:
                continue
            theirs = ruling(other, substance)
            if theirs is not None and in_force_from(other) == in_force_from(act) and theirs[0].status != cell.status:
                found.append(other.notice)
        out[substance] = sorted(set(found))
    return out


def _precision(cell: _Cell) -> DatePrecision | None:
    if cell.since is None or cell.act is None or cell.lapsed:
        return DatePrecision.DAY if cell.since else None
    return cell.act.precision


def _needs_review(cell: _Cell) -> bool:
    act = cell.act
    return act is not None and (bool(act.review) or act.reliability is Reliability.UNVERIFIED)


def _detail(cell: _Cell, substance: Substance) -> str:
    """Scope and limits in a few words: the deciding provision first, then the rest of its act."""
    act = cell.act
    if act is None or cell.provision is None:
        return ""
    words: list[str] = []
    if cell.lapsed and act.expires is not None:
        words.append(f"emergency rule expired {act.expires.isoformat()}; nothing replaced it")
    for provision in sorted(act.provisions, key=lambda p: p is not cell.provision):
        said = provision.describe()
        if not said and provision is not cell.provision and provision.status in (Status.BANNED, Status.RESTRICTED):
            names = [s for s in provision.substances if s is not substance]
            said = f"{', '.join(_NAMES[s] for s in names)} {provision.status.value}" if names else ""
        if said:
            words.append(said)
    if act.reported:
        words.append("reported; official text not yet seen")
    return "; ".join(dict.fromkeys(words))


_NAMES = {Substance.KRATOM: "kratom", Substance.SEVEN_OH: "7-OH", Substance.SYNTHETIC: "synthetics"}


def _date_lapses(cells: dict[Substance, _Cell], acts: list[Action], as_of: date) -> None:
    """Where an emergency rule lapsed and nothing replaced it, the lapse dates and explains the cell.

    A rule that a permanent one replaced (the cell still holds the status the lapsed rule set) is no lapse.
    """
    for action in acts:
        if not _lapsed(action, as_of):
            continue
        for substance in covered(action):
            cell = cells[substance]
            deciding = ruling(action, substance)
            if deciding is None or deciding[0].status == cell.status:
                continue
            if cell.since is None or cell.since < action.expires:  # type: ignore[operator]
                cell.since = action.expires
                cell.act, cell.provision, cell.lapsed = action, deciding[0], True
                cell.evidence = list(action.urls or ([action.url] if action.url else []))


def _lapsed(action: Action, as_of: date) -> bool:
    """Whether an act with an end date (an emergency rule) was in force and has ended by `as_of`."""
    return (
        action.expires is not None
        and action.expires <= as_of
        and action.binding
        and sets_status(action)
        and action.stage_on(as_of) in IN_FORCE_STAGES
        and in_force_from(action) < action.expires
    )


def _fold_cells(in_force: list[Action], known: bool) -> dict[Substance, _Cell]:
    cells = {s: _Cell(status=Status.LEGAL if known else Status.UNKNOWN) for s in Substance}
    for action in sorted(in_force, key=_apply_order):
        _apply(action, cells)
    return cells


def _in_force(acts: list[Action], as_of: date) -> list[Action]:
    return [
        a
        for a in acts
        if a.binding
        and sets_status(a)
        and (a.undated or a.stage_on(as_of) in IN_FORCE_STAGES)
        and in_force_from(a) <= as_of
        and (a.expires is None or a.expires > as_of)
    ]


def _apply_order(action: Action) -> tuple[date, int]:
    """Date order; on one date the stricter act is applied last, so it wins."""
    strictest = max(STATUS_STRICTNESS[p.status] for p in action.provisions if p.status is not None)
    return (in_force_from(action), strictest)


def _apply(action: Action, cells: dict[Substance, _Cell]) -> None:
    for substance in covered(action):
        deciding = ruling(action, substance)
        if deciding is None:
            continue
        provision, named = deciding
        new = provision.status
        assert new is not None
        cell = cells[substance]
        # A kratom-wide act does not lift a restriction aimed at one alkaloid; a ban overrides all.
        if not named and cell.specific and provision.measure is not Measure.BAN:
            continue
        if cell.status is not new or cell.act is None:
            # The status holds since the act that set it: a later act that leaves it as it is (an
            # amendment, a rule restating the law) becomes its evidence but does not move `since`.
            cell.since = None if action.undated else in_force_from(action)
        cell.status = new
        cell.specific = named and substance is not Substance.KRATOM
        cell.act, cell.provision, cell.lapsed = action, provision, False
        cell.evidence = list(action.urls or ([action.url] if action.url else []))


def _withdrawn(acts: list[Action], as_of: date) -> set[str]:
    """Proposals a later withdrawal in the same jurisdiction and source takes back."""
    # A proposal is taken back by a withdrawal from its source, published the same day or later, that
    # names one of its substances (a withdrawal naming none names them all). Indexed by the latest such
    # withdrawal per source and substance, so a place with many notices is read once, not once per withdrawal.
    latest: dict[tuple[str, Substance | None], date] = {}
    for w in acts:
        if w.measure is Measure.WITHDRAW:
            keys: list[tuple[str, Substance | None]] = [(w.source, s) for s in w.substances] or [(w.source, None)]
            for key in keys:
                latest[key] = max(latest.get(key, w.published), w.published)
    if not latest:
        return set()
    gone: set[str] = set()
    for p in acts:
        named = covered(p)
        if not sets_status(p) or not named:
            continue
        days = [latest.get((p.source, s)) for s in (None, *named)]
        if any(day is not None and p.published <= day for day in days) and p.stage_on(as_of) in PROPOSAL_STAGES:
            gone.add(p.notice)
    return gone


def _proposals(acts: list[Action], as_of: date, withdrawn: set[str]) -> list[tuple[Action, Stage]]:
    """Binding acts still proposed on `as_of` (not withdrawn, not stale), with their stage: what `_pending`
    reads per substance, found once per place rather than once per substance."""
    out = []
    for a in acts:
        stage = a.stage_on(as_of)
        if (
            a.binding
            and stage in PROPOSAL_STAGES
            and a.notice not in withdrawn
            and as_of - _last_step(a, as_of) <= STALE_PROPOSAL
        ):
            assert stage is not None
            out.append((a, stage))
    return out


def _pending(proposals: list[tuple[Action, Stage]], substance: Substance) -> list[PendingItem]:
    items = []
    for a, stage in proposals:
        deciding = ruling(a, substance)
        if deciding is not None:
            items.append(PendingItem(measure=deciding[0].measure, stage=stage, notice=a.notice, reported=a.reported))
    return sorted(items, key=lambda i: i.notice)


def _last_step(action: Action, as_of: date) -> date:
    return max(e.date for e in action.history if e.date <= as_of)


def _scheduled(
    acts: list[Action], in_force: list[Action], as_of: date, known: bool
) -> dict[Substance, list[ScheduledItem]]:
    """Each future date an enacted act takes effect, with the status it will leave per substance."""
    future = [
        a
        for a in acts
        if a.binding
        and sets_status(a)
        and a.stage_on(as_of) in IN_FORCE_STAGES
        and in_force_from(a) > as_of
        and (a.expires is None or a.expires > in_force_from(a))
    ]
    items: dict[Substance, list[ScheduledItem]] = {s: [] for s in Substance}
    if not future:
        return items  # most places: nothing to carry forward, so the acts in force are not folded a second time
    by_day: dict[date, list[Action]] = defaultdict(list)
    for a in future:
        by_day[in_force_from(a)].append(a)
    # Folded once and carried forward day by day: the same order of application as folding everything
    # up to each day afresh (every act in force precedes every future one), without the repeated work.
    cells = _fold_cells(in_force, known)
    for day in sorted(by_day):
        taking_effect = sorted(by_day[day], key=_apply_order)
        for action in taking_effect:
            _apply(action, cells)
        for substance in Substance:
            deciding = [a for a in taking_effect if ruling(a, substance) is not None]
            if deciding:
                items[substance].append(
                    ScheduledItem(status=cells[substance].status, effective=day, notice=deciding[-1].notice)
                )
    return items


def _last_verified(
    acts: list[Action], as_of: date, verified: dict[str, date], seen: set[tuple[str, date | None]]
) -> date | None:
    """When a source covering the jurisdiction last answered, or its newest retrieval."""
    days = []
    for source, retrieved in [*((a.source, a.retrieved.date() if a.retrieved else None) for a in acts), *seen]:
        if source in verified:
            days.append(verified[source])
        elif retrieved is not None:
            days.append(retrieved)
    return min(max(days), as_of) if days else None
