"""The tables `regwatch status` and `regwatch changes` print on a terminal.

Everything a reader must notice is in words (under review, unverified, reported), never in colour alone:
the table is read over ssh, in logs, on a monochrome screen and by screen readers. Cells are Rich `Text`,
so scraped text is never read as markup.
"""

from __future__ import annotations

from datetime import date

from rich.table import Table
from rich.text import Text

from regwatch.domain.models import Change, StatusRow
from regwatch.reports import words

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


def status_table(rows: list[StatusRow], day: date) -> Table:
    table = Table(title=f"Status as of {day}")
    for column in STATUS_COLUMNS:
        table.add_column(column)
    for row in rows:
        # Bold only repeats what the status cell already says in words.
        table.add_row(*(Text(cell) for cell in status_cells(row)), style="bold" if words.cell_marks(row) else None)
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
