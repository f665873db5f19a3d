"""What the index page shows, computed from the run's models: plain data the templates only lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from regwatch.domain import jurisdictions
from regwatch.domain.models import Action, PendingItem, ScheduledItem, SourceHealth, StatusRow
from regwatch.domain.vocab import PROPOSAL_STAGES, Measure, Stage, Substance

# The brief: effective dates in the next 90 days are what a compliance team plans a quarter around.
HORIZON = timedelta(days=90)


@dataclass
class PlaceStatus:
    """One jurisdiction's row in a status table: its status per substance."""

    code: str
    name: str
    cells: dict[Substance, StatusRow] = field(default_factory=dict)


@dataclass
class Upcoming:
    """A known future status within the horizon."""

    effective: date
    days: int
    row: StatusRow
    item: ScheduledItem
    action: Action | None


@dataclass
class PendingBill:
    """A live proposal, once per notice, with the substances whose status it would change."""

    notice: str
    jurisdiction: str
    measure: Measure
    stage: Stage
    substances: list[Substance]
    action: Action | None
    reported: bool = False  # known only from a report: its official text not yet seen


def upcoming(
    rows: list[StatusRow], actions: dict[str, Action], as_of: date, horizon: timedelta = HORIZON
) -> list[Upcoming]:
    """Scheduled statuses taking effect from `as_of` to `as_of + horizon` inclusive, soonest first."""
    out = [
        Upcoming(item.effective, (item.effective - as_of).days, row, item, actions.get(item.notice))
        for row in rows
        for item in row.scheduled
        if as_of <= item.effective <= as_of + horizon
    ]
    return sorted(out, key=lambda u: (u.effective, u.row.jurisdiction, u.row.substance.value))


def pending_bills(rows: list[StatusRow], actions: dict[str, Action]) -> list[PendingBill]:
    """Pending proposals grouped by notice, the furthest advanced first."""
    bills: dict[tuple[str, str], PendingBill] = {}
    for row in rows:
        for item in row.pending:
            key = (row.jurisdiction, item.notice)
            bill = bills.get(key)
            if bill is None:
                bills[key] = _bill(row, item, actions.get(item.notice))
            elif row.substance not in bill.substances:
                bill.substances = sorted([*bill.substances, row.substance], key=list(Substance).index)
    return sorted(bills.values(), key=lambda b: (-_advance(b.stage), b.jurisdiction, b.notice))


def failed_sources(health: list[SourceHealth]) -> list[SourceHealth]:
    """Sources that ran and failed this run; a skipped source (no key) is neither verified nor broken."""
    return [h for h in health if not h.ok and not h.skipped]


def by_place(rows: list[StatusRow]) -> dict[str, PlaceStatus]:
    """Rows grouped by jurisdiction, keyed by code."""
    places: dict[str, PlaceStatus] = {}
    for row in rows:
        place = places.setdefault(
            row.jurisdiction, PlaceStatus(row.jurisdiction, jurisdictions.display_name(row.jurisdiction))
        )
        place.cells[row.substance] = row
    return places


def split_places(
    places: dict[str, PlaceStatus], state_codes: list[str]
) -> tuple[list[PlaceStatus], list[PlaceStatus], list[PlaceStatus]]:
    """Nations (US federal first), US states and territories (every map state, even with no rows), localities."""
    nations = sorted(
        (p for p in places.values() if "-" not in p.code and ":" not in p.code),
        key=lambda p: (p.code != "US", p.name),
    )
    state_set = set(state_codes) | {c for c in places if c.startswith("US-") and ":" not in c}
    states = sorted(
        (places.get(c) or PlaceStatus(c, jurisdictions.display_name(c)) for c in state_set), key=lambda p: p.name
    )
    others = sorted(
        (p for p in places.values() if p.code not in state_set and ("-" in p.code or ":" in p.code)),
        key=lambda p: p.code,
    )
    return nations, states, others


def _bill(row: StatusRow, item: PendingItem, action: Action | None) -> PendingBill:
    return PendingBill(item.notice, row.jurisdiction, item.measure, item.stage, [row.substance], action, item.reported)


def _advance(stage: Stage) -> int:
    """How far a proposal has come: its position in the legislative order."""
    return PROPOSAL_STAGES.index(stage) if stage in PROPOSAL_STAGES else -1
