"""DAG parse benchmark: each dags/*.py parsed in a fresh process by Airflow's own DagBag, as the DAG
processor does it (Airflow already imported; the file's own imports and top-level code are timed).

`python -m benchmarks.dags FILE` prints one JSON line; run it in a fresh process per file.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import ROOT, median, run_worker


def parse_once(path: Path) -> dict[str, Any]:
    # The DAG processor has these loaded before it reads any DAG file; timing them here would charge
    # Airflow's own start-up to the file.
    import airflow.sdk  # noqa: F401
    from airflow.dag_processing.dagbag import DagBag

    started = time.perf_counter()
    bag = DagBag(dag_folder=str(path), safe_mode=False)
    seconds = time.perf_counter() - started
    return {"file": path.name, "seconds": seconds, "dags": sorted(bag.dag_ids), "errors": dict(bag.import_errors)}


def dag_parse(repetitions: int = 5, folder: Path | None = None) -> dict[str, Any]:
    """The median parse time of each DAG file over fresh processes; the slowest file's median."""
    folder = folder or ROOT / "dags"
    files = sorted(folder.glob("*.py"))
    if not files:
        return {"dag_parse_max_seconds": None, "dag_parse_note": f"no DAG files in {folder}"}
    per_file: dict[str, float] = {}
    errors: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="regwatch-airflow-") as home:
        # A scratch AIRFLOW_HOME: parsing must not write config or logs into the user's.
        env = {"AIRFLOW_HOME": home, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
        for path in files:
            runs = [run_worker("benchmarks.dags", str(path), env=env) for _ in range(repetitions)]
            per_file[path.name] = round(median([r["seconds"] for r in runs]), 4)
            if runs[-1]["errors"]:
                errors[path.name] = runs[-1]["errors"]
    return {
        "dag_parse_max_seconds": max(per_file.values()),
        "dag_parse_seconds": per_file,
        "dag_parse_errors": errors,
        "repetitions": repetitions,
    }


if __name__ == "__main__":
    print(json.dumps(parse_once(Path(sys.argv[1]))))
