"""Integration: `airflow dags test regwatch_pipeline` end to end on the demo replay, then the same date again;
and a run in which one crawl task fails for good.

Slow (three real Airflow runs, about 50 s in all): marked `integration`.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from regwatch.domain.vocab import ChangeKind
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline.steps import load_baseline, publish
from regwatch.scraping.registry import spider_names
from regwatch.store import Store
from regwatch.store import tables as t
from tests.dags.dag_helpers import DAGS, VENV_BIN

pytestmark = pytest.mark.integration

LOGICAL_DATE = "2025-09-01"
# The run before it, for the DAG's run to diff against: without one, a first run has no changes to alert on.
EARLIER = date(2025, 1, 1)


@pytest.fixture(scope="module")
def migrated(airflow_home: Path) -> Path:
    """The session's Airflow home with its SQLite metadata database created (once: about 2.5 s)."""
    env = {**os.environ, "AIRFLOW_HOME": str(airflow_home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    done = airflow(["db", "migrate"], env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return airflow_home


@pytest.fixture
def env(migrated: Path, airflow_env: dict[str, str]) -> dict[str, str]:
    """The environment of an `airflow` subprocess: this test's regwatch folders, the migrated home."""
    return {**os.environ, "REGWATCH_TASK_RETRIES": "0"}  # a failing task fails now, not after backoff


def airflow(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the virtualenv's `airflow` with `env`; the whole log comes back for the failure message."""
    return subprocess.run(
        [str(VENV_BIN / "airflow"), *args], env=env, capture_output=True, text=True, timeout=240, check=False
    )


def run_dag_script(name: str, logical_date: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run a DAG script of this folder on a store made as `regwatch init` makes it; its JSON result."""
    Store.open(create=True).engine.dispose()  # the deployment's `regwatch init`
    done = subprocess.run(
        [str(VENV_BIN / "python"), str(Path(__file__).with_name(name)), str(DAGS), logical_date, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def snapshot(store: Store) -> dict[str, Any]:
    """What a re-run must leave as it was: notices, the run's changes, the outbox (timestamps aside)."""
    columns = (t.outbox.c.subscriber_id, t.outbox.c.change_id, t.outbox.c.run_id, t.outbox.c.state)
    with store.engine.connect() as conn:
        outbox = sorted(tuple(row) for row in conn.execute(select(*columns)))
    return {
        "notices": store.count_notices(),
        "changes": [c.model_dump(mode="json") for c in store.changes(LOGICAL_DATE)],
        "rows": [r.model_dump(mode="json") for r in store.rows(LOGICAL_DATE)],
        "outbox": outbox,
    }


def test_pipeline_dag_runs_end_to_end_and_a_rerun_of_the_date_changes_nothing(env: dict[str, str]) -> None:
    store = Store.open(create=True)  # the deployment's `regwatch init`: tasks refuse a store never created
    load_baseline(store)
    publish(store, EARLIER)
    upsert(store, [make_subscriber(email="analyst@example.org", cadence="immediate")])
    store.engine.dispose()  # the Airflow tasks write the same SQLite file

    command = ["dags", "test", "regwatch_pipeline", LOGICAL_DATE, "-c", json.dumps({"replay": "demo"})]
    started = time.perf_counter()
    first = airflow(command, env)
    print(f"airflow dags test wall time: {time.perf_counter() - started:.1f} s")
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    reports = Path(os.environ["REGWATCH_REPORTS_DIR"])
    assert (reports / LOGICAL_DATE / "index.html").is_file()

    store = Store.open()
    run = store.run(LOGICAL_DATE)
    assert run is not None and run.as_of == date(2025, 9, 1)
    assert sorted(h.source for h in run.health) == sorted(spider_names())
    # Which demo sources come out healthy is the spiders' and the archive's business; that crawls ran is ours.
    assert sum(h.items for h in run.health if h.ok) > 0, run.health
    after_first = snapshot(store)
    assert after_first["changes"] and after_first["outbox"], "the demo run should find changes and queue alerts"
    assert {s for _, _, _, s in after_first["outbox"]} == {"queued"}
    store.engine.dispose()

    started = time.perf_counter()
    second = airflow(command, env)
    print(f"airflow dags test (re-run) wall time: {time.perf_counter() - started:.1f} s")
    assert second.returncode == 0, second.stdout[-5000:] + second.stderr[-5000:]
    store = Store.open()
    assert snapshot(store) == after_first
    assert [r.id for r in store.runs()] == [EARLIER.isoformat(), LOGICAL_DATE]
    store.engine.dispose()


def test_a_crawl_that_fails_for_good_is_published_as_a_broken_source(env: dict[str, str]) -> None:
    result = run_dag_script("failing_crawl_run.py", "2025-09-03T00:00:00+00:00", env)
    assert result["tasks"] == {
        "load_baseline[-1]": "success",
        "plan_sources[-1]": "success",
        "crawl[0]": "failed",
        "crawl[1]": "success",
        "publish[-1]": "success",
        "report[-1]": "success",
        "queue_alerts[-1]": "success",
    }
    store = Store.open()
    run = store.run("2025-09-03")
    assert run is not None
    assert [(h.source, h.ok) for h in run.health] == [("dea", False), ("fda", True)]
    assert [(c.kind, c.source) for c in store.changes("2025-09-03")] == [(ChangeKind.SOURCE_BROKEN, "dea")]
    store.engine.dispose()


def test_a_source_without_its_key_is_a_skipped_crawl_task_and_published_as_not_configured(
    env: dict[str, str],
) -> None:
    without_key = {k: v for k, v in env.items() if k != "REGWATCH_CONGRESS_API_KEY"}
    result = run_dag_script("not_configured_run.py", "2025-09-04T00:00:00+00:00", without_key)
    # Skipped, not green: the source was not run. publish (ALL_DONE) still runs.
    assert result["tasks"] == {
        "load_baseline[-1]": "success",
        "plan_sources[-1]": "success",
        "crawl[0]": "skipped",
        "crawl[1]": "success",
        "publish[-1]": "success",
        "report[-1]": "success",
        "queue_alerts[-1]": "success",
    }
    assert result["run"] == "success"
    store = Store.open()
    run = store.run("2025-09-04")
    assert run is not None
    assert [(h.source, h.ok, h.skipped) for h in run.health] == [("congress", False, True), ("fda", True, False)]
    assert "not configured" in run.health[0].message  # its own health, not "the crawl task failed"
    assert store.changes("2025-09-04") == []  # not broken: no source_broken alert
    store.engine.dispose()


def test_a_run_whose_sources_cannot_be_planned_fails_and_publishes_nothing(env: dict[str, str]) -> None:
    # publish's trigger rule is all_done: it must not let a run without planned sources end as a success.
    conf = json.dumps({"sources": ["no_such_spider"]})
    result = run_dag_script("not_configured_run.py", "2025-09-05T00:00:00+00:00", env, conf)
    assert result["run"] == "failed", result
    assert result["tasks"]["plan_sources[-1]"] == "failed"
    assert result["tasks"]["publish[-1]"] in ("failed", "upstream_failed"), result
    store = Store.open()
    assert store.run("2025-09-05") is None
    store.engine.dispose()
