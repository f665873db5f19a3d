"""The `regwatch` command line, for analysts and operators: the commands and contracts README.md lists."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.text import Text
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

# typer bundles its own copy of click (typer._click) and raises that copy's exceptions, not the `click`
# package's: catching click.ClickException never matched, and every usage error became a traceback.
# typer exports only their base (TyperException); the kinds that need telling apart live there.
# tests/reliability/test_cli_round2.py fails at once if a typer release moves them.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from regwatch import normalise, settings
from regwatch.domain import jurisdictions, models, places
from regwatch.domain.status import fold_status
from regwatch.errors import BadInput
from regwatch.inputs.jsonl import read_notices
from regwatch.notify.cli import digest_app, subscribers_app
from regwatch.pipeline import steps
from regwatch.pipeline.steps import Outcome
from regwatch.redact import redact, redact_url
from regwatch.reports.terminal import changes_table, status_table
from regwatch.reports.writer import changes_csv, changes_json, status_csv, status_json
from regwatch.review.cli import explain, review_app
from regwatch.store import Store, StoreUnavailable

app = typer.Typer(
    help="regwatch: kratom regulatory status per jurisdiction and substance, with evidence and alerts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
baseline_app = typer.Typer(help="The curated, cited baseline of kratom law.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(digest_app, name="digest")
app.add_typer(review_app, name="review")
app.command("explain")(explain)
# Titles, summaries, health messages, ids and dates come from sources and users: printed as they are, never
# read as Rich markup (`[/x]` crashed the CLI) nor emoji codes; colour is given with `style` instead.
out = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class SchemaName(StrEnum):
    notice = "notice"
    action = "action"
    status_row = "status-row"
    change = "change"
    run = "run"


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="The date to report the law as it stood (YYYY-MM-DD); default today."),
]


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()  # noqa: DTZ011 (the user's own today, at the edge: logic takes the date as a parameter)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--as-of {value!r} is not a date in the form YYYY-MM-DD") from None


def _store() -> Store:
    return Store.open()


def _default_format(fmt: Format | None) -> Format:
    return fmt or (Format.table if sys.stdout.isatty() else Format.json)


@app.command()
def ingest(file: Annotated[Path, typer.Argument(help="JSON Lines file, one Notice per line.")]) -> None:
    """Store the notices in FILE. Idempotent: the same notice twice changes nothing.

    Every line is checked first; if any line is bad, the errors name the lines and nothing is stored.
    """
    notices = read_notices(file)
    result = _store().ingest(notices)
    err.print(f"{file}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    if result.kept:
        shown = ", ".join(result.kept[:10]) + (f" and {len(result.kept) - 10} more" if len(result.kept) > 10 else "")
        err.print(
            f"{file}: {len(result.kept)} kept at an earlier version (the same id with other content; "
            f"an amended document needs its own id): {shown}",
            highlight=False,
        )


@app.command()
def classify(file: Annotated[Path, typer.Argument(help="JSON Lines file, one Notice per line.")]) -> None:
    """Print, per notice, how the rules read it: principal measure and substances, stage, effective date,
    rule, every provision, and whether a person should review it."""
    for notice in read_notices(file):
        action = normalise.classify(notice)
        stage = action.history[-1].stage
        print(
            json.dumps(
                {
                    "id": action.notice,
                    "measure": action.measure.value,
                    "substances": [s.value for s in action.substances],
                    "stage": stage.value,
                    "effective": action.effective.isoformat() if action.effective else None,
                    "confidence": action.confidence,
                    "rule": action.rule,
                    "provisions": [p.model_dump(mode="json") for p in action.provisions],
                    "language": action.language,
                    "review": bool(action.review),
                }
            )
        )


@app.command()
def status(
    as_of: AsOf = None,
    format: Annotated[Format | None, typer.Option("--format", help="table (default on a terminal), csv, json")] = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", help="Only these: a code (US-FL, TH) or a name (Florida); repeat."),
    ] = None,
) -> None:
    """The status of kratom, 7-OH and synthetic alkaloids per jurisdiction on a date, from stored notices."""
    day = _as_of(as_of)
    wanted = [places.resolve(given) for given in jurisdiction or []]
    store = _store()
    rows = fold_status(steps.normalise(store, day), day, store.verified(day))
    if wanted:
        rows = [r for r in rows if r.jurisdiction in wanted]
        for code in sorted(set(wanted) - {r.jurisdiction for r in rows}):
            err.print(f"{jurisdictions.label(code)}: no stored notice names it, so it has no status rows")
    fmt = _default_format(format)
    if fmt is Format.json:
        sys.stdout.write(status_json(rows))
    elif fmt is Format.csv:
        sys.stdout.write(status_csv(rows))
    else:
        out.print(status_table(rows, day))


@app.command()
def changes(
    run: Annotated[str | None, typer.Option("--run", help="Run id (its as-of date); default the latest.")] = None,
    format: Annotated[Format | None, typer.Option("--format", help="table (default on a terminal), csv, json")] = None,
) -> None:
    """The changes a run found against the run before it, most severe first."""
    store = _store()
    chosen = store.run(run) if run else store.latest_run()
    if chosen is None:
        raise BadInput(f"no run {run!r} in the store" if run else "no run in the store yet: try `regwatch run`")
    found = store.changes(chosen.id)
    fmt = _default_format(format)
    if fmt is Format.json:
        sys.stdout.write(changes_json(found))
        return
    if fmt is Format.csv:
        sys.stdout.write(changes_csv(found))
        return
    out.print(changes_table(found, chosen.id))


@app.command()
def init() -> None:
    """Create the store (REGWATCH_DATABASE_URL, default data/regwatch.sqlite), or migrate an existing one.

    Every other command refuses a store that is not there, so that a deleted data folder is noticed
    instead of silently becoming an empty store.
    """
    store = Store.open(create=True)
    err.print(f"store ready at {store.where()}", highlight=False)
    store.engine.dispose()


@baseline_app.command("load")
def baseline_load() -> None:
    """Load the curated baseline (every state, DC, PR, US federal, 30+ nations) into the store."""
    facts, result = steps.load_baseline(_store())
    err.print(f"baseline: {facts} facts; {result.added} added, {result.updated} updated, {result.retired} retired")


@app.command("run")
def run_command(
    as_of: AsOf = None,
    no_crawl: Annotated[bool, typer.Option("--no-crawl", help="Use only what is already stored.")] = False,
    replay: Annotated[
        str | None,
        typer.Option("--replay", help="Crawl a recorded archive (WARC, folder, or 'demo') instead of the web."),
    ] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Crawl only these spiders.")] = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Do not (re)load the baseline first.")] = False,
) -> None:
    """One whole pass: crawl, normalise, status, diff against the last run, reports and alerts."""
    day = _as_of(as_of)
    store = _store()
    if not no_baseline:
        steps.load_baseline(store)
    crawler = None if no_crawl else (lambda: steps.crawl_sources(store, source, replay=replay))
    outcome = steps.run_pipeline(store, day, reports_dir=settings.reports_dir(), crawl=crawler)
    _summarise(outcome)


def _summarise(outcome: Outcome) -> None:
    run = outcome.run
    by_severity: dict[str, int] = {}
    for c in outcome.changes:
        by_severity[c.severity.value] = by_severity.get(c.severity.value, 0) + 1
    counts = ", ".join(f"{n} {s}" for s, n in by_severity.items()) or "none"
    err.print(f"run {run.id}: {run.notices} notices, {len(outcome.rows)} status rows, changes: {counts}")
    for h in run.health:
        if h.skipped:
            err.print(Text.assemble((f"source {h.source} not configured", "yellow"), f" (not run): {h.message}"))
        elif not h.ok:
            err.print(Text.assemble((f"source {h.source} broken", "red"), f": {h.message}"))
    if outcome.report:
        err.print(f"report: {outcome.report / 'index.html'}")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="The address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The port to listen on.", min=1, max=65535)] = 8000,
    root_path: Annotated[
        str, typer.Option("--root-path", help="The path prefix a reverse proxy serves it under (/regwatch).")
    ] = "",
) -> None:
    """The status API and the report's pages over HTTP, live for any date (README: "The web service")."""
    store = _store()  # a missing or unreachable store fails here, in one line, before anything listens
    # FastAPI and uvicorn load only for this command: the others start without them.
    import uvicorn  # noqa: PLC0415

    from regwatch.serve import create_app  # noqa: PLC0415

    err.print(f"regwatch serve: http://{host}:{port}/ (API docs at /docs), store {store.where()}", highlight=False)
    uvicorn.run(
        create_app(store),
        host=host,
        port=port,
        root_path=root_path.rstrip("/"),
        proxy_headers=True,  # X-Forwarded-For and -Proto, from 127.0.0.1 only (uvicorn's forwarded_allow_ips)
        server_header=False,
        log_level="info",
    )


@app.command()
def schema(name: Annotated[SchemaName, typer.Argument(help="Which model.")] = SchemaName.notice) -> None:
    """Print the JSON Schema of a model (the Notice by default: what `ingest` reads)."""
    chosen: dict[SchemaName, type[BaseModel]] = {
        SchemaName.notice: models.Notice,
        SchemaName.action: models.Action,
        SchemaName.status_row: models.StatusRow,
        SchemaName.change: models.Change,
        SchemaName.run: models.Run,
    }
    print(json.dumps(chosen[name].model_json_schema(), indent=2))


def main() -> None:
    """Entry point: clear one-line errors for bad input and an unreachable store, never a traceback."""
    try:
        # Without standalone mode, a command's `raise typer.Exit(code)` comes back as the return value.
        code = app(standalone_mode=False)
    except BadInput as exc:
        _fail(str(exc), 2)
    except StoreUnavailable as exc:
        _fail(_one_line(str(exc)), 3)
    except NoArgsIsHelpError as exc:  # `regwatch` or a command group alone: the help, as click prints it
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except UsageError as exc:  # a bad option or value, a missing argument, an unknown command
        _fail(_usage_message(exc), exc.exit_code)
    except ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except DBAPIError as exc:  # the store failed mid-command: read-only, disk full, connection lost
        _fail(_store_failure(exc), 3)
    except OSError as exc:  # a file regwatch writes (a report on a full disk), named by the error
        _fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc), 3)
    raise SystemExit(code if isinstance(code, int) else 0)


def _store_failure(exc: DBAPIError) -> str:
    """The store's URL (password hidden) and the driver's reason, on one line; a transaction is never half-done."""
    url = settings.database_url()
    reason = _one_line(str(exc.orig))
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    return f"the store at {redact_url(url)} failed: {redact(reason, [str(password) if password else None])}"


def _one_line(message: str) -> str:
    """A driver's message on one line, without SQLAlchemy's "(Background on this error at: ...)" link."""
    kept = [line.strip() for line in message.splitlines() if not line.startswith("(Background on this error")]
    return " ".join(line for line in kept if line)


def _usage_message(exc: UsageError) -> str:
    """click's message on one line, without typer's "Value error, " prefix, and where to read the usage."""
    message = " ".join(exc.format_message().replace("Value error, ", "").split())
    return f"{message} (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else message


def _fail(message: str, code: int) -> None:
    """One line on stderr and the exit code."""
    err.print(Text.assemble(("error:", "red"), f" {message}"))
    raise SystemExit(code) from None
