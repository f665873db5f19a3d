"""The Airflow cluster policy that puts each crawl task in the pool of the site it crawls.

A mapped task has one pool for all its map indexes, so `crawl` cannot name per-source pools itself. This
hook runs in the scheduler when Airflow creates the crawl task instances (after `plan_sources` has pushed,
under CRAWL_POOLS_KEY, the pool of each planned source in map index order) and sets each instance's pool.
With one slot per pool, two crawls of one domain never run at once, however many workers there are.

Install it in a deployment's `$AIRFLOW_HOME/config/airflow_local_settings.py`:

    from regwatch.cluster.policy import task_instance_mutation_hook  # noqa: F401

A pool that does not exist is left alone (the task stays in its default pool and a warning says so):
Airflow never schedules a task whose pool is missing. Create the pools with `python -m regwatch.cluster
pools` (a file for `airflow pools import`). Imports only Airflow and SQLAlchemy: the scheduler loads it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

log = logging.getLogger(__name__)

# Written in dags/regwatch_pipeline.py too (a DAG file imports nothing of regwatch when parsed).
PIPELINE_DAG = "regwatch_pipeline"
CRAWL_TASK = "crawl"
PLAN_TASK = "plan_sources"
CRAWL_POOLS_KEY = "crawl_pools"

# (dag_id, run_id, map_index) -> pool, for calls that come without a run to reach the database through.
_decided: dict[tuple[str, str, int], str] = {}


def task_instance_mutation_hook(task_instance: Any, dag_run: Any = None) -> None:
    """Airflow's hook: give a crawl task instance the pool of its source's politeness domain."""
    ti = task_instance
    if ti.dag_id != PIPELINE_DAG or ti.task_id != CRAWL_TASK or ti.map_index is None or ti.map_index < 0:
        return
    key = (ti.dag_id, ti.run_id, ti.map_index)
    pool = _decided.get(key)
    if pool is None:
        session = object_session(dag_run) if dag_run is not None else None
        if session is None:
            return  # Airflow calls again with the run when it creates the instance
        try:
            pool = crawl_pool_of(session, ti.dag_id, ti.run_id, ti.map_index)
        except Exception:  # a policy must never stop the scheduler: the task keeps its default pool
            log.exception("regwatch policy: no pool for %s[%s] of %s", ti.task_id, ti.map_index, ti.run_id)
            return
        if pool is None:
            return
        _decided[key] = pool
    ti.pool = pool


def crawl_pool_of(session: Session, dag_id: str, run_id: str, map_index: int) -> str | None:
    """The pool `plan_sources` planned for crawl `map_index` of a run, if that pool exists; else None."""
    from airflow.models.pool import Pool  # noqa: PLC0415 (Airflow: this module is loaded by Airflow only)
    from airflow.models.xcom import XComModel  # noqa: PLC0415

    value = session.scalar(
        select(XComModel.value).where(
            XComModel.dag_id == dag_id,
            XComModel.run_id == run_id,
            XComModel.task_id == PLAN_TASK,
            XComModel.map_index == -1,
            XComModel.key == CRAWL_POOLS_KEY,
        )
    )
    pools = json.loads(value) if isinstance(value, str) else value  # stored as a JSON text inside the JSON column
    if not isinstance(pools, list) or map_index >= len(pools):
        return None
    pool = str(pools[map_index])
    if session.scalar(select(Pool.id).where(Pool.pool == pool)) is None:
        log.warning("regwatch policy: no pool %s; crawl %s of %s runs in its default pool", pool, map_index, run_id)
        return None
    return pool
