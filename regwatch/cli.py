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
from regwatch.console.progress import Watcher, verbosity
from regwatch.console.show import describe, find_notice, show_json, show_lines
from regwatch.console.upcoming import upcoming_csv, upcoming_items, upcoming_json, upcoming_table
from regwatch.domain import jurisdictions, models, places
from regwatch.domain.models import SourceHealth
from regwatch.domain.review import apply_decisions
from regwatch.domain.status import events_by_notice, fold_status
from regwatch.errors import EXIT_CODES, BadInput, epilog, given_date
from regwatch.inputs.jsonl import read_notices
from regwatch.notify.cli import digest_app, subscribers_app
from regwatch.pipeline import steps
from regwatch.redact import redact, redact_url
from regwatch.reports.terminal import COLUMN_CELLS, NARROW_COLUMNS, WIDE, changes_table, default_columns, status_table
from regwatch.reports.writer import changes_csv, changes_json, status_csv, status_json
from regwatch.review.cli import explain, review_app
from regwatch.store import Store, StoreUnavailable

app = typer.Typer(
    help="regwatch: kratom's legal status per jurisdiction and substance (kratom, 7-OH, synthetic alkaloids), with "
    "the evidence, what changed and why, and alerts.\n\n"
    "Questions and the commands that answer them: is it legal here today? `regwatch status -j alabama`; why? "
    "`regwatch explain alabama`; what changed? `regwatch changes`; what takes effect soon? `regwatch upcoming`; "
    'what does this document say and how was it read? `regwatch show "HB 1234"`.',
    epilog=f"Exit codes: {EXIT_CODES} `digest send` also exits 1 when mail was left queued, held or refused.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
baseline_app = typer.Typer(
    help="The curated, cited baseline of kratom law: the facts a crawler cannot see (laws made before it began).",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(digest_app, name="digest")
app.add_typer(review_app, name="review")
app.command("explain", epilog=epilog("regwatch explain alabama --substance 7-oh --as-of 2026-09-01"))(explain)
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


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="The date to report the law as it stood (YYYY-MM-DD); default today."),
]
FormatOption = Annotated[
    Format | None, typer.Option("--format", help="table (default on a terminal), csv or json (default otherwise).")
]
JurisdictionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="Only these: a code in any case (US-AL, us-al, TH) or a name (Alabama, Thailand); repeat. "
        "A typo is an error naming the nearest codes.",
    ),
]


def _jurisdictions(given: list[str] | None) -> list[str]:
    """--jurisdiction values as codes: names and lower case resolved, a typo an error with the nearest codes."""
    return [places.resolve(g) for g in given or []]


def _jurisdiction_patterns(given: list[str] | None) -> list[str]:
    """As _jurisdictions, but a group such as US-* is kept as a pattern."""
    return [places.resolve_pattern(g) for g in given or []]


def _columns(given: str | None) -> list[str] | None:
    """--columns as a list of known column names (spaces and case forgiven); BadInput names an unknown one."""
    if given is None:
        return None
    chosen = [" ".join(c.split()).lower().replace("_", " ") for c in given.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in COLUMN_CELLS]
    if unknown or not chosen:
        raise BadInput(
            f"--columns {given!r}: unknown {', '.join(map(repr, unknown)) or 'empty'}; "
            f"choose from {', '.join(COLUMN_CELLS)}"
        )
    return chosen


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()  # noqa: DTZ011 (the user's own today, at the edge: logic takes the date as a parameter)
    return given_date(value, "--as-of")


def _store() -> Store:
    return Store.open()


def _default_format(fmt: Format | None) -> Format:
    return fmt or (Format.table if sys.stdout.isatty() else Format.json)


@app.command(epilog=epilog("regwatch ingest notices.jsonl  (see `regwatch schema notice` for a line's fields)"))
def ingest(file: Annotated[Path, typer.Argument(help="JSON Lines file, one Notice per line.")]) -> None:
    """Store the notices in FILE (JSON Lines, one Notice a line). Idempotent: the same notice twice changes nothing.

    Every line is checked first; if any line is bad, the errors name the lines and nothing is stored. Prints how many
    were added, updated and unchanged.
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


@app.command(epilog=epilog("regwatch classify notices.jsonl | jq .measure"))
def classify(file: Annotated[Path, typer.Argument(help="JSON Lines file, one Notice per line.")]) -> None:
    """How would the rules read these notices? Stores nothing.

    Prints, per notice, one JSON line: principal measure and substances, stage, effective date, confidence, the rule
    that matched (with its pattern), every provision, the language and whether a person should review it.
    """
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


@app.command(epilog=epilog("regwatch status -j alabama --as-of 2026-09-01 --columns jurisdiction,status,instrument"))
def status(
    as_of: AsOf = None,
    format: FormatOption = None,
    jurisdiction: JurisdictionOption = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="The table's columns, comma-separated, from: " + ", ".join(COLUMN_CELLS) + ". Default: all of "
            f"these but name on a terminal at least {WIDE} wide, else " + ", ".join(NARROW_COLUMNS) + ".",
        ),
    ] = None,
) -> None:
    """Is kratom (or 7-OH, or synthetic alkaloids) legal here on this date, since when, under which law, on what
    evidence, and what is pending or scheduled?

    One row per jurisdiction and substance, folded from the stored notices. CSV and JSON carry every column,
    with the deciding notice's id, its bill number or citation, the instrument and its URL.
    """
    day = _as_of(as_of)
    wanted = _jurisdictions(jurisdiction)
    chosen = _columns(columns)
    rows, named = steps.table(_store(), day)
    if wanted:
        rows = [r for r in rows if r.jurisdiction in wanted]
        for code in sorted(set(wanted) - {r.jurisdiction for r in rows}):
            err.print(f"{jurisdictions.label(code)}: no stored notice names it, so it has no status rows")
    fmt = _default_format(format)
    if fmt is Format.json:
        sys.stdout.write(status_json(rows, named))
    elif fmt is Format.csv:
        sys.stdout.write(status_csv(rows, named))
    else:
        out.print(status_table(rows, day, chosen or default_columns(out.width), named))


@app.command(epilog=epilog("regwatch changes --jurisdiction US-FL --format csv > changes.csv"))
def changes(
    run: Annotated[str | None, typer.Option("--run", help="Run id (its as-of date); default the latest.")] = None,
    format: FormatOption = None,
    jurisdiction: JurisdictionOption = None,
) -> None:
    """What changed in a run against the run before it, and why: most severe first, one line per legal event.

    Each change names the substances it moves, the old and new status, its severity, its evidence and its
    explanation; CSV and JSON add the bill number or citation, title and URL of its first notice.
    """
    wanted = _jurisdictions(jurisdiction)
    store = _store()
    chosen = store.run(run) if run else store.latest_run()
    if chosen is None:
        raise BadInput(f"no run {run!r} in the store" if run else "no run in the store yet: try `regwatch run`")
    found = store.changes(chosen.id)
    if wanted:
        found = [c for c in found if c.jurisdiction in wanted]
    fmt = _default_format(format)
    named = steps.first_notices(store, found)
    if fmt is Format.json:
        sys.stdout.write(changes_json(found, named))
        return
    if fmt is Format.csv:
        sys.stdout.write(changes_csv(found, named))
        return
    out.print(changes_table(found, chosen.id))


@app.command(epilog=epilog("regwatch upcoming --days 90 --jurisdiction US-* --format csv"))
def upcoming(
    days: Annotated[int, typer.Option("--days", min=0, help="How far ahead to look, in days.")] = 90,
    as_of: AsOf = None,
    format: FormatOption = None,
    jurisdiction: JurisdictionOption = None,
    every_pending: Annotated[
        bool, typer.Option("--all-pending", help="List every live proposal, not only those near a step.")
    ] = False,
) -> None:
    """What takes effect in the next DAYS days, and which proposals are near a vote, a signature or an
    effective date?

    Scheduled changes (enacted, effective on a known date) come first, soonest first; then pending proposals
    whose effective date falls in the window or which have passed a chamber. `--jurisdiction US-*` takes every
    state and territory, `US` federal only.
    """
    day = _as_of(as_of)
    wanted = _jurisdiction_patterns(jurisdiction)
    rows, named = steps.table(_store(), day)
    if wanted:
        rows = [r for r in rows if any(jurisdictions.matches(p, r.jurisdiction) for p in wanted)]
    items = upcoming_items(rows, named, day, days, every_pending)
    fmt = _default_format(format)
    if fmt is Format.json:
        sys.stdout.write(upcoming_json(items))
    elif fmt is Format.csv:
        sys.stdout.write(upcoming_csv(items))
    else:
        out.print(upcoming_table(items, day, days))


@app.command(epilog=epilog('regwatch show "HB 1234"   or   regwatch show openstates:3f2a9c1d0b7e4a55'))
def show(
    notice: Annotated[str, typer.Argument(help="A notice id, or a bill number or citation (HB 1234).")],
    as_of: AsOf = None,
    format: Annotated[ShowFormat | None, typer.Option("--format", help="text (default on a terminal) or json")] = None,
) -> None:
    """What does this notice say, how was it read, which legal event is it part of, and where is the evidence?

    Prints the notice (title, identifier, text, steps), its reading and every provision (the rule that matched,
    or the analyst's decision), the other notices reporting the same act, the status cells it decides or would
    change on the date, and its sources: URL, when it was retrieved, its archived copy.
    """
    day = _as_of(as_of)
    store = _store()
    found = find_notice(store, notice)
    actions = steps.normalise(store, day)
    by_id = {a.notice: a for a in actions}
    assert found.id is not None  # a Notice derives its id when it has none
    reading = by_id.get(found.id) or apply_decisions([normalise.classify(found)], store.decisions())[0]
    events = events_by_notice(actions, day)
    event = events.get(found.id)
    members = [m for m in (event.members if event is not None else []) if m != found.id]
    others = [by_id[m] for m in members if m in by_id]
    rows = fold_status(actions, day, store.verified(day))
    described = describe(found, reading, event, others, rows, day)
    if (format or (ShowFormat.text if sys.stdout.isatty() else ShowFormat.json)) is ShowFormat.json:
        sys.stdout.write(show_json(described))
        return
    for line in show_lines(described):
        out.print(line)


@app.command(epilog=epilog("REGWATCH_DATABASE_URL=postgresql+psycopg://regwatch@db/regwatch regwatch init"))
def init() -> None:
    """Create the store (REGWATCH_DATABASE_URL, default data/regwatch.sqlite), or migrate an existing one.

    Run once per deployment. Every other command refuses a store that is not there, so that a deleted data folder
    is noticed instead of silently becoming an empty store.
    """
    store = Store.open(create=True)
    err.print(f"store ready at {store.where()}", highlight=False)
    store.engine.dispose()


@baseline_app.command("load", epilog=epilog("regwatch baseline load"))
def baseline_load() -> None:
    """Load the curated baseline (every state, DC, PR, US federal, localities, 30+ nations) into the store.

    The stored baseline becomes exactly the shipped one: a fact corrected or removed in the files is retired from
    the store. `regwatch run` and the demo call it; run it alone after upgrading regwatch.
    """
    facts, result = steps.load_baseline(_store())
    err.print(f"baseline: {facts} facts; {result.added} added, {result.updated} updated, {result.retired} retired")


@app.command(
    "run",
    epilog=epilog(
        "regwatch run --replay demo --as-of 2026-09-01",
        "A broken source does not fail the run: it is published, named in the summary and raised as a "
        "source_broken change.",
    ),
)
def run_command(
    as_of: AsOf = None,
    no_crawl: Annotated[bool, typer.Option("--no-crawl", help="Use only what is already stored.")] = False,
    replay: Annotated[
        str | None,
        typer.Option("--replay", help="Crawl a recorded archive (WARC, folder, or 'demo') instead of the web."),
    ] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Crawl only these spiders.")] = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Do not (re)load the baseline first.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="A line per stage and per source even off a terminal; every change.")
    ] = False,
) -> None:
    """One whole pass: crawl, read, fold the status table, find what changed since the last run, write the
    reports and queue the alerts. Ends with a summary: sources ok, broken or not configured, notices new and
    updated, changes by severity, and where the report is.

    On a terminal, a line per stage and a bar over the sources show the progress (on stderr); off a terminal
    (Airflow, CI, a pipe) no bar is ever written, only the summary.
    """
    if quiet and verbose:
        raise BadInput("--quiet and --verbose together: choose one")
    day = _as_of(as_of)
    store = _store()
    with Watcher.for_terminal(verbosity(quiet, verbose)) as watcher:
        if not no_baseline:
            watcher.stage("baseline")
            steps.load_baseline(store)
        crawler = None
        if not no_crawl:
            names = steps.sources_to_crawl(source)

            def crawler() -> list[SourceHealth]:
                watcher.crawling(len(names))
                return steps.crawl_sources(store, names, replay=replay, on_source=watcher.source)

        outcome = steps.run_pipeline(
            store, day, reports_dir=settings.reports_dir(), crawl=crawler, on_stage=watcher.stage
        )
    watcher.summary(
        run_id=outcome.run.id,
        notices=outcome.run.notices,
        rows=len(outcome.rows),
        changes=outcome.changes,
        report=outcome.report,
        health=outcome.run.health,
    )


@app.command(epilog=epilog("regwatch serve --port 8000   (then open http://127.0.0.1:8000/ or /docs)"))
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


@app.command(epilog=epilog("regwatch schema status-row > status-row.schema.json"))
def schema(name: Annotated[SchemaName, typer.Argument(help="Which model.")] = SchemaName.notice) -> None:
    """What fields does a notice (or an action, status row, change, run) have? Prints its JSON Schema.

    The Notice by default: what `ingest` reads and spiders yield.
    """
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
