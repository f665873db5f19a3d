"""What the web service answers, built from the same library functions as the command line.

`regwatch status` is `fold_status(steps.normalise(store, day), day, store.verified(day))` and
`status_row` per row; `regwatch changes` is `store.changes(run)`; `regwatch explain` is `explain(row,
events_by_notice(...))`; the report pages are `steps.build` and `reports.pages.jurisdiction_pages`. Nothing
here folds, diffs or explains on its own: it picks, filters and shapes what those return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from regwatch.domain import jurisdictions, places
from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Action, Change, Run, StatusRow
from regwatch.domain.status import events_by_notice, ruling
from regwatch.domain.vocab import Status, Substance
from regwatch.errors import BadInput, given_date
from regwatch.pipeline import steps
from regwatch.reports import tilemap
from regwatch.reports.pages import JurisdictionPage, jurisdiction_pages
from regwatch.reports.writer import change_record, status_row
from regwatch.store import Store


class NotFound(BadInput):
    """Something named in the request does not exist (an unknown jurisdiction, a run never published)."""


def parse_day(value: str | None, parameter: str, today: date) -> date:
    """A YYYY-MM-DD parameter (default `today`), or BadInput naming the parameter."""
    return today if value is None else given_date(value, f"{parameter}:")


def jurisdiction_code(text: str, parameter: str = "jurisdiction") -> str:
    """A code or a name, resolved as `regwatch status --jurisdiction` does; NotFound when it names none."""
    try:
        return places.resolve(text, parameter)
    except BadInput as exc:
        raise NotFound(str(exc)) from None


def status(
    store: Store, day: date, code: str | None = None, substance: Substance | None = None
) -> list[dict[str, Any]]:
    """`regwatch status --as-of DAY --format json` [--jurisdiction CODE], optionally one substance."""
    rows, named = steps.table(store, day)
    return [
        status_row(r, named)
        for r in rows
        if (code is None or r.jurisdiction == code) and (substance is None or r.substance is substance)
    ]


def changes(store: Store, run: str | None = None, since: date | None = None) -> list[dict[str, Any]]:
    """`regwatch changes [--run ID] --format json`; with `since`, the changes of every run as of that date or
    later, newest first."""
    if run is not None and since is not None:
        raise BadInput("run, since: give one of them, not both")
    if since is not None:
        runs = sorted((r for r in store.runs() if r.as_of >= since), key=lambda r: r.as_of, reverse=True)
        found = [c for r in runs for c in store.changes(r.id)]
    else:
        chosen = store.run(run) if run else store.latest_run()
        if chosen is None:
            raise NotFound(f"run: no run {run!r} in the store" if run else "run: no run in the store yet")
        found = store.changes(chosen.id)
    named = steps.first_notices(store, found)
    return [change_record(c, named) for c in found]


@dataclass
class View:
    """A run as `regwatch run` would publish it on a date (not stored): what the HTML pages show."""

    run: Run
    rows: list[StatusRow]
    changes: list[Change]
    actions: list[Action]


def view(store: Store, day: date) -> View:
    """The table, its changes against the last published run before `day`, and the readings: steps.build,
    the stage a pass publishes. The health of sources is that of the run published for `day`, if any."""
    run, rows, found, _news = steps.build(store, day)
    actions = steps.normalise(store, day)  # the stored readings, read again (classified by build)
    published = store.run(run.id)
    if published is not None:
        run.health = published.health
    return View(run=run, rows=rows, changes=most_severe_first(found), actions=actions)


def page(store: Store, day: date, code: str) -> tuple[View, JurisdictionPage]:
    """One jurisdiction's page on `day` (reports.pages, as the report writes it)."""
    shown = view(store, day)
    events = events_by_notice(shown.actions, day)
    parent = jurisdictions.parent_of(code)

    def near(place: str) -> bool:  # the page, its parent and its localities (for the links between them)
        return place in (code, parent) or jurisdictions.parent_of(place) == code

    pages = jurisdiction_pages(
        [code],
        [r for r in shown.rows if near(r.jurisdiction)],
        shown.changes,
        [a for a in shown.actions if near(a.jurisdiction)],
        shown.run.health,
        events,
    )
    found = next(p for p in pages if p.code == code)
    return shown, found


def jurisdiction(store: Store, day: date, code: str) -> dict[str, Any]:
    """A jurisdiction on `day`: its rows with their explanations, its timeline with sources, pending and
    scheduled items, and this date's changes."""
    shown, found = page(store, day, code)
    why = dict(found.why)
    named = events_by_notice(shown.actions, day)
    rows = [{**status_row(r, named), "explanation": why.get(r.substance, "")} for r in found.rows]
    return {
        "jurisdiction": code,
        "name": found.name,
        "as_of": day.isoformat(),
        "parent": jurisdictions.parent_of(code),
        "rows": rows,
        "timeline": [_event(a) for a in found.timeline],
        "pending": [
            {"substance": r.substance.value, **p.model_dump(mode="json")} for r in found.rows for p in r.pending
        ],
        "scheduled": [
            {"substance": r.substance.value, **s.model_dump(mode="json")} for r in found.rows for s in r.scheduled
        ],
        "changes": [c.model_dump(mode="json") for c in found.changes],
    }


def _event(action: Action) -> dict[str, Any]:
    return {
        "notice": action.notice,
        "title": action.title,
        "identifier": action.identifier,
        "kind": action.kind.value,
        "source": action.source,
        "url": action.url,
        "sources": list(action.urls or ([action.url] if action.url else [])),
        "published": action.published.isoformat(),
        "retrieved": action.retrieved.isoformat() if action.retrieved else None,
        "archive": action.archive,
        "measure": action.measure.value,
        "substances": [s.value for s in action.substances],
        "provisions": [p.model_dump(mode="json") for p in action.provisions],
        "history": [e.model_dump(mode="json") for e in action.history],
        "effective": action.effective.isoformat() if action.effective else None,
        "expires": action.expires.isoformat() if action.expires else None,
        "reliability": action.reliability.value,
        "binding": action.binding,
        "rule": action.rule,
    }


# The sell-to / ship-to matrix ------------------------------------------------------------------------------

SELL = {
    Status.LEGAL: "yes",
    Status.REGULATED: "conditional",
    Status.RESTRICTED: "conditional",
    Status.BANNED: "no",
    Status.UNKNOWN: "unknown",
}
MATRIX_FIELDS = [
    "jurisdiction", "name", "substance", "sell", "status", "min_age", "caps", "licence", "tax", "scope", "since",
    "detail", "scheduled", "pending", "evidence", "reliability", "deciding", "review",
]  # fmt: skip


def matrix(store: Store, day: date, substance: Substance) -> list[dict[str, Any]]:
    """One line per jurisdiction for `substance` on `day`: may we sell (yes, conditional, no, unknown), at what
    age, with which caps, since when, on what evidence. The status, since, evidence and reliability are the
    status row's; age, caps, licence and tax are the details of the deciding act's provisions that reach the
    substance (a consumer protection act's 21+), and every alkaloid cap the act sets."""
    rows, events = steps.table(store, day)
    out = []
    for row in rows:
        if row.substance is not substance:
            continue
        act = events.get(row.deciding or "")
        reaching = [p for p in (act.provisions if act else []) if substance in p.covers()]
        deciding = ruling(act, substance) if act is not None else None
        ages = [p.detail.age for p in reaching if p.detail.age is not None]
        shown = status_row(row)
        out.append(
            {
                "jurisdiction": row.jurisdiction,
                "name": jurisdictions.display_name(row.jurisdiction),
                "substance": substance.value,
                "sell": SELL[row.status],
                "status": row.status.value,
                "min_age": max(ages) if ages else None,
                # A cap limits the products sold, whichever alkaloid it names (a 7-OH cap binds kratom sellers).
                "caps": list(dict.fromkeys(p.detail.cap for p in (act.provisions if act else []) if p.detail.cap)),
                "licence": any(p.detail.licence for p in reaching),
                "tax": next((p.detail.tax for p in reaching if p.detail.tax), None),
                "scope": deciding[0].scope.value if deciding else None,
                "since": shown["since"],
                "detail": row.detail,
                "scheduled": [s.model_dump(mode="json") for s in row.scheduled],
                "pending": len(row.pending),
                "evidence": list(row.evidence),
                "reliability": shown["reliability"],
                "deciding": row.deciding,
                "review": row.review,
            }
        )
    return out


def matrix_csv_rows(lines: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The matrix as CSV cells: lists joined with spaces, scheduled items as "STATUS DATE", null empty."""

    def cell(name: str, value: Any) -> str:
        if name == "scheduled":
            return "; ".join(f"{s['status']} {s['effective']}" for s in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)

    return [{name: cell(name, line[name]) for name in MATRIX_FIELDS} for line in lines]


def map_substances(chosen: Substance | None) -> dict[Substance, str]:
    """The maps a page shows: the report's (kratom and 7-OH), or the one substance chosen."""
    if chosen is None:
        return dict(tilemap.MAP_SUBSTANCES)
    return {chosen: tilemap.MAP_SUBSTANCES.get(chosen, chosen.value)}
