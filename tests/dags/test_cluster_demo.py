"""The cluster demo (`make cluster-demo`, regwatch.cluster): regwatch_pipeline on the CeleryExecutor with two
workers, PostgreSQL and Redis; and, interrupted with Ctrl-C mid-run, nothing left running.

Needs PostgreSQL and Redis: where REGWATCH_TEST_DATABASE_URL is unset they skip with a message; where it is set
(.ci/run sets it) a cluster that cannot run fails them. About 50 s and 35 s on an idle 2-core machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest

from regwatch.cluster.demo import pool_file
from regwatch.cluster.services import libpq_url
from regwatch.pipeline.tasks import crawl_pool
from regwatch.scraping.registry import politeness_domain, spider_names
from tests.dags.dag_helpers import VENV_BIN

# load_baseline, plan_sources, one crawl per source, publish, report, queue_alerts
PIPELINE_TASKS = 5 + len(spider_names())


def cluster_env() -> dict[str, str]:
    """The environment of the demo: this test's PostgreSQL and Redis; skip where none is configured."""
    database = os.environ.get("REGWATCH_TEST_DATABASE_URL")
    if not database:
        pytest.skip("REGWATCH_TEST_DATABASE_URL is not set: the cluster demo needs PostgreSQL and Redis (.ci/run)")
    redis = os.environ.get("REGWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "REGWATCH_CLUSTER_POSTGRES_URL": database,
        "REGWATCH_CLUSTER_REDIS_URL": redis,
    }


def demo_command(workdir: Path, *args: str) -> list[str]:
    return [str(VENV_BIN / "python"), "-m", "regwatch.cluster", "--clean", "--workdir", str(workdir), *args]


def last_json(stdout: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return result


def processes_of(token: str) -> list[str]:
    """Processes whose command line or environment carries the run's token (its queues, names, run id)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if token.encode() in cmdline or token.encode() in environ:
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{proc.name}: {command[:120]}")
    return found


def databases_of(token: str, env: dict[str, str]) -> list[str]:
    with psycopg.connect(libpq_url(env["REGWATCH_CLUSTER_POSTGRES_URL"])) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"regwatch_{token}_%",))
        return [str(name) for (name,) in rows]


def test_every_source_crawls_in_the_pool_of_its_domain() -> None:
    pools = {name: crawl_pool(name) for name in spider_names()}
    assert all(pool == f"crawl-{politeness_domain(name)}" for name, pool in pools.items())
    assert set(pool_file()) == set(pools.values())
    assert all(spec["slots"] == 1 for spec in pool_file().values())


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_the_cluster_demo_runs_the_pipeline_on_two_celery_workers(tmp_path: Path) -> None:
    env = cluster_env()
    started = time.perf_counter()
    done = subprocess.run(
        demo_command(tmp_path, "--timeout", "180"), env=env, capture_output=True, text=True, timeout=280, check=False
    )
    print(f"cluster demo wall time: {time.perf_counter() - started:.1f} s")
    log = done.stdout[-3000:] + done.stderr[-6000:]
    assert done.returncode == 0, log
    summary = last_json(done.stdout)
    print(summary)
    assert summary["state"] == "success", log
    token = summary["run_id"].removeprefix("cluster_demo_")
    workers = summary["tasks_per_worker"]
    # Two workers with distinct names, both used (8 crawls queued at once, 4 slots each), every task placed.
    assert len(workers) == 2 and all(name.startswith(("worker1-", "worker2-")) for name in workers), workers
    assert all(count > 0 for count in workers.values()), workers
    assert sum(workers.values()) == PIPELINE_TASKS, workers
    # Each crawl ran in the pool of its site (the cluster policy): sources of one site (fda, fda_warning_letters)
    # share its one-slot pool, so they crawled it one after the other.
    assert summary["pools"] == dict(sorted(Counter(crawl_pool(name) for name in spider_names()).items()))
    assert summary["store"].startswith("postgresql+psycopg://") and f"regwatch_{token}_store" in summary["store"]
    assert processes_of(token) == []
    assert databases_of(token, env) == []  # --clean


@pytest.mark.integration
@pytest.mark.timeout(240)
def test_ctrl_c_mid_run_stops_everything_the_demo_started(tmp_path: Path) -> None:
    env = cluster_env()
    proc = subprocess.Popen(demo_command(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err: list[str] = []
    try:
        for line in proc.stderr:  # the driver logs each step; interrupt once the run is going
            err.append(line)
            if "triggered" in line:
                break
        time.sleep(3)  # crawls under way
        proc.send_signal(signal.SIGINT)
        stdout, rest = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    log = "".join(err) + rest
    assert proc.returncode == 130, log[-5000:]
    summary = last_json(stdout)
    assert summary["state"] == "interrupted", summary
    token = summary["run_id"].removeprefix("cluster_demo_")
    assert processes_of(token) == [], log[-3000:]
    assert databases_of(token, env) == []
