"""`regwatch review list|decide|undo|log` and `regwatch explain`: registered on the main app in regwatch/cli.py."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regwatch.domain import jurisdictions, places
from regwatch.domain.explain import explain as explain_row
from regwatch.domain.models import Provision
from regwatch.domain.status import events_by_notice, fold_status
from regwatch.domain.vocab import Stage, Substance
from regwatch.errors import BadInput, epilog, given_date
from regwatch.pipeline import steps
from regwatch.review import actions
from regwatch.store import Store

review_app = typer.Typer(help="Check, correct and sign off the rules' readings, on the record.", no_args_is_help=True)
# Titles and reasons come from sources and people: printed as they are, never read as Rich markup.
out = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)


class Format(StrEnum):
    table = "table"
    json = "json"


By = Annotated[str, typer.Option("--by", help="Who decides (recorded in the log).")]
Reason = Annotated[str, typer.Option("--reason", help="Why (recorded in the log).")]


def _fmt(given: Format | None) -> Format:
    return given or (Format.table if sys.stdout.isatty() else Format.json)


def _today() -> date:
    return datetime.now(UTC).date()


@review_app.command("list", epilog=epilog("regwatch review list --format json"))
def list_items(format: Annotated[Format | None, typer.Option("--format", help="table or json")] = None) -> None:
    """Readings waiting for a person, most consequential first."""
    items = actions.queue(Store.open(), _today())
    if _fmt(format) is Format.json:
        sys.stdout.write(json.dumps([i.model_dump(mode="json") for i in items], indent=2) + "\n")
        return
    table = Table(title=f"Review queue: {len(items)} open")
    for column in ("notice", "jurisdiction", "reason", "measure", "confidence", "title"):
        table.add_column(column)
    for i in items:
        table.add_row(i.notice, i.jurisdiction, i.reason.value, i.measure.value, f"{i.confidence:.2f}", i.title)
    out.print(table)


@review_app.command(
    epilog=epilog(
        "regwatch review decide openstates:3f2a9c1d0b7e4a55 --provision regulate:kratom --provision restrict:7-oh "
        '--by "A. Analyst" --reason "KCPA: 21+, 7-OH capped"'
    )
)
def decide(
    notice: Annotated[str, typer.Argument(help="The notice id (see `regwatch review list`).")],
    provision: Annotated[
        list[str], typer.Option("--provision", help="MEASURE[:SUBSTANCE,...], e.g. ban:kratom; repeat.")
    ],
    by: By,
    reason: Reason,
    stage: Annotated[Stage | None, typer.Option("--stage", help="The stage the notice reached.")] = None,
    effective: Annotated[str | None, typer.Option("--effective", help="YYYY-MM-DD it takes effect.")] = None,
) -> None:
    """Replace the rules' reading of NOTICE from now on (recorded; undo with `regwatch review undo`)."""
    day = given_date(effective, "--effective") if effective is not None else None
    decision = actions.decide(
        Store.open(), notice, provision, by, reason, stage=stage, effective=day, now=datetime.now(UTC)
    )
    before, provisions = decision.before, decision.after
    err.print(f"{notice}: decided by {by}: {_words(before)} -> {_words(provisions)}")


@review_app.command(
    epilog=epilog('regwatch review undo openstates:3f2a9c1d0b7e4a55 --by "A. Analyst" --reason "wrong bill"')
)
def undo(
    notice: Annotated[str, typer.Argument(help="The notice id.")],
    by: By,
    reason: Reason,
) -> None:
    """Return NOTICE to the rules' reading (recorded as a new entry; the earlier decision stays in the log)."""
    decision = actions.undo(Store.open(), notice, by, reason, now=datetime.now(UTC))
    before, rules = decision.before, decision.after
    err.print(f"{notice}: undone by {by}: {_words(before)} -> {_words(rules)} (the rules' reading)")


@review_app.command(epilog=epilog("regwatch review log --format json"))
def log(format: Annotated[Format | None, typer.Option("--format", help="table or json")] = None) -> None:
    """Every decision in the order it was made. Nothing in it is ever changed or removed."""
    entries = actions.log_entries(Store.open())
    if _fmt(format) is Format.json:
        sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        return
    table = Table(title=f"Review log: {len(entries)} decision(s)")
    for column in ("at", "notice", "by", "before", "after", "reason"):
        table.add_column(column)
    for d in Store.open().decisions():
        table.add_row(d.at.isoformat(timespec="seconds"), d.notice, d.by, _words(d.before), _words(d.after), d.reason)
    out.print(table)


def explain(
    jurisdiction: Annotated[str, typer.Argument(help="A code (US-LA, TH) or a name (Louisiana).")],
    substance: Annotated[Substance | None, typer.Option("--substance", help="kratom, 7-oh or synthetic.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")] = None,
) -> None:
    """Why does JURISDICTION's status say what it says? Per substance, in plain words: the law, since when, the
    source and its reliability, and what is pending or scheduled. A jurisdiction no stored notice names is a
    mistake in the input (exit 2).
    """
    code = places.resolve(jurisdiction)
    day = given_date(as_of, "--as-of") if as_of is not None else _today()
    store = Store.open()
    actions = steps.normalise(store, day)
    rows = [r for r in fold_status(actions, day, store.verified(day)) if r.jurisdiction == code]
    rows = [r for r in rows if substance is None or r.substance is substance]
    if not rows:
        raise BadInput(f"{jurisdictions.label(code)}: no stored notice names it, so it has no status on {day}")
    events = events_by_notice(actions, day)
    out.print(f"{jurisdictions.label(code)}, as of {day.isoformat()}:")
    for row in rows:
        out.print(f"- {row.substance.value}: {explain_row(row, events)}")


def _words(provisions: list[Provision]) -> str:
    return (
        "; ".join(
            p.measure.value + (":" + ",".join(s.value for s in p.substances) if p.substances else "")
            for p in provisions
        )
        or "nothing"
    )
