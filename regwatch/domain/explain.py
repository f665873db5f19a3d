"""Why a cell says what it says, in plain words with citations (regwatch explain, reports, digests)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from regwatch.domain.models import Action, StatusRow
from regwatch.domain.vocab import DatePrecision, Stage, Status

_STATUS_WORDS = {
    Status.BANNED: "Banned",
    Status.RESTRICTED: "Restricted",
    Status.REGULATED: "Regulated",
    Status.LEGAL: "Legal (no kratom-specific law)",
    Status.UNKNOWN: "Unknown (no evidence yet)",
}


def day_text(day: date, precision: DatePrecision | None) -> str:
    """A date as far as it is known: 2019, 2019-07 or 2019-07-01."""
    if precision is DatePrecision.YEAR:
        return str(day.year)
    if precision is DatePrecision.MONTH:
        return day.strftime("%Y-%m")
    return day.isoformat()


def explain(row: StatusRow, actions: dict[str, Action]) -> str:
    """One paragraph: the status and since when, under which act, on what source, and what is pending."""
    act = actions.get(row.deciding or "")
    words = [_status_sentence(row, act)]
    if act is not None and row.evidence:
        words.append(_source_sentence(row, act))
    words.append(_pending_sentence(row, actions))
    if row.conflict:
        words.append(f"In conflict: {', '.join(row.conflict)} read this cell otherwise; under review until decided.")
    elif row.review:
        words.append("Under review: the evidence deciding this cell is unverified or its reading is uncertain.")
    return " ".join(words)


def _status_sentence(row: StatusRow, act: Action | None) -> str:
    since = f" since {day_text(row.since, row.since_precision)}" if row.since else ""
    if row.since is None and act is not None and act.undated:
        since = " since a date not known"
    if act is None:
        return f"{_STATUS_WORDS[row.status]}{since}."
    if row.lapsed and act.expires is not None:
        return (
            f"{_STATUS_WORDS[row.status]} since {act.expires.isoformat()}: the emergency rule {act.title} "
            "expired and nothing replaced it."
        )
    under = act.title if not act.identifier or act.identifier in act.title else f"{act.title} ({act.identifier})"
    enacted = act.date_of(Stage.ENACTED)
    signed = f", enacted {day_text(enacted, act.precision)}" if enacted and not act.undated else ""
    detail = f" ({row.detail})" if row.detail else ""
    return f"{_STATUS_WORDS[row.status]}{since} under {under}{signed}{detail}."


def _source_sentence(row: StatusRow, act: Action) -> str:
    host = urlsplit(row.evidence[0]).hostname or row.evidence[0]
    reliability = f" ({act.reliability.value})"
    retrieved = f", retrieved {act.retrieved.date().isoformat()}" if act.retrieved else ""
    more = f"; {len(row.evidence) - 1} more source(s)" if len(row.evidence) > 1 else ""
    reported = " Reported; official text not yet seen." if act.reported else ""
    return f"Source: {host}{reliability}{retrieved}{more}.{reported}"


def _pending_sentence(row: StatusRow, actions: dict[str, Action]) -> str:
    parts = []
    for item in row.pending:
        act = actions.get(item.notice)
        what = act.title if act is not None else item.notice
        parts.append(f"{item.measure.value} {item.stage.value.replace('_', ' ')}: {what}")
    parts += [f"{s.status.value} from {s.effective.isoformat()}" for s in row.scheduled]
    if not parts:
        return "No proposal pending."
    return "Pending or scheduled: " + "; ".join(parts) + "."
