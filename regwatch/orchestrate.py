"""What the Airflow tasks do, as plain functions: the DAG files in dags/ stay thin and these stay testable.

Every function takes the date it works for as a parameter and is idempotent for that date: a retry, a
re-run or a backfill replaces that date's outputs and never duplicates notices, changes or mail.
Results are small dicts (they travel as XComs).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from regwatch import settings
from regwatch.ingest import BadInput
from regwatch.models import SourceHealth
from regwatch.store import Store
from regwatch.vocab import Cadence

log = logging.getLogger(__name__)

# Spiders that need an API key, and the Airflow connection that holds it when REGWATCH_<NAME>_API_KEY
# is unset.
KEYED_SOURCES = {"congress": "regwatch_congress", "openstates": "regwatch_openstates", "legiscan": "regwatch_legiscan"}


class DigestIncomplete(RuntimeError):
    """A digest send left messages queued (a transient SMTP error, or SMTP misconfigured)."""


# dates -------------------------------------------------------------------------------------------------


def run_moment(logical_date: datetime | None, run_after: datetime) -> datetime:
    """The moment a DAG run stands for, in UTC: its logical date, or `run_after` when it has none.

    With the cron trigger timetable (Airflow 3's default, set explicitly in the pipeline DAG) the
    logical date is the moment the run was due, which is also its data interval end: a run due at
    00:00 UTC on 1 July stands for 1 July. Manual runs may omit the logical date and asset-triggered
    runs have none; they stand for the moment they were queued (`run_after`).
    """
    moment = logical_date or run_after
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_of_for(logical_date: datetime | None, run_after: datetime) -> date:
    """The as-of date of a DAG run: the UTC date of its `run_moment`."""
    return run_moment(logical_date, run_after).date()


# pipeline steps ----------------------------------------------------------------------------------------


def load_baseline(store: Store | None = None) -> dict[str, int]:
    """Load the curated baseline into the store (idempotent: unchanged facts change nothing)."""
    from regwatch.baseline import baseline_notices

    store = store or Store.open()
    notices = baseline_notices()
    result = store.ingest(notices)
    log.info("baseline: %d facts, %d added, %d updated", len(notices), result.added, result.updated)
    return {"facts": len(notices), "added": result.added, "updated": result.updated}


def plan_sources(requested: list[str] | None, replay: str | None = None) -> list[str]:
    """The spiders to crawl: those requested (checked, de-duplicated, in order) or all of them.

    Also checks the replay parameter, so a mistyped archive fails the run once, up front, instead of
    reporting every source broken (and alerting subscribers about it).
    """
    from regwatch.crawl import SPIDERS

    unknown = [name for name in requested or [] if name not in SPIDERS]
    if unknown:
        raise BadInput(f"unknown source(s) {', '.join(map(repr, unknown))}; the spiders are: {', '.join(SPIDERS)}")
    replay_archive(replay)
    return list(dict.fromkeys(requested or SPIDERS))


def replay_archive(replay: str | None) -> Path | None:
    """The archive a `replay` parameter names ("demo" is the bundled one), or None for the live sites."""
    if not replay:
        return None
    from regwatch.replay import resolve

    return resolve(replay)


def crawl_one(name: str, replay: str | None = None, store: Store | None = None) -> dict[str, Any]:
    """Crawl one source and store what it found; return its health as a small dict.

    A broken source (spider error, timeout, unreadable output) comes back with ok=False and never
    raises. An unreachable store or a replay server that cannot start raises, so Airflow retries.
    """
    from regwatch.crawl import crawl_source, ingest_crawl

    store = store or Store.open()
    export_api_key(name)
    archive = replay_archive(replay)
    with tempfile.TemporaryDirectory(prefix=f"regwatch-{name}-") as tmp, _serving(archive) as base_url:
        health, out = crawl_source(name, Path(tmp), base_url=base_url, settings=crawl_settings(archive))
        health = ingest_crawl(store, health, out)
    level = logging.INFO if health.ok else logging.WARNING
    log.log(level, "source %s: ok=%s items=%d %s", name, health.ok, health.items, health.message)
    return health.model_dump(mode="json")


def crawl_settings(archive: Path | None) -> dict[str, str]:
    """Scrapy settings for a crawl run by a task."""
    # The key, if any, is in the environment by now (export_api_key): the spider need not import
    # Airflow in its subprocess, where no task context could answer anyway.
    from regwatch.crawl import REPLAY_CRAWL_SETTINGS

    if archive is not None:
        return dict(REPLAY_CRAWL_SETTINGS)
    return {"REGWATCH_AIRFLOW_CONNECTIONS": "False"}


def publish_run(
    as_of: date, planned: list[str], healths: list[dict[str, Any]], store: Store | None = None
) -> dict[str, Any]:
    """Publish the run for `as_of` (replacing an earlier run of that date) and summarise it.

    A planned source with no health (its crawl task failed for good) counts as broken, never as
    "no change".
    """
    from regwatch.pipeline import publish

    store = store or Store.open()
    reported = {h["source"]: SourceHealth.model_validate(h) for h in healths if h}
    health = [
        reported.get(name) or SourceHealth(source=name, ok=False, message="the crawl task failed; see its Airflow log")
        for name in planned
    ]
    outcome = publish(store, as_of, health)
    broken = [h.source for h in health if not h.ok and not h.skipped]
    log.info(
        "run %s: %d notices, %d changes, broken sources: %s",
        outcome.run.id,
        outcome.run.notices,
        len(outcome.changes),
        ", ".join(broken) or "none",
    )
    return {
        "run_id": outcome.run.id,
        "as_of": as_of.isoformat(),
        "notices": outcome.run.notices,
        "changes": len(outcome.changes),
        "broken": broken,
    }


def write_report(run_id: str, store: Store | None = None) -> str:
    """Write the reports of a published run under REGWATCH_REPORTS_DIR; return the run's folder."""
    from regwatch.pipeline import write_run_reports

    folder = write_run_reports(store or Store.open(), run_id, settings.reports_dir())
    log.info("report: %s", folder / "index.html")
    return str(folder)


def queue_alerts(run_id: str, store: Store | None = None) -> int:
    """Queue the run's changes in the outbox for matching subscribers; the rows added (0 on a re-run)."""
    from regwatch.notify import queue_alerts as queue

    queued = queue(store or Store.open(), run_id)
    log.info("run %s: %d alerts queued", run_id, queued)
    return queued


# digests -----------------------------------------------------------------------------------------------


def digest_due(cadence: Cadence, day: date, last_sent: datetime | None) -> bool:
    """Whether a digest of `cadence` goes out on `day`, given when that cadence last went out.

    Immediate: always. Daily: once per UTC date. Weekly: once per ISO week, on its first run (Monday
    for a daily schedule). A backfilled day before the last send is not due: its changes stay queued
    for the next regular digest.
    """
    if cadence is Cadence.IMMEDIATE or last_sent is None:
        return True
    last = last_sent.astimezone(UTC).date() if last_sent.tzinfo else last_sent.date()
    if cadence is Cadence.DAILY:
        return last < day
    return last.isocalendar()[:2] < day.isocalendar()[:2]


def last_digest_sent(store: Store, cadence: Cadence) -> datetime | None:
    """When the outbox last delivered to a subscriber of `cadence`."""
    from regwatch.notify.outbox import SENT
    from regwatch.store import tables as t

    query = (
        select(func.max(t.outbox.c.sent))
        .join(t.subscribers, t.subscribers.c.id == t.outbox.c.subscriber_id)
        .where(t.subscribers.c.cadence == cadence.value, t.outbox.c.state == SENT)
    )
    with store.engine.connect() as conn:
        return conn.execute(query).scalar()


def send_digest(cadence: Cadence, now: datetime, store: Store | None = None) -> dict[str, Any]:
    """Send the messages of one cadence if due at `now` (immediate alerts always are).

    SMTP comes from REGWATCH_SMTP_URL or the Airflow connection regwatch_smtp (regwatch.notify reads
    both); with neither, messages are written as .eml files beside the latest report. The outbox holds
    one row per subscriber and change, so a repeated send mails nothing twice. Raises DigestIncomplete
    when an error left messages queued, so that Airflow retries the send.
    """
    from regwatch.notify import send_digests

    store = store or Store.open()
    if not digest_due(cadence, now.date(), last_digest_sent(store, cadence)):
        log.info("%s digest not due on %s: already sent", cadence.value, now.date())
        return {"cadence": cadence.value, "due": False, "messages": 0}
    report = send_digests(store, cadence, now=now)
    summary = {
        "cadence": cadence.value,
        "due": True,
        "transport": report.transport,
        "messages": report.messages,
        "changes": report.changes,
        "failed": len(report.failed),
    }
    if not report.ok:
        problems = [report.error] if report.error else report.deferred
        raise DigestIncomplete(f"{cadence.value} digest left messages queued: {'; '.join(problems)}")
    return summary


# configuration -----------------------------------------------------------------------------------------


def airflow_connection(conn_id: str) -> Any | None:
    """The Airflow connection `conn_id`, or None when it is not defined or no Airflow task is asking."""
    try:
        from airflow.sdk import Connection
        from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError
    except ImportError:
        return None
    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None
    except AirflowRuntimeError as exc:  # outside a task there is no API server to ask
        log.debug("connection %s not looked up: %s", conn_id, exc)
        return None


def export_api_key(source: str) -> None:
    """Set REGWATCH_<SOURCE>_API_KEY from the source's Airflow connection when the variable is unset.

    The spider runs in a `scrapy crawl` subprocess that cannot ask Airflow, so it reads the environment.
    The key is the connection's password, or `api_key` in its extra.
    """
    conn_id = KEYED_SOURCES.get(source)
    variable = f"REGWATCH_{source.upper()}_API_KEY"
    if conn_id is None or os.environ.get(variable):
        return
    conn = airflow_connection(conn_id)
    key = (conn.password or conn.extra_dejson.get("api_key")) if conn is not None else None
    if key:
        os.environ[variable] = key


@contextmanager
def _serving(archive: Path | None) -> Iterator[str | None]:
    """A loopback replay server for `archive` (its base URL), or None for the live sites."""
    if archive is None:
        yield None
        return
    from regwatch.replay import serve

    with serve(archive) as base_url:
        yield base_url
