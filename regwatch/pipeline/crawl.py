"""Crawling: each spider runs as its own `scrapy crawl` process (Twisted's reactor cannot restart in one
process), writes its notices as JSON Lines and its health as JSON; regwatch ingests what it wrote.

`crawl_sources` is the crawl stage of every pass (regwatch.pipeline.steps); tests call `crawl_source`
for one process at a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from regwatch import settings
from regwatch.domain.models import SourceHealth
from regwatch.errors import BadInput
from regwatch.inputs.jsonl import read_notices
from regwatch.redact import redact
from regwatch.scraping.registry import spider_names
from regwatch.store import IngestResult, Store

# Told before a source crawls (health and counts None) and after it is stored: the CLI's progress display.
SourceObserver = Callable[[str, SourceHealth | None, IngestResult | None], None]

SCRAPY_SETTINGS = "regwatch.scraping.settings"
# A spider that has not finished in this long is stuck (a live crawl of one source takes minutes).
CRAWL_TIMEOUT_SECONDS = 1800
# A replay server is on loopback and ours: politeness delays toward it would only make a replay slow
# (about 55 s instead of under 10 s for the eight spiders on the demo archive).
REPLAY_CRAWL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}


def crawl_source(
    name: str,
    workdir: Path,
    *,
    base_url: str | None = None,
    scrapy_settings: Mapping[str, str] | None = None,
    api_key: str | None = None,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
) -> tuple[SourceHealth, Path]:
    """Run one spider in a subprocess; return its health and the JSONL file of notices it wrote.

    With `base_url` (a replay server) politeness is off; `scrapy_settings` override the project's.
    The source's API key is `api_key`, else the one regwatch.settings finds (its variable or its Airflow
    connection, looked up here in the parent: the subprocess has no Airflow task context to ask); the
    subprocess gets it in its environment.
    """
    if name not in spider_names():
        raise BadInput(f"{name!r} is not a spider; the spiders are: {', '.join(spider_names())}")
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{name}.jsonl"
    health_file = workdir / f"{name}.health.json"
    for stale in (out, health_file):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scrapy", "crawl", name, "-O", f"{out}:jsonlines"]
    command += ["-s", f"REGWATCH_HEALTH_FILE={health_file}"]
    chosen = {**(REPLAY_CRAWL_SETTINGS if base_url else {}), **(scrapy_settings or {})}
    for setting, value in chosen.items():
        command += ["-s", f"{setting}={value}"]
    if base_url:
        command += ["-a", f"base_url={base_url}"]
    env = {"SCRAPY_SETTINGS_MODULE": SCRAPY_SETTINGS}
    key = api_key or settings.api_key(name)
    if key:
        env[settings.api_key_variable(name)] = key
    try:
        proc = subprocess.run(
            command,
            env=settings.child_environment(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return SourceHealth(source=name, ok=False, message=f"crawl did not finish within {timeout:.0f} s"), out
    if health_file.exists():
        health = SourceHealth.model_validate(json.loads(health_file.read_text(encoding="utf-8")))
    else:
        tail = redact(" | ".join(proc.stderr.strip().splitlines()[-3:]), [key, *settings.secret_values()])
        health = SourceHealth(source=name, ok=False, message=f"scrapy exited with code {proc.returncode}: {tail}")
    if not out.exists():
        out.touch()
    return health, out


def ingest_crawl(store: Store, health: SourceHealth, out: Path) -> SourceHealth:
    """Store what a crawl wrote; a file that cannot be read marks the source broken, storing nothing."""
    return _ingest(store, health, out)[0]


def _ingest(store: Store, health: SourceHealth, out: Path) -> tuple[SourceHealth, IngestResult | None]:
    try:
        notices = read_notices(out)
    except BadInput as exc:
        return health.model_copy(update={"ok": False, "message": f"output unreadable: {exc}"}), None
    return health, store.ingest(notices)


def crawl_all(
    store: Store,
    names: list[str],
    *,
    base_url: str | None = None,
    api_keys: Mapping[str, str] | None = None,
    on_source: SourceObserver | None = None,
) -> list[SourceHealth]:
    """Crawl each named source in turn and ingest what it found; one failing source does not stop the others."""
    results = []
    with _workdir() as folder:
        for name in names:
            if on_source is not None:
                on_source(name, None, None)
            key = (api_keys or {}).get(name)
            health, out = crawl_source(name, folder, base_url=base_url, api_key=key)
            health, counts = _ingest(store, health, out)
            if on_source is not None:
                on_source(name, health, counts)
            results.append(health)
    return results


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="regwatch-crawl-") as tmp:
        yield Path(tmp)
