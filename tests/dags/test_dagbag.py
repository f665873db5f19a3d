"""The DAG files parse cleanly, fast, without importing regwatch, and have the shape the brief asks for."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.dags.dag_helpers import DAGS, VENV_BIN

EXPECTED = {"regwatch_pipeline", "regwatch_digest"}

# Parses dags/ the way the DAG processor does and reports what the parse cost and imported.
PARSE_SCRIPT = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
before = set(sys.modules)
bag = DagBag(dag_folder=sys.argv[1])
loaded = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("regwatch", "spiders", "scrapy"))
print(json.dumps({
    "errors": bag.import_errors,
    "dags": sorted(bag.dag_ids),
    "seconds": {s.file: s.duration.total_seconds() for s in bag.dagbag_stats},
    "loaded": loaded,
}))
"""


@pytest.fixture
def dagbag(airflow_env: dict[str, str]) -> Any:
    """The DagBag of this repo's dags/ (Airflow imported only after its environment is set)."""
    from airflow.dag_processing.dagbag import DagBag  # noqa: PLC0415 (Airflow reads its environment at import)

    return DagBag(dag_folder=str(DAGS))


def test_dag_files_parse_without_errors_or_heavy_imports(airflow_env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", PARSE_SCRIPT, str(DAGS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for name, seconds in sorted(result["seconds"].items()):
        print(f"parse time {name}: {seconds * 1000:.1f} ms")
    assert result["errors"] == {}
    assert set(result["dags"]) == EXPECTED
    assert set(result["seconds"]) == {"regwatch_pipeline.py", "regwatch_digest.py"}
    assert result["loaded"] == [], "DAG files must import regwatch (and Scrapy) inside tasks only"


def test_every_dag_is_tagged_documented_and_retried(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == EXPECTED
    for dag in dagbag.dags.values():
        assert "regwatch" in dag.tags
        assert dag.doc_md and dag.doc_md.strip()
        assert dag.catchup is False
        assert dag.max_active_runs == 1
        for task in dag.tasks:
            assert task.doc_md and task.doc_md.strip(), f"{dag.dag_id}.{task.task_id} has no doc_md"
            assert task.retries == 3, f"{dag.dag_id}.{task.task_id}"
            assert task.retry_exponential_backoff > 0
            assert task.max_retry_delay is not None and task.retry_delay.total_seconds() > 0


def test_pipeline_shape(dagbag: Any) -> None:
    from airflow.sdk import TriggerRule  # noqa: PLC0415 (Airflow reads its environment at import)

    dag = dagbag.dags["regwatch_pipeline"]
    assert set(dag.task_ids) == {"load_baseline", "plan_sources", "crawl", "publish", "report", "queue_alerts"}
    assert dag.get_task("crawl").is_mapped
    assert dag.get_task("crawl").upstream_task_ids == {"plan_sources"}
    assert dag.get_task("plan_sources").upstream_task_ids == {"load_baseline"}
    publish = dag.get_task("publish")
    assert publish.upstream_task_ids == {"plan_sources", "crawl"}
    # One crawl failing for good, or skipped (not configured), must not stop the run from publishing.
    assert publish.trigger_rule == TriggerRule.ALL_DONE
    assert dag.get_task("queue_alerts").upstream_task_ids == {"publish", "report"}
    assert [a.uri for a in dag.get_task("queue_alerts").outlets] == ["regwatch://changes/"]
    assert dag.params["replay"] is None and dag.params["sources"] == []
    assert (dag.timetable.expression, str(dag.timetable.timezone)) == ("0 0 * * *", "UTC")


def test_digest_follows_the_pipeline_asset(dagbag: Any) -> None:
    pipeline = dagbag.dags["regwatch_pipeline"]
    digest = dagbag.dags["regwatch_digest"]
    produced = {a.uri for a in pipeline.get_task("queue_alerts").outlets}
    consumed = {a.uri for a in digest.timetable.asset_condition.objects}
    assert consumed == produced
    assert digest.get_task("send").is_mapped


def test_ruff_airflow_rules_pass_on_dags() -> None:
    done = subprocess.run(
        [str(VENV_BIN / "ruff"), "check", "--select", "AIR", str(DAGS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
