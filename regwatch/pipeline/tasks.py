"""What the Airflow tasks do, as plain functions: the DAG files in dags/ stay thin and these stay testable.

Every function takes the date it works for as a parameter and is idempotent for that date: a retry, a
re-run or a backfill replaces that date's outputs and never duplicates notices, changes or mail.
Results are small dicts (they travel as XComs).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from regwatch.domain.models import SourceHealth
from regwatch.domain.vocab import Cadence
from regwatch.evidence.replay import resolve
from regwatch.notify import send_digests
from regwatch.notify.outbox import last_sent
from regwatch.pipeline import steps
from regwatch.store import Store

log = logging.getLogger(__name__)


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
    facts, result = steps.load_baseline(store or Store.open())
    log.info("baseline: %d facts, %d added, %d updated", facts, result.added, result.updated)
    return {"facts": facts, "added": result.added, "updated": result.updated}


def plan_sources(requested: list[str] | None, replay: str | None = None) -> list[str]:
    """The spiders to crawl: those requested (checked, de-duplicated, in order) or all of them.

    Also checks the replay parameter, so a mistyped archive fails the run once, up front, instead of
    reporting every source broken (and alerting subscribers about it).
    """
    from regwatch.scraping.registry import checked_sources  # noqa: PLC0415 (Scrapy: only the tasks that crawl)

    if replay:
        resolve(replay)
    return checked_sources(requested)


# One Airflow pool per politeness domain, one slot each: two crawls of one site never run at once, whatever the
# number of workers. The pools exist only where a deployment creates them (`python -m regwatch.cluster pools`)
# and installs the policy that routes crawl tasks into them (regwatch.cluster.policy); elsewhere (standalone,
# `airflow dags test`) crawls run in the default pool as before.
CRAWL_POOL_PREFIX = "crawl-"


def crawl_pool(name: str) -> str:
    """The Airflow pool of a source's crawl: `crawl-<domain>`, one per politeness domain."""
    from regwatch.scraping.registry import politeness_domain  # noqa: PLC0415 (Scrapy: only the tasks that crawl)

    return CRAWL_POOL_PREFIX + politeness_domain(name)


def crawl_pools(names: list[str]) -> list[str]:
    """The pool of each source's crawl, in the order of `names` (the map indexes of the crawl tasks)."""
    return [crawl_pool(name) for name in names]


def crawl_one(name: str, replay: str | None = None, store: Store | None = None) -> dict[str, Any]:
    """Crawl one source and store what it found; return its health as a small dict.

    A broken source (spider error, timeout, unreadable output) comes back with ok=False and never
    raises; a source without its API key comes back with skipped=True (not configured: not run). An
    unreachable store or a replay server that cannot start raises, so Airflow retries.
    """
    [health] = steps.crawl_sources(store or Store.open(), [name], replay=replay)
    level = logging.INFO if health.ok else logging.WARNING  # not configured is a warning too: nothing was read
    log.log(level, "source %s: ok=%s items=%d %s", name, health.ok, health.items, health.message)
    return health.model_dump(mode="json")


def publish_run(
    as_of: date, planned: list[str], healths: list[dict[str, Any]], store: Store | None = None
) -> dict[str, Any]:
    """Publish the run for `as_of` with its alerts queued (replacing an earlier run of that date); summarise it.

    A planned source with no health (its crawl task failed for good) counts as broken, never as
    "no change".
    """
    reported = {h["source"]: SourceHealth.model_validate(h) for h in healths if h}
    health = [
        reported.get(name) or SourceHealth(source=name, ok=False, message="the crawl task failed; see its Airflow log")
        for name in planned
    ]
    outcome = steps.publish(store or Store.open(), as_of, health)
    broken = [h.source for h in health if not h.ok and not h.skipped]
    not_configured = [h.source for h in health if h.skipped]
    log.log(
        logging.WARNING if broken or not_configured else logging.INFO,
        "run %s: %d notices, %d changes, %d alerts queued, broken sources: %s; not configured: %s",
        outcome.run.id,
        outcome.run.notices,
        len(outcome.changes),
        outcome.queued,
        ", ".join(broken) or "none",
        ", ".join(not_configured) or "none",
    )
    return {
        "run_id": outcome.run.id,
        "as_of": as_of.isoformat(),
        "notices": outcome.run.notices,
        "changes": len(outcome.changes),
        "queued": outcome.queued,
        "broken": broken,
        "not_configured": not_configured,
    }


def write_report(run_id: str, store: Store | None = None) -> str:
    """Write the reports of a published run under REGWATCH_REPORTS_DIR; return the run's folder."""
    folder = steps.report(store or Store.open(), run_id)
    log.info("report: %s", folder / "index.html")
    return str(folder)


def queue_alerts(run_id: str, store: Store | None = None) -> int:
    """Queue the run's changes in the outbox for matching subscribers; the rows added (0 on a re-run)."""
    queued = steps.queue_alerts(store or Store.open(), run_id)
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


def send_digest(cadence: Cadence, now: datetime, store: Store | None = None) -> dict[str, Any]:
    """Send the messages of one cadence if due at `now` (immediate alerts always are).

    SMTP comes from REGWATCH_SMTP_URL or the Airflow connection regwatch_smtp (regwatch.notify reads
    both); with neither, messages are written as .eml files beside the latest report. The outbox holds
    one row per subscriber and change, so a repeated send mails nothing twice. Raises DigestIncomplete
    when an error left messages queued, so that Airflow retries the send.
    """
    store = store or Store.open()
    if not digest_due(cadence, now.date(), last_sent(store, cadence)):
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
        "held": len(report.held),
    }
    if not report.ok:
        problems = [report.error] if report.error else [*report.deferred, *report.held]
        held = f" ({len(report.held)} held by another send)" if report.held else ""
        raise DigestIncomplete(f"{cadence.value} digest left messages queued{held}: {'; '.join(problems)}")
    return summary
