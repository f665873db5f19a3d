"""Run regwatch_pipeline in-process (DAG.test) for `congress` (no API key: the real crawl) and `fda` (stubbed),
or with the run conf given as a third argument.

Used by test_pipeline_dag_run.py in a subprocess: it needs its own Airflow home and a patched task.
Prints one JSON line: the run's state, each task instance's state and publish's summary.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from airflow.dag_processing.dagbag import DagBag

import regwatch.pipeline.tasks

real_crawl_one = regwatch.pipeline.tasks.crawl_one


def crawl_one(name: str, replay: str | None = None, store: Any = None) -> dict[str, Any]:
    """`congress` crawls for real (a `scrapy crawl` that asks nothing without its key); `fda` answers at once."""
    if name == "congress":
        return real_crawl_one(name, replay=replay, store=store)
    return {"source": name, "ok": True, "skipped": False, "items": 0, "invalid": 0, "message": "", "jurisdictions": []}


if __name__ == "__main__":
    regwatch.pipeline.tasks.crawl_one = crawl_one  # the crawl task imports it from the module when it runs
    dag = DagBag(dag_folder=sys.argv[1]).dags["regwatch_pipeline"]
    conf = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {"sources": ["congress", "fda"]}
    run = dag.test(logical_date=datetime.fromisoformat(sys.argv[2]), run_conf=conf)
    states = {f"{ti.task_id}[{ti.map_index}]": str(ti.state) for ti in run.get_task_instances()}
    print(json.dumps({"run": str(run.state), "tasks": states}))
