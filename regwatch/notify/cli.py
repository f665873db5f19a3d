"""`regwatch subscribers ...` and `regwatch digest send`: registered on the main app in regwatch/cli.py."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regwatch import settings
from regwatch.domain.vocab import Cadence, Severity, Substance
from regwatch.errors import BadInput, epilog
from regwatch.notify.channels import label
from regwatch.notify.delivery import ConfigurationError, parse_smtp_url
from regwatch.notify.digest import send_digests
from regwatch.notify.subscribers import (
    GROUPS_HELP,
    BadSubscriber,
    all_subscribers,
    make_subscriber,
    read_yaml,
    upsert,
)
from regwatch.notify.subscribers import remove as drop
from regwatch.redact import redact_url
from regwatch.store import Store

subscribers_app = typer.Typer(help="Who gets alerts, for which jurisdictions and substances.", no_args_is_help=True)
digest_app = typer.Typer(help="Email digests of the changes subscribers have not yet been sent.", no_args_is_help=True)
# Addresses and SMTP replies are printed as they are, never read as Rich markup or emoji codes.
out = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)


def _store() -> Store:
    return Store.open()


@subscribers_app.command(
    "add",
    epilog=epilog(
        "regwatch subscribers add ops@example.com -j US --substance 7-oh --min-severity high --cadence daily"
    ),
)
def add(
    email: Annotated[
        str,
        typer.Argument(
            help="An email address, or a chat or webhook URL (apprise: slack://, msteams://, discord://, "
            "matrixs://, json:// or jsons://)."
        ),
    ],
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help=GROUPS_HELP + " Repeat for several. Default: all."),
    ] = None,
    substance: Annotated[
        list[Substance] | None, typer.Option("--substance", help="kratom, 7-oh or synthetic; repeat. Default all.")
    ] = None,
    min_severity: Annotated[Severity, typer.Option("--min-severity", help="The least severe change to send.")] = (
        Severity.LOW
    ),
    cadence: Annotated[Cadence, typer.Option("--cadence", help="immediate, daily or weekly.")] = Cadence.DAILY,
) -> None:
    """Add a subscriber, or replace the filters of a known one (their unsubscribe token stays).

    A new subscriber's next digest starts with the current status for their filters (sent once), then the changes
    that match them from then on.
    """
    store = _store()
    try:
        sub = make_subscriber(
            email=email,
            jurisdictions=jurisdiction or [],
            substances=substance or [],
            min_severity=min_severity,
            cadence=cadence,
        )
    except BadSubscriber as exc:
        raise BadInput(f"subscriber {email!r}: {exc}") from None
    added, _ = upsert(store, [sub])
    err.print(f"{label(sub.email)}: {'added' if added else 'updated'}", highlight=False)
    known = next(s for s in all_subscribers(store) if s.email == sub.email)
    if not known.active:
        again = "remove and add them again to resubscribe"
        err.print(f"{label(sub.email)} unsubscribed on their own: {again}", highlight=False)


@subscribers_app.command("list", epilog=epilog("regwatch subscribers list --format json"))
def list_(
    format: Annotated[str | None, typer.Option("--format", help="table (default on a terminal) or json")] = None,
) -> None:
    """Who gets alerts, for what, how often? Every subscriber with their filters (unsubscribe tokens not shown)."""
    subs = all_subscribers(_store())
    fmt = format or ("table" if sys.stdout.isatty() else "json")
    if fmt not in ("table", "json"):
        raise BadInput(f"--format {fmt!r}: expected table or json")
    if fmt == "json":
        # Webhook URLs carry their secrets (tokens in the path): shown with those hidden, as everywhere.
        shown = [{**s.model_dump(mode="json", exclude={"token", "id"}), "email": label(s.email)} for s in subs]
        print(json.dumps(shown, indent=2))
        return
    table = Table(title=f"{len(subs)} subscribers")
    for column in ("email", "jurisdictions", "substances", "min severity", "cadence", "active"):
        table.add_column(column)
    for s in subs:
        table.add_row(
            label(s.email),
            ", ".join(s.jurisdictions) or "all",
            ", ".join(x.value for x in s.substances) or "all",
            s.min_severity.value,
            s.cadence.value,
            "yes" if s.active else "no (unsubscribed)",
        )
    out.print(table)


@subscribers_app.command("remove", epilog=epilog("regwatch subscribers remove ops@example.com"))
def remove(email: Annotated[str, typer.Argument(help="The subscriber's address.")]) -> None:
    """Delete a subscriber and every alert queued for them."""
    try:
        found = drop(_store(), email)
    except BadSubscriber as exc:
        raise BadInput(str(exc)) from None
    if not found:
        raise BadInput(f"no subscriber {email!r}: see `regwatch subscribers list`")
    err.print(f"{email}: removed", highlight=False)


@subscribers_app.command("import", epilog=epilog("regwatch subscribers import subscribers.yaml"))
def import_(file: Annotated[Path, typer.Argument(help="YAML list of subscribers, the fields of `add`.")]) -> None:
    """Add or update every subscriber in FILE; if any entry is bad, the errors name it and nothing is stored."""
    try:
        subs = read_yaml(file)
    except BadSubscriber as exc:
        raise BadInput(str(exc)) from None
    added, updated = upsert(_store(), subs)
    err.print(f"{file}: {added} added, {updated} updated", highlight=False)


@digest_app.command(
    "send",
    epilog=epilog(
        "regwatch digest send --cadence daily",
        "Also 1: a digest was left queued (a temporary error), held by another send, or refused, or a "
        "configuration error stopped the send.",
    ),
)
def send(
    cadence: Annotated[Cadence, typer.Option("--cadence", help="Which subscribers: immediate, daily or weekly.")],
    now: Annotated[
        str | None, typer.Option("--now", help="The time of sending (ISO 8601), for replays; default now.")
    ] = None,
) -> None:
    """Mail each subscriber of CADENCE one digest of the changes not yet sent (.eml files with no SMTP).

    Exits 1 when a message was deferred (left queued for the next send) or refused, or the send stopped.
    """
    moment = _moment(now)
    _check_smtp_url()
    try:
        report = send_digests(_store(), cadence, now=moment)
    except ConfigurationError as exc:  # a malformed REGWATCH_SMTP_URL: the message names it, redacted
        raise BadInput(str(exc)) from None
    err.print(
        f"{cadence.value} digests via {report.transport}: {report.messages} sent "
        f"({report.changes} changes, {report.resent} resent after an interrupted send), "
        f"{len(report.deferred)} deferred, {len(report.failed)} refused, {len(report.held)} held by another send",
        highlight=False,
    )
    for line in report.deferred:
        err.print(f"deferred: {line}", highlight=False, markup=False)
    for line in report.held:
        err.print(f"held: {line}", highlight=False, markup=False)
    for line in report.failed:
        err.print(f"refused: {line}", highlight=False, markup=False)
    if report.error:
        err.print(f"error: {report.error}", highlight=False, markup=False)
    if not report.ok or report.failed:  # a refused message was not delivered either: whoever runs this must know
        raise typer.Exit(1)


def _check_smtp_url() -> None:
    """A malformed REGWATCH_SMTP_URL is the user's mistake: one line naming it, its password hidden."""
    url = settings.smtp_url()
    if not url:
        return
    try:
        parse_smtp_url(url)
    except ConfigurationError as exc:
        raise BadInput(str(exc)) from None
    except ValueError as exc:  # urlsplit refuses some URLs before parse_smtp_url can name them (an unclosed "[")
        raise BadInput(f"SMTP URL {redact_url(url)!r}: {exc}") from None


def _moment(value: str | None) -> datetime:
    """--now as an aware datetime (naive values are UTC)."""
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--now {value!r} is not an ISO 8601 time such as 2025-08-01T07:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
