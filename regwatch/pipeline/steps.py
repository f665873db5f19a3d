"""The stages of a pass: load baseline -> crawl -> publish (normalise, fold, diff) -> report -> queue alerts.

The one road through a pass: the CLI (`regwatch run`), the demo, the Airflow tasks
(regwatch.pipeline.tasks) and the tests all call these functions, and nothing else runs a stage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from regwatch import settings
from regwatch.bulk import paused_gc
from regwatch.domain.changes import broken_source_changes, diff_tables, most_severe_first, news_changes
from regwatch.domain.models import Action, Change, Notice, Run, SourceHealth, StatusRow
from regwatch.domain.status import events_by_notice, fold_place, fold_status
from regwatch.domain.vocab import RunState
from regwatch.evidence.replay import replaying
from regwatch.inputs.baseline import SOURCE as BASELINE_SOURCE
from regwatch.inputs.baseline import baseline_notices
from regwatch.notify import queue_alerts as queue_for_subscribers
from regwatch.notify.outbox import queue_changes
from regwatch.pipeline import readings
from regwatch.reports import write_reports
from regwatch.store import IngestResult, Store

if TYPE_CHECKING:
    from regwatch.pipeline.crawl import SourceObserver

# Told as each stage of a pass starts ("crawl", "normalise", ...): the CLI's progress display.
StageObserver = Callable[[str], None]


def _nothing(stage: str) -> None:
    """The observer when no one watches."""


@dataclass
class Outcome:
    """What a run produced, for the caller to print or pass on."""

    run: Run
    rows: list[StatusRow]
    changes: list[Change]
    report: Path | None
    queued: int = 0  # outbox rows the publishing transaction added


def load_baseline(store: Store) -> tuple[int, IngestResult]:
    """Load the curated baseline (idempotent: unchanged facts change nothing); the number of facts and what changed.

    The stored baseline becomes exactly the shipped one: a fact corrected or removed in the files
    (its history is in git) is retired from the store, so a wrong old reading cannot outlive its fix.
    """
    notices = baseline_notices()
    return len(notices), store.replace_source(BASELINE_SOURCE, notices)


def crawl_sources(
    store: Store,
    sources: list[str] | None = None,
    *,
    replay: str | Path | None = None,
    api_keys: Mapping[str, str] | None = None,
    on_source: SourceObserver | None = None,
) -> list[SourceHealth]:
    """Crawl the sources named (default every spider) and store what they find.

    `replay` ("demo", a WARC file or a folder) is served on loopback and crawled instead of the live sites.
    BadInput names an unknown source or a missing archive before anything is crawled. `on_source` is told
    when each source starts and when it is stored (with its health and what the store made of it).
    """
    # Scrapy (about a second to import) only for passes that crawl: `regwatch status` never pays for it.
    from regwatch.pipeline.crawl import crawl_all  # noqa: PLC0415
    from regwatch.scraping.registry import checked_sources  # noqa: PLC0415

    names = checked_sources(sources)
    with replaying(replay) as base_url:
        return crawl_all(store, names, base_url=base_url, api_keys=api_keys, on_source=on_source)


def sources_to_crawl(sources: list[str] | None = None) -> list[str]:
    """The sources a crawl of `sources` runs (default every spider); BadInput names an unknown one."""
    from regwatch.scraping.registry import checked_sources  # noqa: PLC0415 (Scrapy only for passes that crawl)

    return checked_sources(sources)


def normalise(store: Store, as_of: date) -> list[Action]:
    """Every stored notice published by `as_of` (and every baseline fact: the fold dates those), read by the
    rules, with the analysts' decisions in force applied (regwatch.domain.review), in id order.

    Readings are stored (regwatch.pipeline.readings): only notices new or changed since, or read with other
    rules, are classified here; the rest are read back."""
    readings.refresh(store, as_of)
    return readings.all_readings(store, as_of, store.decisions())


def table(store: Store, as_of: date) -> tuple[list[StatusRow], dict[str, Action]]:
    """The status table on `as_of` (as `regwatch status` and the API show it) and every notice's event, by id:
    what a row's human identifiers (bill number, instrument, URL) and explanation are read from."""
    actions = normalise(store, as_of)
    return fold_status(actions, as_of, store.verified(as_of)), events_by_notice(actions, as_of)


def first_notices(store: Store, changes: list[Change]) -> dict[str, Notice]:
    """Each change's first notice, by id: what `regwatch changes` and the API name a change by."""
    return {n: notice for c in changes for n in c.notices[:1] if (notice := store.notice(n)) is not None}


@paused_gc()  # reads, folds and diffs the whole store: see regwatch.bulk
def build(
    store: Store, as_of: date, health: list[SourceHealth] | None = None, on_stage: StageObserver = _nothing
) -> tuple[Run, list[StatusRow], list[Change], list[str]]:
    """The run for `as_of`: its status table, its changes against the previous published run, and the ids of
    the notices it reports as news (what the next run's news is told apart from).

    One jurisdiction at a time, straight from the stored readings (regwatch.pipeline.readings): a place's
    readings are folded, diffed and dropped before the next place's are read, and moves and changes never
    span places (moves.Move.group), so memory holds one place, not the store.
    """
    health = health or []
    run_id = as_of.isoformat()
    on_stage("normalise")
    readings.refresh(store, as_of)
    verified = store.verified(as_of)
    for h in health:
        if h.ok:
            verified[h.source] = as_of
    on_stage("fold")
    previous = store.previous_run(as_of)
    before: dict[str, list[StatusRow]] = defaultdict(list)
    for row in store.rows(previous.id) if previous is not None else []:
        before[row.jurisdiction].append(row)
    seen = set(store.news_of(previous.id)) if previous is not None else set()
    stored = readings.Readings(store, as_of, store.decisions())
    rows_of: dict[str, list[StatusRow]] = {}
    changes: list[Change] = []
    news_ids: list[str] = []
    unseen: list[Action] = []
    count = 0
    for place in stored.places():
        count += place.count
        news_ids += place.news
        folded = fold_place(place.code, place.actions, as_of, verified, place.seen, place.keys)
        if previous is not None:
            held = {a.notice: a for a in place.actions}
            unseen += [held[n] for n in place.news if n not in seen and n in held]
        if folded is None:
            continue
        place_rows, place_events = folded
        rows_of[place.code] = place_rows
        if previous is None:
            continue
        events = readings.Lookup(stored, place)
        events.update({a.notice: a for a in place.actions})
        for event in place_events:
            events.update(dict.fromkeys(event.members, event))
        changes += diff_tables(
            before.get(place.code, []), place_rows, run_id, as_of, events, previous_as_of=previous.as_of
        )
    news_ids.sort()
    if previous is not None:
        held_ids = {a.notice for a in unseen}
        fetched = stored.get(i for i in news_ids if i not in seen and i not in held_ids)
        unseen += fetched.values()
        changes += news_changes(sorted(unseen, key=lambda a: a.notice), run_id)
    changes += broken_source_changes(health, run_id, as_of)
    changes = most_severe_first(changes)
    run = Run(
        id=run_id,
        as_of=as_of,
        started=datetime.now(UTC),
        state=RunState.PUBLISHED,
        notices=count,
        changes=len(changes),
        health=health,
    )
    rows = [row for code in sorted(rows_of) for row in rows_of[code]]
    return run, rows, changes, news_ids


def publish(
    store: Store, as_of: date, health: list[SourceHealth] | None = None, on_stage: StageObserver = _nothing
) -> Outcome:
    """Build the run for `as_of` and publish it with its alerts queued (replacing an earlier run of that date).

    The run and its outbox rows commit in one transaction: once a run is published, the next run
    compares against it and finds no change, so alerts queued any later could be lost for good.
    """
    run, rows, changes, news = build(store, as_of, health, on_stage)
    on_stage("publish")
    run.finished = datetime.now(UTC)
    queued = store.publish_run(run, rows, changes, news, also=lambda conn: queue_changes(conn, run.id, changes))
    return Outcome(run=run, rows=rows, changes=changes, report=None, queued=queued)


def report(store: Store, run_id: str, reports_dir: Path | None = None, actions: list[Action] | None = None) -> Path:
    """Write the reports of a published run: `<reports_dir>/<run-id>/` and `latest/` (default REGWATCH_REPORTS_DIR).

    `actions` are the run's readings when the caller has them; otherwise they are read again from the
    stored readings (`normalise`: nothing is classified twice).
    """
    run = store.run(run_id)
    if run is None:
        raise LookupError(f"no published run {run_id!r} in the store")
    if actions is None:
        actions = normalise(store, run.as_of)
    folder = reports_dir or settings.reports_dir()
    return write_reports(folder, run, store.rows(run_id), store.changes(run_id), actions, store.runs())


def queue_alerts(store: Store, run_id: str) -> int:
    """Queue a published run's changes for the subscribers they match; the rows added.

    `publish` queues them already, in its transaction: this adds nothing after it, and is kept for a
    run published by an older regwatch (and for the DAG's queue task, a harmless repeat).
    """
    return queue_for_subscribers(store, run_id)


def run_pipeline(
    store: Store,
    as_of: date,
    *,
    reports_dir: Path | None = None,
    crawl: Callable[[], list[SourceHealth]] | None = None,
    on_stage: StageObserver = _nothing,
) -> Outcome:
    """Crawl (when given a crawler), then publish with the alerts queued, then report (when given a folder).

    The report comes last because it is derived output: if it cannot be written (a full disk), the
    error propagates but the run and its alerts are already committed, and a re-run of the same
    date (`regwatch run --as-of D`) writes it.
    """
    if crawl is not None:
        on_stage("crawl")
    health = crawl() if crawl is not None else []
    outcome = publish(store, as_of, health, on_stage)
    if reports_dir is not None:
        on_stage("report")
        outcome.report = report(store, outcome.run.id, reports_dir)
    return outcome
