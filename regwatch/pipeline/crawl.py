"""Crawling: the spiders run in a Scrapy process of their own (Twisted's reactor cannot restart in one
process), each writing its notices as JSON Lines, its health as JSON and the high-water mark it reached;
regwatch ingests what they wrote, and commits each source's mark only once its notices are stored
(regwatch.scraping.marks), so a crawl that dies before ingest is asked again from the old mark.

`crawl_all` (the crawl stage of every pass, regwatch.pipeline.steps) runs every source in one process
(`crawl_many`, regwatch.scraping.runner: sites at once, the sources of one site in turn); `crawl_source`
runs one `scrapy crawl` process for one source (the Airflow task per source, and tests).
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
from regwatch.scraping.marks import commit_mark
from regwatch.scraping.registry import politeness_domain, spider_names
from regwatch.store import IngestResult, Store

# Told before a source crawls (health and counts None) and after it is stored: the CLI's progress display.
SourceObserver = Callable[[str, SourceHealth | None, IngestResult | None], None]

SCRAPY_SETTINGS = "regwatch.scraping.settings"
# A spider that has not finished in this long is stuck (a live crawl of one source takes minutes).
CRAWL_TIMEOUT_SECONDS = 1800
# A replay server is on loopback and ours: politeness delays toward it would only make a replay slow
# (about 55 s instead of under 10 s for the eight spiders on the demo archive). A recorded archive holds
# the URLs a full crawl asks, not an API's change filters, and its dates are not the live sites': replays
# crawl in full and move no mark (regwatch.scraping.marks).
REPLAY_CRAWL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "REGWATCH_MARKS_ENABLED": "False"}
RUNNER = "regwatch.scraping.runner"


def _files(name: str, workdir: Path) -> tuple[Path, Path, Path]:
    """A source's notices, health and proposed mark in `workdir`, none left from an earlier crawl."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = (workdir / f"{name}.jsonl", workdir / f"{name}.health.json", mark_proposal(workdir / f"{name}.jsonl"))
    for stale in files:
        stale.unlink(missing_ok=True)
    return files


def mark_proposal(out: Path) -> Path:
    """Where the crawl that wrote `out` proposes its source's next mark."""
    return out.with_name(f"{out.name.removesuffix('.jsonl')}.mark.json")


def _chosen(base_url: str | None, scrapy_settings: Mapping[str, str] | None) -> dict[str, str]:
    return {**(REPLAY_CRAWL_SETTINGS if base_url else {}), **(scrapy_settings or {})}


def _health(name: str, health_file: Path, out: Path, stderr: str, code: int, secrets: list[str | None]) -> SourceHealth:
    """The health the crawl wrote, else a broken one quoting the end of its log."""
    if not out.exists():
        out.touch()
    if health_file.exists():
        return SourceHealth.model_validate(json.loads(health_file.read_text(encoding="utf-8")))
    tail = redact(" | ".join(stderr.strip().splitlines()[-3:]), [*secrets, *settings.secret_values()])
    # Exit 0 without a health file: the process ran, but this source's crawler never started or closed.
    what = f"scrapy exited with code {code}" if code else f"the crawl of {name} wrote no health"
    return SourceHealth(source=name, ok=False, message=f"{what}: {tail}")


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
    out, health_file, mark = _files(name, workdir)
    command = [sys.executable, "-m", "scrapy", "crawl", name, "-O", f"{out}:jsonlines"]
    command += ["-s", f"REGWATCH_HEALTH_FILE={health_file}", "-s", f"REGWATCH_MARK_FILE={mark}"]
    for setting, value in _chosen(base_url, scrapy_settings).items():
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
        mark.unlink(missing_ok=True)  # a crawl cut short moves no mark
        return SourceHealth(source=name, ok=False, message=f"crawl did not finish within {timeout:.0f} s"), out
    return _health(name, health_file, out, proc.stderr, proc.returncode, [key]), out


def crawl_many(
    names: list[str],
    workdir: Path,
    *,
    base_url: str | None = None,
    scrapy_settings: Mapping[str, str] | None = None,
    api_keys: Mapping[str, str] | None = None,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
) -> dict[str, tuple[SourceHealth, Path]]:
    """Run the named spiders in one Scrapy process (regwatch.scraping.runner); each one's health and notices.

    Sources on one site crawl in turn, sites at once; `timeout` is per source, so the process may take
    as long as its longest site's sources together. Arguments are as for `crawl_source`.
    """
    unknown = [name for name in names if name not in spider_names()]
    if unknown:
        raise BadInput(f"{', '.join(map(repr, unknown))} not spiders; the spiders are: {', '.join(spider_names())}")
    chosen = _chosen(base_url, scrapy_settings)
    files = {name: _files(name, workdir) for name in names}
    groups: dict[str, list[dict[str, object]]] = {}
    env = {"SCRAPY_SETTINGS_MODULE": SCRAPY_SETTINGS}
    keys: list[str | None] = []
    for name in names:
        out, health_file, mark = files[name]
        job_settings = {**chosen, "REGWATCH_HEALTH_FILE": str(health_file), "REGWATCH_MARK_FILE": str(mark)}
        job: dict[str, object] = {
            "name": name,
            "feed": str(out),
            "settings": job_settings,
            "args": {"base_url": base_url} if base_url else {},
        }
        groups.setdefault(politeness_domain(name), []).append(job)
        key = (api_keys or {}).get(name) or settings.api_key(name)
        if key:
            env[settings.api_key_variable(name)] = key
            keys.append(key)
    plan = workdir / "crawl-plan.json"
    plan.write_text(json.dumps({"groups": list(groups.values())}, indent=1), encoding="utf-8")
    longest = max((len(jobs) for jobs in groups.values()), default=1)
    stderr, code = "", 0
    try:
        proc = subprocess.run(
            [sys.executable, "-m", RUNNER, str(plan)],
            env=settings.child_environment(env),
            capture_output=True,
            text=True,
            timeout=timeout * longest,
            check=False,
        )
        stderr, code = proc.stderr, proc.returncode
    except subprocess.TimeoutExpired:
        stderr, code = f"crawl did not finish within {timeout * longest:.0f} s", -1
    results = {}
    for name, (out, health_file, mark) in files.items():
        if not health_file.exists():
            mark.unlink(missing_ok=True)  # a crawl cut short moves no mark
        results[name] = (_health(name, health_file, out, stderr, code, keys), out)
    return results


def ingest_crawl(store: Store, health: SourceHealth, out: Path) -> SourceHealth:
    """Store what a crawl wrote, then commit the mark it proposed; a file that cannot be read marks the
    source broken, storing nothing and moving no mark."""
    return _ingest(store, health, out)[0]


def _ingest(store: Store, health: SourceHealth, out: Path) -> tuple[SourceHealth, IngestResult | None]:
    if not health.ok and not out.exists():
        # The crawl failed before it wrote a notice (killed at its time limit while starting, say): nothing to
        # store, and its own message says why, not "output unreadable".
        mark_proposal(out).unlink(missing_ok=True)
        return health, None
    try:
        notices = read_notices(out)
    except BadInput as exc:
        mark_proposal(out).unlink(missing_ok=True)
        return health.model_copy(update={"ok": False, "message": f"output unreadable: {exc}"}), None
    counts = store.ingest(notices)
    # Only now that its notices are stored may the source's mark move past them.
    commit_mark(health.source, mark_proposal(out))
    return health, counts


def crawl_all(
    store: Store,
    names: list[str],
    *,
    base_url: str | None = None,
    api_keys: Mapping[str, str] | None = None,
    on_source: SourceObserver | None = None,
) -> list[SourceHealth]:
    """Crawl the named sources in one process (`crawl_many`) and ingest what each found, in the order
    named; one failing source does not stop the others."""
    results = []
    with _workdir() as folder:
        if on_source is not None:
            for name in names:
                on_source(name, None, None)
        if len(names) == 1:  # one source (an Airflow task per source): its own `scrapy crawl`, as cheap
            (name,) = names
            crawled = {name: crawl_source(name, folder, base_url=base_url, api_key=(api_keys or {}).get(name))}
        else:
            crawled = crawl_many(names, folder, base_url=base_url, api_keys=api_keys)
        for name in names:
            health, counts = _ingest(store, *crawled[name])
            if on_source is not None:
                on_source(name, health, counts)
            results.append(health)
    return results


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="regwatch-crawl-") as tmp:
        yield Path(tmp)
