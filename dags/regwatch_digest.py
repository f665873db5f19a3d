"""regwatch_digest: mail immediate alerts and the daily and weekly digests after each published run.

Thin on purpose: the tasks call regwatch.pipeline.tasks, imported inside them.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, dag, task

# The asset regwatch_pipeline updates after each run (the same URI is in regwatch_pipeline.py).
CHANGES = Asset("regwatch://changes")

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "regwatch",
    # SMTP servers refuse or time out now and then; the outbox makes a retried send mail nothing twice.
    # REGWATCH_TASK_RETRIES=0 makes a local test fail at once instead of waiting out the backoff.
    "retries": int(os.environ.get("REGWATCH_TASK_RETRIES", "3")),
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    # Sending one cadence's digests takes seconds per subscriber; an hour means something hangs.
    "execution_timeout": timedelta(hours=1),
}


@dag(
    dag_id="regwatch_digest",
    # Follows fresh data: one run each time regwatch_pipeline publishes and queues alerts.
    schedule=[CHANGES],
    start_date=datetime(2025, 1, 1, tzinfo=UTC),
    catchup=False,
    # Two digest runs at once would race for the same outbox rows (the outbox stops duplicates anyway).
    max_active_runs=1,
    tags=["regwatch", "kratom", "alerts"],
    default_args=DEFAULT_ARGS,
)
def regwatch_digest() -> None:
    """### regwatch digests

    Runs when `regwatch_pipeline` updates the asset `regwatch://changes`. One mapped task per cadence:
    `immediate` alerts go out every run; the `daily` digest once per UTC date and the `weekly` one once
    per ISO week, decided from the run's date (its logical date, or when it was queued: asset-triggered
    runs have no logical date) and from when the outbox last delivered that cadence.

    SMTP comes from REGWATCH_SMTP_URL or the Airflow connection `regwatch_smtp`; with neither, messages
    are written as .eml files into the latest run's report folder. The outbox (one row per subscriber
    and change) makes a retried or repeated send harmless.
    """

    @task
    def cadences() -> list[str]:
        """The digest cadences (regwatch.domain.vocab.Cadence), one mapped send each."""
        from regwatch.domain.vocab import Cadence

        return [c.value for c in Cadence]

    # The summary dict travels whole as one XCom.
    @task(multiple_outputs=False, map_index_template="{{ task.op_kwargs['cadence'] }}")
    def send(cadence: str) -> dict[str, Any]:
        """Send one cadence's messages if they are due; a failure retries only this cadence."""
        from airflow.sdk import get_current_context

        from regwatch.domain.vocab import Cadence
        from regwatch.pipeline.tasks import run_moment, send_digest

        run = get_current_context()["dag_run"]
        return send_digest(Cadence(cadence), now=run_moment(run.logical_date, run.run_after))

    # Mapped tasks do not take doc_md from their docstring (Airflow 3.3), so it is passed on here.
    send.override(doc_md=send.function.__doc__).expand(cadence=cadences())


regwatch_digest()
