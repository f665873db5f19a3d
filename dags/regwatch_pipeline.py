"""regwatch_pipeline: crawl the sources, publish the day's status and changes, report, queue alerts.

Thin on purpose: each task calls one function of regwatch.pipeline.tasks, imported inside the task, so this
file parses in milliseconds and holds no logic worth testing apart from its shape.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

from airflow.sdk import Asset, CronTriggerTimetable, Param, TriggerRule, dag, task

# Updated by the last task; regwatch_digest is scheduled on it. The same URI is in regwatch_digest.py.
CHANGES = Asset("regwatch://changes")

# Daily by default; REGWATCH_PIPELINE_SCHEDULE (a cron expression, read from the environment at parse
# time because that costs nothing, unlike an Airflow Variable) changes it without editing this file.
# "none": manual runs only, so a local trial never crawls the live sites unless a run is triggered.
SCHEDULE = os.environ.get("REGWATCH_PIPELINE_SCHEDULE", "@daily").strip()
# Explicit trigger timetable: the logical date is the moment the run is due (no data interval), so a run
# due on 1 July publishes the status as of 1 July. No first run at once when the DAG is first unpaused
# (a live crawl nobody asked for yet): the first scheduled run is the next due time. That needs both
# run_immediately=timedelta(0) (False still runs the last due time if it was under 10% of the interval
# ago) and no start_date (with one, Airflow plans the last due time before now regardless).
TIMETABLE = (
    None if SCHEDULE.lower() == "none" else CronTriggerTimetable(SCHEDULE, timezone="UTC", run_immediately=timedelta(0))
)

# The Celery queue of the crawl tasks, apart from the default queue (`[operators] default_queue`) that the other
# tasks (and regwatch_digest) use: crawl workers can be sized, placed and scaled on their own. Executors without
# queues (LocalExecutor, `airflow dags test`) ignore it.
CRAWL_QUEUE = os.environ.get("REGWATCH_CRAWL_QUEUE", "crawl").strip() or "crawl"
# plan_sources pushes, under this key, the pool of each planned crawl (one pool per politeness domain, in map
# index order); the cluster policy regwatch.cluster.policy reads it to put each crawl task in its pool.
CRAWL_POOLS_KEY = "crawl_pools"

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "regwatch",
    # Sources and stores fail transiently; retries spaced 2, 4, 8 minutes ride out most outages.
    # REGWATCH_TASK_RETRIES=0 makes a local test fail at once instead of waiting out the backoff.
    "retries": int(os.environ.get("REGWATCH_TASK_RETRIES", "3")),
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    # A live crawl of one source takes minutes; regwatch.pipeline.crawl stops a spider after 30.
    "execution_timeout": timedelta(minutes=45),
}


def _as_of() -> date:
    """The as-of date of the current DAG run (see regwatch.pipeline.tasks.run_moment)."""
    from airflow.sdk import get_current_context

    from regwatch.pipeline.tasks import as_of_for

    run = get_current_context()["dag_run"]
    return as_of_for(run.logical_date, run.run_after)


@dag(
    dag_id="regwatch_pipeline",
    schedule=TIMETABLE,
    # No start_date, on purpose (see TIMETABLE); backfills name their own dates.
    catchup=False,
    # Runs of different dates share one store and diff against the run before them: one at a time.
    max_active_runs=1,
    # A run stuck longer than this (every crawl at its limit plus retries) is failed, not left running.
    dagrun_timeout=timedelta(hours=6),
    tags=["regwatch", "kratom", "pipeline"],
    default_args=DEFAULT_ARGS,
    params={
        "replay": Param(
            None,
            type=["null", "string"],
            description='Crawl a recorded archive (a WARC file or folder, or "demo") instead of the live sites.',
        ),
        "sources": Param(
            [],
            type="array",
            items={"type": "string"},
            description="Crawl only these spiders (e.g. federal_register, openstates); empty means all.",
        ),
    },
)
def regwatch_pipeline() -> None:
    """### regwatch pipeline

    One pass for the run's as-of date (the UTC date of its logical date; a run with no logical date
    uses the time it was queued): load the baseline, crawl every source (one mapped task each),
    publish the status table and changes, write the reports, queue alerts, and update the asset
    `regwatch://changes`, which starts `regwatch_digest`.

    Every task is idempotent for its date: re-running or backfilling a date replaces that date's run
    and reports and never duplicates notices, changes or alerts. A broken source never stops the
    others: it becomes a `source_broken` change.

    Params: `replay` (archive path or `"demo"`), `sources` (subset of spiders; default all).
    """

    # Each task's dict travels whole as one XCom: nothing downstream wants its keys apart.
    @task(multiple_outputs=False)
    def load_baseline() -> dict[str, int]:
        """Load the curated, cited baseline into the store (idempotent: unchanged facts change nothing)."""
        from regwatch.pipeline.tasks import load_baseline as load

        return load()

    @task
    def plan_sources(params: dict[str, Any] | None = None) -> list[str]:
        """Check the `sources` and `replay` params and list the spiders to crawl (all by default).

        Bad params fail the run at once, without retries: retrying cannot fix a typo. Also pushes the pool
        of each crawl (one per politeness domain) for deployments that route crawls into pools.
        """
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowFailException

        from regwatch.errors import BadInput
        from regwatch.pipeline.tasks import crawl_pools
        from regwatch.pipeline.tasks import plan_sources as plan

        params = params or {}
        try:
            names = plan(params.get("sources"), params.get("replay"))
        except BadInput as exc:
            raise AirflowFailException(str(exc)) from exc
        get_current_context()["ti"].xcom_push(CRAWL_POOLS_KEY, crawl_pools(names))
        return names

    # On the crawl queue; each crawl runs in its domain's pool where the cluster policy is installed.
    @task(multiple_outputs=False, map_index_template="{{ task.op_kwargs['name'] }}", queue=CRAWL_QUEUE)
    def crawl(name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Crawl one source and store its notices; return its health (small: ok, items, message).

        A broken source returns ok=False instead of failing, so the run still publishes; an unreachable
        store raises, so Airflow retries with backoff. A source without its API key (not configured) ends
        the task as skipped, so the grid shows it was not run; its health still goes to `publish`, which
        reports it as not configured (neither verified nor broken).
        """
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowSkipException

        from regwatch.pipeline.tasks import crawl_one

        health = crawl_one(name, replay=(params or {}).get("replay"))
        if health.get("skipped"):
            # Pushed by hand: a skipped task's return value is never stored, and publish needs this one.
            get_current_context()["ti"].xcom_push("return_value", health)
            raise AirflowSkipException(health.get("message") or f"{name}: not configured")
        return health

    # Publish once every crawl is done, however it ended: failed for good (the source counts as broken)
    # or skipped (not configured). ALL_DONE, not ALL_DONE_MIN_ONE_SUCCESS: that rule skips the task as
    # soon as one upstream task is skipped, so one missing API key would have published nothing.
    @task(multiple_outputs=False, trigger_rule=TriggerRule.ALL_DONE)
    def publish(planned: list[str] | None, healths: list[dict[str, Any]]) -> dict[str, Any]:
        """Publish the status table and changes for the as-of date, replacing an earlier run of that date."""
        from airflow.sdk.exceptions import AirflowFailException

        from regwatch.pipeline.tasks import publish_run

        if planned is None:  # plan_sources (or the baseline before it) failed; failing here fails the run
            raise AirflowFailException("no sources were planned (see plan_sources): nothing to publish")
        # One slice request for every crawl's health (iterating asks per item until one is missing).
        return publish_run(_as_of(), planned, list(healths[:]))

    @task
    def report(summary: dict[str, Any]) -> str:
        """Write the run's reports (HTML, Markdown, CSV, JSON, Atom) under REGWATCH_REPORTS_DIR/<date>/."""
        from regwatch.pipeline.tasks import write_report

        return write_report(summary["run_id"])

    @task(outlets=[CHANGES])
    def queue_alerts(summary: dict[str, Any], outlet_events: Any = None) -> int:
        """Queue the run's changes in the outbox (one row per subscriber and change) and update the asset."""
        from regwatch.pipeline.tasks import queue_alerts as queue

        queued = queue(summary["run_id"])
        if outlet_events is not None:
            outlet_events[CHANGES].extra = {**summary, "queued": queued}
        return queued

    planned = plan_sources()
    load_baseline() >> planned
    # Mapped tasks do not take doc_md from their docstring (Airflow 3.3), so it is passed on here.
    healths = crawl.override(doc_md=crawl.function.__doc__).expand(name=planned)
    summary = publish(planned, healths)
    report(summary) >> queue_alerts(summary)


regwatch_pipeline()
