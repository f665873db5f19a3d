"""The words every view uses for a cell's or a change's qualities: one place, so the CLI, the reports and
the digests say the same thing. Each returns "" (or nothing) where the fold left a field unfilled: a view
shows nothing rather than a guess."""

from __future__ import annotations

from datetime import date

from regwatch.domain.models import Change, PendingItem, StatusRow
from regwatch.domain.vocab import DatePrecision, Reliability

REPORTED = "reported; official text not yet seen"
UNDER_REVIEW = "under review"
UNVERIFIED = "unverified"
LAPSED = "emergency rule lapsed"
# What each reliability means, for readers of the reports: only a primary cell may claim official text.
RELIABILITY_MEANS = {
    Reliability.PRIMARY: "primary: official text",
    Reliability.SECONDARY: "secondary: agreeing reports, official text not seen",
    Reliability.UNVERIFIED: "unverified: weak, single or conflicting sources",
}


def dated(day: date | None, precision: DatePrecision | None = None) -> str:
    """A date as far as it is known: "2019" (year), "2019-07" (month), "2019-07-01"; "" for none.

    These are ISO 8601's reduced-precision forms, so JSON and CSV carry them too: a law known only
    to have passed in 2019 is never shown as 2019-01-01.
    """
    if day is None:
        return ""
    if precision is DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def since(row: StatusRow) -> str:
    """The row's `since`, shown with its precision."""
    return dated(row.since, row.since_precision)


def reliability(value: Reliability | None) -> str:
    """ "primary", "secondary", "unverified", or "" where the fold has not said."""
    return value.value if value is not None else ""


def evidence(value: Reliability | None) -> str:
    """The reliability with what it means: "primary: official text"; "" where the fold has not said."""
    return RELIABILITY_MEANS[value] if value is not None else ""


def cell_marks(row: StatusRow) -> list[str]:
    """What a reader must be told about a cell in words, not colour: under review, unverified, lapsed."""
    marks = [UNDER_REVIEW] if row.review else []
    marks += [UNVERIFIED] if row.reliability is Reliability.UNVERIFIED else []
    marks += [LAPSED] if row.lapsed else []
    return marks


def status_words(row: StatusRow) -> str:
    """The status with its marks: "banned", "restricted (under review, unverified)"."""
    marks = cell_marks(row)
    return f"{row.status.value} ({', '.join(marks)})" if marks else row.status.value


def pending(item: PendingItem) -> str:
    """A pending proposal: "ban introduced tx-hb", "... (reported)" when known only from a report."""
    words = f"{item.measure.value} {item.stage.value} {item.notice}"
    return f"{words} (reported)" if item.reported else words


def substances(change: Change) -> str:
    """Every substance one change moves: "kratom, 7-oh, synthetic"; "" when it names none."""
    return ", ".join(s.value for s in change.substances)


def change_evidence(change: Change) -> str:
    """How sure a change is, in words: "primary", "reported; official text not yet seen (secondary)"."""
    sure = reliability(change.reliability)
    if change.reported:
        return f"{REPORTED} ({sure})" if sure else REPORTED
    return sure
