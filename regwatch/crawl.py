"""Crawling: each spider runs as its own `scrapy crawl` process (Twisted's reactor cannot restart in one
process), writes its notices as JSON Lines and its health as JSON; regwatch ingests what it wrote.

The CLI, the Airflow DAG (one mapped task per source) and the tests all call `crawl_source`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from regwatch.ingest import BadInput, read_notices
from regwatch.models import SourceHealth
from regwatch.store import Store

SPIDERS = ("federal_register", "fda", "dea", "congress", "openstates", "legiscan", "wikipedia", "clinicaltrials")
# A spider that has not finished in this long is stuck (a live crawl of one source takes minutes).
CRAWL_TIMEOUT_SECONDS = 1800
# A replay server is on loopback and ours: politeness delays toward it would only make a replay slow
# (about 55 s instead of under 10 s for the eight spiders on the demo archive).
REPLAY_CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "REGWATCH_AIRFLOW_CONNECTIONS": "False",  # keys come from the environment in a replay, never from Airflow
}


def crawl_source(
    name: str,
    workdir: Path,
    *,
    base_url: str | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
) -> tuple[SourceHealth, Path]:
    """Run one spider in a subprocess; return its health and the JSONL file of notices it wrote."""
    if name not in SPIDERS:
        raise BadInput(f"{name!r} is not a spider; the spiders are: {', '.join(SPIDERS)}")
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{name}.jsonl"
    health_file = workdir / f"{name}.health.json"
    for stale in (out, health_file):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scrapy", "crawl", name, "-O", f"{out}:jsonlines"]
    command += ["-s", f"REGWATCH_HEALTH_FILE={health_file}"]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    if base_url:
        command += ["-a", f"base_url={base_url}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return SourceHealth(source=name, ok=False, message=f"crawl did not finish within {timeout:.0f} s"), out
    if health_file.exists():
        health = SourceHealth.model_validate(json.loads(health_file.read_text(encoding="utf-8")))
    else:
        tail = _redact(" | ".join(proc.stderr.strip().splitlines()[-3:]))
        health = SourceHealth(source=name, ok=False, message=f"scrapy exited with code {proc.returncode}: {tail}")
    if not out.exists():
        out.touch()
    return health, out


def ingest_crawl(store: Store, health: SourceHealth, out: Path) -> SourceHealth:
    """Store what a crawl wrote; a file that cannot be read marks the source broken, storing nothing."""
    try:
        notices = read_notices(out)
    except BadInput as exc:
        return health.model_copy(update={"ok": False, "message": f"output unreadable: {exc}"})
    store.ingest(notices)
    return health


def crawl_all(
    store: Store,
    sources: list[str] | None = None,
    base_url: str | None = None,
    workdir: Path | None = None,
    settings: dict[str, str] | None = None,
) -> list[SourceHealth]:
    """Crawl every source (or those named) and ingest; one failing source does not stop the others."""
    results = []
    with _workdir(workdir) as folder:
        for name in sources or SPIDERS:
            health, out = crawl_source(name, folder, base_url=base_url, settings=settings)
            results.append(ingest_crawl(store, health, out))
    return results


def crawler_for(
    store: Store, sources: list[str] | None = None, replay: Path | None = None
) -> Callable[[], list[SourceHealth]]:
    """The crawl step of `regwatch run`: the live sites, or a recorded archive replayed on loopback."""

    def crawl() -> list[SourceHealth]:
        if replay is None:
            return crawl_all(store, sources)
        from regwatch.replay import serve

        with serve(replay) as base_url:
            return crawl_all(store, sources, base_url=base_url, settings=REPLAY_CRAWL_SETTINGS)

    return crawl


def _redact(text: str) -> str:
    """`text` without the value of any REGWATCH_*_API_KEY: a crash log's tail becomes a health message."""
    for name, value in os.environ.items():
        if name.startswith("REGWATCH_") and name.endswith("_API_KEY") and value.strip():
            text = text.replace(value.strip(), "***")
    return text


@contextmanager
def _workdir(folder: Path | None) -> Iterator[Path]:
    if folder is not None:
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="regwatch-crawl-") as tmp:
        yield Path(tmp)
