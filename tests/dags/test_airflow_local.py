"""Airflow run locally as README.md says: the API server on loopback, DAGs that must be unpaused to run,
and no live crawl the moment the pipeline is first unpaused."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.dags.dag_helpers import DAGS, VENV_BIN

README = DAGS.parent / "README.md"
# Prints the first run the scheduler would plan for regwatch_pipeline (in a process of its own: the
# schedule is read from the environment when the DAG file is parsed).
FIRST_RUN = """
import sys
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization
dag = DagSerialization.from_dict(DagSerialization.to_dict(DagBag(sys.argv[1]).dags["regwatch_pipeline"]))
print(dag.next_dagrun_info(last_automated_run_info=None))
"""


def local_block() -> str:
    """The shell block of README.md's "Running locally" section."""
    section = README.read_text(encoding="utf-8").split("### Running locally", 1)[1]
    return section.split("```", 2)[1]


def local_environment(home: Path) -> dict[str, str]:
    """The variables the block exports, as a shell would set them ($PWD the checkout, AIRFLOW_HOME `home`)."""
    env = {**os.environ}
    for name, value in re.findall(r"^export (\w+)=(\S+)", local_block(), flags=re.MULTILINE):
        env[name] = value.replace("$PWD", str(DAGS.parent)).replace("$PATH", env.get("PATH", ""))
    env["AIRFLOW_HOME"] = str(home)
    return env


def test_the_readme_runs_the_api_server_on_loopback(tmp_path: Path) -> None:
    # `airflow standalone` starts `airflow api-server`, whose --host defaults to [api] host ("0.0.0.0").
    done = subprocess.run(
        [str(VENV_BIN / "airflow"), "config", "get-value", "api", "host"],
        env=local_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "127.0.0.1"


def test_the_readme_unpauses_the_dags_before_triggering() -> None:
    lines = [line.split("#", 1)[0].strip() for line in local_block().splitlines()]
    trigger = next(i for i, line in enumerate(lines) if line.startswith("airflow dags trigger regwatch_pipeline"))
    # DAGs start paused: a run triggered before unpausing stays queued.
    for dag_id in ("regwatch_pipeline", "regwatch_digest"):
        assert f"airflow dags unpause {dag_id}" in lines[:trigger], dag_id


def test_first_unpause_starts_no_run_before_the_next_scheduled_time(airflow_env: dict[str, str]) -> None:
    """The scheduler plans a DAG's first run with next_dagrun_info(None): it must not lie in the past."""
    from airflow.dag_processing.dagbag import DagBag  # noqa: PLC0415 (Airflow reads its environment at import)
    from airflow.serialization.serialized_objects import DagSerialization  # noqa: PLC0415

    dag: Any = DagSerialization.from_dict(DagSerialization.to_dict(DagBag(str(DAGS)).dags["regwatch_pipeline"]))
    first = dag.next_dagrun_info(last_automated_run_info=None)
    assert first is not None and first.run_after > datetime.now(UTC), first


@pytest.mark.parametrize("value", ["none", "None"])
def test_a_manual_only_schedule_plans_no_run_at_all(
    airflow_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("REGWATCH_PIPELINE_SCHEDULE", value)
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", FIRST_RUN, str(DAGS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "None"
