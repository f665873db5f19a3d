"""Run regwatch_pipeline in-process (DAG.test) with the `dea` crawl raising, as an unreachable store would.

Used by test_pipeline_dag_run.py in a subprocess: it needs its own Airflow home and a patched task.
Prints one JSON line: the run's state and each task instance's state.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from airflow.dag_processing.dagbag import DagBag

import regwatch.pipeline.tasks


def crawl_one(name: str, replay: str | None = None, store: Any = None) -> dict[str, Any]:
    """`dea` fails like an infrastructure error; every other source answers with nothing new."""
    if name == "dea":
        raise ConnectionError("the store is unreachable (simulated)")
    return {"source": name, "ok": True, "skipped": False, "items": 0, "invalid": 0, "message": "", "jurisdictions": []}


if __name__ == "__main__":
    regwatch.pipeline.tasks.crawl_one = crawl_one  # the crawl task imports it from the module when it runs
    dag = DagBag(dag_folder=sys.argv[1]).dags["regwatch_pipeline"]
    run = dag.test(logical_date=datetime.fromisoformat(sys.argv[2]), run_conf={"sources": ["dea", "fda"]})
    states = {f"{ti.task_id}[{ti.map_index}]": str(ti.state) for ti in run.get_task_instances()}
    print(json.dumps({"run": str(run.state), "tasks": states}))
