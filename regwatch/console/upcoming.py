"""`regwatch upcoming`: what takes effect soon, and what is pending near a vote, a signature or an effective date.

Computed from the status table on a date (its `scheduled` and `pending` items) and the readings of the notices
behind them, so it says the same as the status table and the report's "upcoming" section.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from rich.table import Table
from rich.text import Text

from regwatch.domain import jurisdictions
from regwatch.domain.models import Action, StatusRow
from regwatch.domain.vocab import Stage, Substance
from regwatch.reports.sections import pending_bills
from regwatch.reports.writer import write_csv

# What comes next for a proposal that has come this far: a vote or a signature is near.
NEXT_STEP = {
    Stage.PASSED_CHAMBER: "a vote in the other chamber",
    Stage.PASSED_LEGISLATURE: "the governor's or president's signature (or veto)",
}
FIELDS = [
    "date", "days", "kind", "jurisdiction", "name", "substances", "status", "measure", "stage", "next", "notice",
    "identifier", "title", "url", "reported",
]  # fmt: skip


@dataclass
class Item:
    """One scheduled change or pending proposal, once per notice and jurisdiction, with every substance it moves."""

    kind: str  # "scheduled" or "pending"
    jurisdiction: str
    substances: list[Substance]
    notice: str
    day: date | None  # the date it takes effect, where known
    days: int | None
    status: str = ""  # the status it leaves (scheduled)
    measure: str = ""  # what the proposal would do (pending)
    stage: str = ""
    next: str = ""
    identifier: str = ""
    title: str = ""
    url: str = ""
    reported: bool = False

    def record(self) -> dict[str, object]:
        """The item as `--format json` prints it, keys in FIELDS order."""
        return {
            "date": self.day.isoformat() if self.day else None,
            "days": self.days,
            "kind": self.kind,
            "jurisdiction": self.jurisdiction,
            "name": jurisdictions.display_name(self.jurisdiction),
            "substances": [s.value for s in self.substances],
            "status": self.status or None,
            "measure": self.measure or None,
            "stage": self.stage or None,
            "next": self.next,
            "notice": self.notice,
            "identifier": self.identifier or None,
            "title": self.title,
            "url": self.url or None,
            "reported": self.reported,
        }


def upcoming_items(
    rows: list[StatusRow], actions: dict[str, Action], as_of: date, days: int, every_pending: bool = False
) -> list[Item]:
    """Scheduled statuses effective within `days` of `as_of`, then pending proposals near a step, soonest first.

    A pending proposal is near when its effective date falls in the window or it has passed a chamber (a vote
    or a signature comes next); `every_pending` lists every live proposal.
    """
    end = as_of + timedelta(days=days)
    found: dict[tuple[str, str, str], Item] = {}
    for row in rows:
        for item in row.scheduled:
            if not as_of <= item.effective <= end:
                continue
            key = ("scheduled", row.jurisdiction, item.notice)
            known = found.get(key)
            if known is not None:
                _add(known, row.substance)
                continue
            found[key] = _described(
                Item(
                    kind="scheduled",
                    jurisdiction=row.jurisdiction,
                    substances=[row.substance],
                    notice=item.notice,
                    day=item.effective,
                    days=(item.effective - as_of).days,
                    status=item.status.value,
                    next=f"takes effect in {(item.effective - as_of).days} day(s)",
                ),
                actions.get(item.notice),
            )
    for bill in pending_bills(rows, actions):
        act = bill.action
        effective = act.effective if act is not None else None
        soon = effective is not None and as_of <= effective <= end
        if not (soon or bill.stage in NEXT_STEP or every_pending):
            continue
        step = NEXT_STEP.get(bill.stage, "")
        if soon and effective is not None:
            step = "; ".join(filter(None, [step, f"would take effect in {(effective - as_of).days} day(s)"]))
        found[("pending", bill.jurisdiction, bill.notice)] = _described(
            Item(
                kind="pending",
                jurisdiction=bill.jurisdiction,
                substances=list(bill.substances),
                notice=bill.notice,
                day=effective if soon else None,
                days=(effective - as_of).days if soon and effective is not None else None,
                measure=bill.measure.value,
                stage=bill.stage.value,
                next=step or "committee or a first vote",
                reported=bill.reported,
            ),
            act,
        )
    return sorted(found.values(), key=_order)


def _order(item: Item) -> tuple[bool, date, bool, str, str]:
    return (item.day is None, item.day or date.max, item.kind != "scheduled", item.jurisdiction, item.notice)


def _add(item: Item, substance: Substance) -> None:
    if substance not in item.substances:
        item.substances = sorted([*item.substances, substance], key=list(Substance).index)


def _described(item: Item, act: Action | None) -> Item:
    if act is not None:
        item.identifier = act.identifier or ""
        item.title = act.title
        item.url = act.url or (act.urls[0] if act.urls else "")
        item.reported = item.reported or act.reported
    return item


def upcoming_json(items: list[Item]) -> str:
    return json.dumps([i.record() for i in items], indent=2) + "\n"


def upcoming_csv(items: list[Item]) -> str:
    """One item a line, FIELDS as columns; substances joined with spaces."""
    return write_csv(FIELDS, ({k: _cell(v) for k, v in i.record().items()} for i in items))


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def upcoming_table(items: list[Item], as_of: date, days: int) -> Table:
    table = Table(title=f"Upcoming: {as_of} to {as_of + timedelta(days=days)} ({len(items)} item(s))", show_lines=True)
    for column in ("date", "in", "jurisdiction", "substances", "what", "next", "identifier", "title"):
        table.add_column(column)
    for i in items:
        what = f"becomes {i.status}" if i.kind == "scheduled" else f"pending {i.measure} ({i.stage})"
        if i.reported:
            what += ", reported"
        table.add_row(
            *(
                Text(cell)
                for cell in (
                    i.day.isoformat() if i.day else "",
                    f"{i.days} d" if i.days is not None else "",
                    jurisdictions.label(i.jurisdiction),
                    ", ".join(s.value for s in i.substances),
                    what,
                    i.next,
                    i.identifier,
                    i.title,
                )
            )
        )
    return table
