"""The tables `regwatch status` and `regwatch changes` print on a terminal.

Everything a reader must notice is in words (under review, unverified, reported), never in colour alone:
the table is read over ssh, in logs, on a monochrome screen and by screen readers. Cells are Rich `Text`,
so scraped text is never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from rich.table import Table
from rich.text import Text

from regwatch.domain import jurisdictions
from regwatch.domain.models import Change, StatusRow
from regwatch.reports import words
from regwatch.reports.writer import Named, instrument

STATUS_COLUMNS = (
    "jurisdiction",
    "substance",
    "status",
    "since",
    "detail",
    "reliability",
    "pending",
    "scheduled",
    "last verified",
)
CHANGES_COLUMNS = ("severity", "kind", "jurisdiction", "substances", "summary", "reliability")


def status_cells(row: StatusRow) -> list[str]:
    """One row of the status table, in STATUS_COLUMNS order, as plain text."""
    return [
        row.jurisdiction,
        row.substance.value,
        words.status_words(row),
        words.since(row),
        row.detail,
        words.reliability(row.reliability),
        ", ".join(f"{p.measure.value} ({p.stage.value}{', reported' if p.reported else ''})" for p in row.pending),
        ", ".join(f"{s.status.value} from {s.effective}" for s in row.scheduled),
        str(row.last_verified or ""),
    ]


Cell = Callable[[StatusRow, Named | None], str]
# Every column `regwatch status --columns` may choose, in the order a table shows them.
COLUMN_CELLS: dict[str, Cell] = {
    "jurisdiction": lambda row, act: row.jurisdiction,
    "name": lambda row, act: jurisdictions.display_name(row.jurisdiction),
    "substance": lambda row, act: row.substance.value,
    "status": lambda row, act: words.status_words(row),
    "since": lambda row, act: words.since(row),
    "instrument": lambda row, act: instrument(act),
    "detail": lambda row, act: row.detail,
    "reliability": lambda row, act: words.reliability(row.reliability),
    "pending": lambda row, act: status_cells(row)[6],
    "scheduled": lambda row, act: status_cells(row)[7],
    "evidence": lambda row, act: _evidence(row),
    "last verified": lambda row, act: str(row.last_verified or ""),
}
# A terminal at least this wide shows WIDE_COLUMNS by default; a narrower one NARROW_COLUMNS.
WIDE = 160
WIDE_COLUMNS = (
    "jurisdiction", "substance", "status", "since", "instrument", "detail", "reliability", "pending", "scheduled",
    "evidence", "last verified",
)  # fmt: skip
NARROW_COLUMNS = ("jurisdiction", "substance", "status", "since", "pending", "scheduled")


def default_columns(width: int) -> tuple[str, ...]:
    return WIDE_COLUMNS if width >= WIDE else NARROW_COLUMNS


def _evidence(row: StatusRow) -> str:
    """The first evidence URL, and how many more there are."""
    if not row.evidence:
        return ""
    more = len(row.evidence) - 1
    return row.evidence[0] + (f" (+{more} more)" if more else "")


def status_table(
    rows: list[StatusRow],
    day: date,
    columns: tuple[str, ...] | list[str] = STATUS_COLUMNS,
    named: Mapping[str, Named] | None = None,
) -> Table:
    table = Table(title=f"Status as of {day}")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        act = (named or {}).get(row.deciding or "")
        cells = [COLUMN_CELLS[column](row, act) for column in columns]
        # Bold only repeats what the status cell already says in words.
        table.add_row(*(Text(cell) for cell in cells), style="bold" if words.cell_marks(row) else None)
    return table


def change_cells(change: Change) -> list[str]:
    """One row of the changes table, in CHANGES_COLUMNS order, as plain text."""
    return [
        change.severity.value,
        change.kind.value,
        change.jurisdiction or "",
        words.substances(change),
        change.summary,
        words.change_evidence(change),
    ]


def changes_table(changes: list[Change], run_id: str) -> Table:
    table = Table(title=f"Changes in run {run_id}")
    for column in CHANGES_COLUMNS:
        table.add_column(column)
    for change in changes:
        table.add_row(*(Text(cell) for cell in change_cells(change)))
    return table
