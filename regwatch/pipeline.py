"""One whole pass: (crawl) -> normalise -> status -> diff -> publish -> report -> queue alerts.

The CLI (`regwatch run`), the Airflow DAGs and the tests call these same functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from regwatch.bulk import paused_gc
from regwatch.changes import broken_source_changes, diff_tables, is_news, most_severe_first, news_changes
from regwatch.models import Action, Change, Run, SourceHealth, StatusRow
from regwatch.normalise import classify_all
from regwatch.status import fold_status
from regwatch.store import Store


@dataclass
class Outcome:
    """What a run produced, for the caller to print or pass on."""

    run: Run
    rows: list[StatusRow]
    changes: list[Change]
    report: Path | None
    actions: list[Action] = field(default_factory=list, repr=False)


def normalise(store: Store, as_of: date) -> list[Action]:
    """Every stored notice published by `as_of`, read by the rules."""
    return classify_all(store.notices(until=as_of))


@paused_gc()  # reads, folds and diffs the whole store: see regwatch.bulk
def build(
    store: Store, as_of: date, health: list[SourceHealth] | None = None
) -> tuple[Run, list[StatusRow], list[Change], list[Action]]:
    """The run for `as_of`: its status table and its changes against the previous published run."""
    health = health or []
    run_id = as_of.isoformat()
    actions = normalise(store, as_of)
    verified = store.verified(as_of)
    for h in health:
        if h.ok:
            verified[h.source] = as_of
    rows = fold_status(actions, as_of, verified)
    by_id = {a.notice: a for a in actions}
    previous = store.previous_run(as_of)
    news_ids = sorted(a.notice for a in actions if is_news(a))
    changes: list[Change] = []
    if previous is not None:
        changes = diff_tables(store.rows(previous.id), rows, run_id, as_of, by_id)
        seen = set(store.news_of(previous.id))
        changes += news_changes([by_id[i] for i in news_ids if i not in seen], run_id)
    changes += broken_source_changes(health, run_id, as_of)
    changes = most_severe_first(changes)
    run = Run(
        id=run_id,
        as_of=as_of,
        started=datetime.now(UTC),
        state="published",
        notices=len(actions),
        changes=len(changes),
        health=health,
    )
    return run, rows, changes, actions


def publish(store: Store, as_of: date, health: list[SourceHealth] | None = None) -> Outcome:
    """Build the run for `as_of` and publish it (replacing an earlier run of the same date)."""
    run, rows, changes, actions = build(store, as_of, health)
    run.finished = datetime.now(UTC)
    store.publish_run(run, rows, changes, [a.notice for a in actions if is_news(a)])
    return Outcome(run=run, rows=rows, changes=changes, report=None, actions=actions)


def write_run_reports(store: Store, run_id: str, reports_dir: Path, actions: list[Action] | None = None) -> Path:
    """Write the reports of a published run from the store: `<reports_dir>/<run-id>/` and `latest/`.

    `actions` are the run's readings when the caller has them (run_pipeline just built them); a task
    that reports a run published earlier (the DAG's report task) reads them again from the store.
    """
    from regwatch.reports import write_reports

    run = store.run(run_id)
    if run is None:
        raise LookupError(f"no published run {run_id!r} in the store")
    if actions is None:
        actions = normalise(store, run.as_of)
    return write_reports(reports_dir, run, store.rows(run_id), store.changes(run_id), actions, store.runs())


def run_pipeline(
    store: Store,
    as_of: date,
    *,
    reports_dir: Path | None = None,
    crawl: Callable[[], list[SourceHealth]] | None = None,
) -> Outcome:
    """Crawl (when given a crawler), then publish, report and queue alerts for `as_of`."""
    health = crawl() if crawl is not None else []
    outcome = publish(store, as_of, health)
    if reports_dir is not None:
        outcome.report = write_run_reports(store, outcome.run.id, reports_dir, outcome.actions)
    from regwatch.notify import queue_alerts

    queue_alerts(store, outcome.run.id)
    return outcome
