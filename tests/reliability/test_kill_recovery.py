"""`regwatch run` killed with SIGKILL at several points, then run again, ends exactly where a run that was
never interrupted ends: the same status table, changes, outbox and report data.

The kill is injected without timing: a child process patches one function so that, at the chosen
step, the process sends itself SIGKILL; then it runs the real CLI. Nothing in regwatch knows about it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.store import Store
from tests.reliability.reliability_helpers import DAY1, DAY2, NEW, snapshot, tree

# Each: what to patch in the child, and when it kills itself.
KILL_POINTS = {
    "before publishing": """
from regwatch.store import store as m
original = m.Store.publish_run
def hook(*a, **k):
    die()
m.Store.publish_run = hook
""",
    "mid-transaction, status rows written, changes not": """
import sqlalchemy.engine.base as m
original = m.Connection.execute
def hook(self, statement, *a, **k):
    if getattr(statement, "table", None) is not None and statement.table.name == "changes" and statement.is_insert:
        die()
    return original(self, statement, *a, **k)
m.Connection.execute = hook
""",
    "while writing the report files": """
from regwatch.reports import writer as m
original = m._write_file
calls = []
def hook(path, content):
    calls.append(path)
    if len(calls) == 5:
        die()
    return original(path, content)
m._write_file = hook
""",
    "after swapping the new latest/ in, before the old one is removed": """
from regwatch.reports import writer as m
original = m._exchange
def hook(a, b):
    result = original(a, b)
    if b.name == "latest":
        die()
    return result
m._exchange = hook
""",
    "between moving latest/ aside and renaming the new one in (no RENAME_EXCHANGE)": """
import pathlib
from regwatch.reports import writer as m
m._exchange = lambda a, b: False
original = pathlib.Path.rename
def hook(self, target):
    result = original(self, target)
    if str(target).endswith(".latest.old"):
        die()
    return result
pathlib.Path.rename = hook
""",
    # Alerts are queued inside the transaction that publishes the run (the transactional outbox).
    "in the publishing transaction, before queuing alerts": """
import regwatch.notify.outbox as m
def hook(*a, **k):
    die()
m.queue_changes = hook
""",
}
PRELUDE = """
import os, signal, sys
def die():
    os.kill(os.getpid(), signal.SIGKILL)
"""
RUN = """
from regwatch.cli import main
sys.argv = ["regwatch", "run", "--no-crawl", "--as-of", sys.argv[1]]
main()
"""


def environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "REGWATCH_DATABASE_URL": f"sqlite:///{folder / 'store.sqlite'}",
        "REGWATCH_REPORTS_DIR": str(folder / "reports"),
        "REGWATCH_DATA_DIR": str(folder / "data"),
    }


@pytest.fixture(scope="module")
def day_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the baseline, a subscriber and day one published; new notices waiting for day two. Made once:
    each case runs on its own copy of the folder."""
    folder = tmp_path_factory.mktemp("day-one")
    store = Store.open(environment(folder)["REGWATCH_DATABASE_URL"], create=True)
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1, reports_dir=folder / "reports")
    store.ingest(NEW)
    store.engine.dispose()
    return folder


def prepare(day_one: Path, folder: Path) -> dict[str, str]:
    shutil.copytree(day_one, folder, dirs_exist_ok=True, symlinks=True)
    return environment(folder)


def regwatch_run(env: dict[str, str], patch: str = "") -> subprocess.CompletedProcess[str]:
    script = PRELUDE + patch + RUN
    return subprocess.run(
        [sys.executable, "-c", script, DAY2.isoformat()], env=env, capture_output=True, text=True, check=False
    )


def outcome(folder: Path, env: dict[str, str]) -> tuple[object, ...]:
    """What a finished run leaves: store contents and the report's data files."""
    store = Store.open(env["REGWATCH_DATABASE_URL"])
    try:
        state = snapshot(store)
    finally:
        store.engine.dispose()
    files = {}
    for where in (DAY2.isoformat(), "latest"):
        report = tree(folder / "reports" / where)
        files[where] = {name: report.get(name) for name in ("status.json", "status.csv", "changes.json")}
    leftovers = sorted(p.name for p in (folder / "reports").iterdir() if p.name.startswith("."))
    return state.notices, state.runs, state.outbox, files, leftovers


@pytest.fixture(scope="module")
def reference(day_one: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[object, ...]:
    """A day-two run that was never interrupted, in its own store."""
    folder = tmp_path_factory.mktemp("reference")
    env = prepare(day_one, folder)
    done = regwatch_run(env)
    assert done.returncode == 0, done.stderr
    return outcome(folder, env)


@pytest.mark.parametrize("point", KILL_POINTS, ids=str)
def test_a_killed_run_is_recovered_by_the_next(
    point: str, day_one: Path, tmp_path: Path, reference: tuple[object, ...]
) -> None:
    env = prepare(day_one, tmp_path)
    day_one_report = tree(tmp_path / "reports" / DAY1.isoformat())

    killed = regwatch_run(env, KILL_POINTS[point])
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert tree(tmp_path / "reports" / DAY1.isoformat()) == day_one_report
    store = Store.open(env["REGWATCH_DATABASE_URL"])
    try:
        half = snapshot(store)
    finally:
        store.engine.dispose()
    if DAY2.isoformat() in half.runs:  # a run is all or nothing: published with its rows and changes, or absent
        rows, changes = half.runs[DAY2.isoformat()]
        assert (rows, changes) == reference[1][DAY2.isoformat()]  # type: ignore[index]

    again = regwatch_run(env)
    assert again.returncode == 0, again.stderr
    assert outcome(tmp_path, env) == reference
    assert json.loads(reference[3]["latest"]["changes.json"])  # type: ignore[index]  # day two did change things
