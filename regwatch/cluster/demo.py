"""`make cluster-demo`: regwatch_pipeline on Airflow's CeleryExecutor, PostgreSQL and Redis, on one machine.

Creates two databases of its own (Airflow's metadata and the regwatch store; the names carry a token of
the run), migrates both, creates a pool per politeness domain, starts the API server (loopback), the
scheduler, the DAG processor and N Celery workers with distinct names, triggers `regwatch_pipeline` on the
bundled demo archive, waits for the run, and prints as its last line a JSON summary:

    {"state": "success", "run_id": "...", "tasks_per_worker": {"worker1-...@host": 7, ...},
     "store": "postgresql+psycopg://...", "seconds": 41.2, "pools": {"crawl-fda.gov": 1, ...}}

Where each task ran is read from Airflow's REST API: each task instance's `hostname`, which each worker
reports as its own name through `[core] hostname_callable` (regwatch.cluster.hostname). Everything it
started is stopped by process group at the end, also after a failure or Ctrl-C. Exit 0 when the run
succeeded, 1 when it failed or could not start, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg

from regwatch import settings
from regwatch.cluster import services
from regwatch.cluster.api import Api, ApiError
from regwatch.cluster.policy import CRAWL_TASK, PIPELINE_DAG
from regwatch.cluster.processes import Parts
from regwatch.pipeline.tasks import crawl_pools
from regwatch.redact import redact_url
from regwatch.scraping.registry import keyed_sources, spider_names
from regwatch.store import Store

log = logging.getLogger("regwatch.cluster")

DAGS = Path(__file__).resolve().parents[2] / "dags"
VENV_BIN = Path(sys.executable).parent
# The replay ignores API keys; a stand-in lets the key-gated spiders run (as in `make demo`). Never archived.
STAND_IN_KEY = "demo"
LOCAL_SETTINGS = "from regwatch.cluster.policy import task_instance_mutation_hook  # noqa: F401\n"
FINISHED = {"success", "failed"}
API_USER = "regwatch"
POOL_DESCRIPTION = "regwatch: one crawl of this site at a time"


class ClusterError(RuntimeError):
    """The cluster could not be set up or the run could not be followed (not: the run failed)."""


@dataclass
class Options:
    workers: int = 2
    concurrency: int = 4
    timeout: float = 300.0
    clean: bool = False
    workdir: Path | None = None
    postgres: str = field(default_factory=settings.cluster_postgres_url)
    redis: str = field(default_factory=settings.cluster_redis_url)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One cluster run: what it created and started, so that `close` can undo exactly that."""

    def __init__(self, options: Options):
        self.options = options
        self.token = secrets.token_hex(4)
        self.host = socket.gethostname()
        self.workdir = options.workdir or Path(tempfile.mkdtemp(prefix=f"regwatch-cluster-{self.token}-"))
        self.home = self.workdir / "airflow"
        self.parts = Parts(self.workdir / "processes")
        self.databases: list[str] = []
        self.stop_postgres: Callable[[], None] | None = None
        self.airflow_db = f"regwatch_{self.token}_airflow"
        self.store_db = f"regwatch_{self.token}_store"
        self.port = free_port()
        self.workers = [f"worker{i}-{self.token}@{self.host}" for i in range(1, options.workers + 1)]
        self.run_id = f"cluster_demo_{self.token}"
        # One secret for every part: tokens the API server signs must verify in the scheduler and workers.
        self.jwt_secret = secrets.token_hex(32)
        self.api = Api(f"http://127.0.0.1:{self.port}", API_USER, secrets.token_urlsafe(16))

    # set-up ------------------------------------------------------------------------------------------

    @property
    def airflow_url(self) -> str:
        return services.database_url(self.options.postgres, self.airflow_db)

    @property
    def store_url(self) -> str:
        return services.database_url(self.options.postgres, self.store_db)

    def environment(self, **extra: str) -> dict[str, str]:
        """What every Airflow process of this deployment shares (one jwt_secret, one database, one broker)."""
        queues = f"regwatch-{self.token}"
        values = {
            "PATH": f"{VENV_BIN}:{settings.child_environment({}).get('PATH', '')}",
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.airflow_url,
            # Airflow 3 derives an async URL from the one above; psycopg 3 does async, so name it outright.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": self.airflow_url,
            "AIRFLOW__CELERY__BROKER_URL": self.options.redis,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + self.airflow_url,
            # Queue names carry the run's token: two runs on one broker never take each other's tasks.
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"{queues}-default",
            "REGWATCH_CRAWL_QUEUE": f"{queues}-crawl",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.port}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__API__SECRET_KEY": self.jwt_secret,
            # The simple auth manager's one user, whose password the driver wrote (for its REST calls).
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{API_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.home / "passwords.json"),
            "REGWATCH_PIPELINE_SCHEDULE": "none",
            "REGWATCH_TASK_RETRIES": "0",  # a demo that fails says so now, not after the 2-4-8 minute backoff
            "REGWATCH_DATABASE_URL": self.store_url,
            "REGWATCH_DATA_DIR": str(self.workdir / "data"),
            "REGWATCH_REPORTS_DIR": str(self.workdir / "reports"),
            **{settings.api_key_variable(name): STAND_IN_KEY for name in keyed_sources()},
            **extra,
        }
        return settings.child_environment(values, without_prefixes=("AIRFLOW__", "AIRFLOW_CONN_", "REGWATCH_"))

    def airflow(self, *args: str, timeout: float = 180) -> str:
        """Run an `airflow` command to completion; its output, or ClusterError with the tail of it."""
        done = subprocess.run(
            [str(VENV_BIN / "airflow"), *args],
            env=self.environment(), capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise ClusterError(f"airflow {' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
        return done.stdout

    def set_up(self) -> None:
        self.stop_postgres = services.start_postgres(self.options.postgres)
        redis = services.redis_command(self.options.redis)
        if redis:
            log.info("Redis is down: starting one for this run")
            self.parts.start("redis", redis, settings.child_environment({}))
            host, port = services.host_port(self.options.redis, 6379)
            if not services.wait_reachable(host, port, 20):
                raise ClusterError(f"Redis did not come up at {host}:{port}")
        for name in (self.airflow_db, self.store_db):
            services.create_database(self.options.postgres, name)
            self.databases.append(name)
        Store.open(self.store_url, create=True).engine.dispose()  # the deployment's `regwatch init`
        (self.home / "config").mkdir(parents=True, exist_ok=True)
        (self.home / "config" / "airflow_local_settings.py").write_text(LOCAL_SETTINGS, encoding="utf-8")
        passwords = self.home / "passwords.json"
        passwords.write_text(json.dumps({API_USER: self.api.password}), encoding="utf-8")
        passwords.chmod(0o600)
        started = time.monotonic()
        self.airflow("db", "migrate", timeout=300)
        log.info("airflow db migrate: %.1f s", time.monotonic() - started)

    def start(self) -> None:
        airflow = str(VENV_BIN / "airflow")
        self.parts.start("api-server", [airflow, "api-server", "--port", str(self.port)], self.environment())
        self.parts.start("scheduler", [airflow, "scheduler"], self.environment())
        self.parts.start("dag-processor", [airflow, "dag-processor"], self.environment())
        queues = ",".join(
            self.environment()[name] for name in ("AIRFLOW__OPERATORS__DEFAULT_QUEUE", "REGWATCH_CRAWL_QUEUE")
        )
        for number, name in enumerate(self.workers, start=1):
            env = self.environment(
                REGWATCH_WORKER_NAME=name,
                AIRFLOW__CORE__HOSTNAME_CALLABLE="regwatch.cluster.hostname.worker_hostname",
            )
            # --skip-serve-logs: each worker's log server binds 0.0.0.0:8793 (not configurable), so a second
            # one on this host would fail; the logs are on a disk every part reads (AIRFLOW_HOME/logs).
            command = [
                airflow, "celery", "worker", "--celery-hostname", name, "--queues", queues,
                "--concurrency", str(self.options.concurrency), "--skip-serve-logs",
            ]  # fmt: skip
            self.parts.start(f"worker{number}", command, env)

    # following the run -------------------------------------------------------------------------------

    def check_parts(self) -> None:
        dead = self.parts.dead()
        if dead:
            part = dead[0]
            raise ClusterError(f"{part.name} exited ({part.process.returncode}):\n{part.tail()}")

    def wait(self, what: str, ready: Callable[[], bool], seconds: float) -> None:
        started = time.monotonic()
        while not ready():
            self.check_parts()
            if time.monotonic() - started > seconds:
                raise ClusterError(f"timed out after {seconds:.0f} s waiting for {what}")
            time.sleep(0.5)
        log.info("%s: %.1f s", what, time.monotonic() - started)

    def dag_parsed(self) -> bool:
        return self.api.dag_known(PIPELINE_DAG)

    def workers_ready(self) -> bool:
        """Each worker has logged Celery's "ready." line (connected to the broker, consuming its queues)."""
        return all(" ready." in part.tail(200) for part in self.parts.started if part.name.startswith("worker"))

    def trigger(self) -> None:
        """Create the pools, unpause the pipeline (its schedule is `none`: no run of its own) and trigger it."""
        for pool, spec in pool_file().items():
            self.api.create_pool(pool, spec["slots"], spec["description"])
        self.api.unpause(PIPELINE_DAG)
        self.api.trigger(PIPELINE_DAG, self.run_id, {"replay": "demo"})

    def summary(self, state: str) -> dict[str, Any]:
        """The run's outcome, read from Airflow's API: state, wall time, tasks per worker, crawls per pool."""
        run = self.api.dag_run(PIPELINE_DAG, self.run_id)
        tis = self.api.task_instances(PIPELINE_DAG, self.run_id)
        per_worker = dict.fromkeys(self.workers, 0)
        for ti in tis:
            if ti.get("hostname"):
                per_worker[ti["hostname"]] = per_worker.get(ti["hostname"], 0) + 1
        pools: dict[str, int] = {}
        for ti in tis:
            if ti["task_id"] == CRAWL_TASK:
                pools[ti["pool"]] = pools.get(ti["pool"], 0) + 1
        seconds = None
        if run.get("start_date") and run.get("end_date"):
            started, ended = (datetime.fromisoformat(run[key]) for key in ("start_date", "end_date"))
            seconds = round((ended - started).total_seconds(), 1)
        crawls = [ti for ti in tis if ti["task_id"] == CRAWL_TASK and ti.get("start_date") and ti.get("end_date")]
        crawl_seconds = None
        if crawls:
            first = min(datetime.fromisoformat(ti["start_date"]) for ti in crawls)
            last = max(datetime.fromisoformat(ti["end_date"]) for ti in crawls)
            crawl_seconds = round((last - first).total_seconds(), 1)
        failed = sorted(
            f"{ti['task_id']}[{ti['map_index']}]" if ti["map_index"] >= 0 else ti["task_id"]
            for ti in tis
            if ti["state"] in ("failed", "upstream_failed")
        )
        result: dict[str, Any] = {
            "state": state,
            "run_id": self.run_id,
            "tasks_per_worker": per_worker,
            "store": redact_url(self.store_url),
            "seconds": seconds,
            "crawl_seconds": crawl_seconds,
            "pools": dict(sorted(pools.items())),
        }
        if failed:
            result["failed_tasks"] = failed
        return result

    def run(self) -> dict[str, Any]:
        log.info("work folder %s; databases %s, %s", self.workdir, self.airflow_db, self.store_db)
        self.set_up()
        self.start()
        self.wait("API server", self.api.healthy, 120)
        self.wait("DAG parsed", self.dag_parsed, 120)
        self.wait(f"{len(self.workers)} Celery worker(s) ready", self.workers_ready, 120)
        started = time.monotonic()
        self.trigger()
        log.info("triggered %s (%s)", self.run_id, PIPELINE_DAG)
        state: str | None = None
        while state not in FINISHED:
            self.check_parts()
            if time.monotonic() - started > self.options.timeout:
                log.error("run %s not finished after %.0f s", self.run_id, self.options.timeout)
                return {**self.summary(state or "queued"), "state": f"timeout ({state})"}
            time.sleep(1)
            state = self.api.dag_run(PIPELINE_DAG, self.run_id)["state"]
        log.info("run %s: %s after %.1f s", self.run_id, state, time.monotonic() - started)
        return self.summary(str(state))

    # tear-down ---------------------------------------------------------------------------------------

    def close(self, ok: bool) -> None:
        """Stop every part started; drop the Airflow database (both with --clean); keep logs after a failure."""
        killed = self.parts.stop()
        if killed:
            log.warning("needed SIGKILL: %s", ", ".join(killed))
        left = [f"{part.name} (group {part.pgid})" for part in self.parts.started]
        if left:
            log.error("still running after SIGKILL: %s", ", ".join(left))
        drop = self.databases if self.options.clean else [name for name in self.databases if name == self.airflow_db]
        if not ok and not self.options.clean:
            drop = []  # Airflow's database explains a failure: keep it
        for name in drop:
            try:
                services.drop_database(self.options.postgres, name)
            except psycopg.Error as exc:
                log.warning("could not drop database %s: %s", name, exc)
        kept = [name for name in self.databases if name not in drop]
        if kept:
            log.info("kept database(s): %s", ", ".join(kept))
        if self.stop_postgres:
            self.stop_postgres()
        if self.options.clean and ok and self.options.workdir is None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            log.info("logs and reports: %s", self.workdir)


def pool_file() -> dict[str, dict[str, Any]]:
    """`airflow pools import` input: one pool of one slot per politeness domain of the sources."""
    return {
        pool: {"slots": 1, "description": POOL_DESCRIPTION, "include_deferred": False}
        for pool in sorted(set(crawl_pools(list(spider_names()))))
    }


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m regwatch.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="Celery workers to start (default 2)")
    parser.add_argument("--concurrency", type=int, default=4, help="task slots per worker (default 4)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the run (default 300)")
    parser.add_argument("--clean", action="store_true", help="drop both databases and the work folder afterwards")
    parser.add_argument("--workdir", type=Path, help="folder for Airflow's home, logs, reports (default: new)")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.concurrency < 1:
        parser.error("--workers and --concurrency must be at least 1")
    return Options(
        workers=args.workers, concurrency=args.concurrency, timeout=args.timeout, clean=args.clean, workdir=args.workdir
    )


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    signal.signal(signal.SIGTERM, _interrupt)
    cluster = Cluster(options)
    code = 1
    summary: dict[str, Any] = {"state": "error", "run_id": cluster.run_id, "tasks_per_worker": {}}
    try:
        summary = cluster.run()
        code = 0 if summary["state"] == "success" else 1
    except KeyboardInterrupt:
        log.error("interrupted: stopping everything started")
        summary = {**summary, "state": "interrupted"}
        code = 130
    except (ClusterError, ApiError, OSError, psycopg.Error, subprocess.TimeoutExpired) as exc:
        log.error("%s", exc)
        summary = {**summary, "state": "error", "error": str(exc).splitlines()[0]}
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.close(ok=code == 0)
    summary.setdefault("store", redact_url(cluster.store_url))
    print(json.dumps(summary), flush=True)
    return code
