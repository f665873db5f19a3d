"""Plumbing shared by the benchmarks: the loopback server process, worker subprocesses, medians, and
a description of the machine."""

from __future__ import annotations

import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.pages import Archive

ROOT = Path(__file__).resolve().parent.parent
# A server that has not said READY in this long did not start (it normally takes well under a second).
SERVER_START_TIMEOUT = 60


@contextmanager
def loopback_server(archive: Archive, hosts: tuple[str, ...] = ("127.0.0.1",)) -> Iterator[int]:
    """Serve `archive` from a separate process on the loopback `hosts`; yield the port."""
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        path = Path(tmp) / "archive.pickle"
        path.write_bytes(pickle.dumps(archive))
        command = [sys.executable, "-m", "benchmarks.server", str(path), ",".join(hosts)]
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # blocks until READY, or EOF if the server died
            if not line.startswith("READY"):
                raise RuntimeError(f"benchmark server did not start: {line!r}")
            yield int(line.split()[1])
        finally:
            proc.terminate()
            proc.wait(timeout=SERVER_START_TIMEOUT)


def server_stats(port: int, host: str = "127.0.0.1", reset: bool = False) -> dict[str, int]:
    """What the server answered since the last reset, as {"host:port status": count}."""
    url = f"http://{host}:{port}/__stats" + ("?reset=1" if reset else "")
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(json.loads(response.read()))


def run_worker(module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 3600) -> dict[str, Any]:
    """Run `python -m module args...` in a fresh process; its last stdout line is a JSON result."""
    full_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "regwatch.scraping.settings", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{module} {' '.join(args)} exited {proc.returncode}:\n{tail}")
    return dict(json.loads(lines[-1]))


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def maxrss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM from /proc, not ru_maxrss: Linux carries ru_maxrss across exec, so a worker started by a big
    parent would report the parent's peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def machine() -> dict[str, Any]:
    """Cores, Python and the versions of the libraries whose speed the figures depend on."""
    versions: dict[str, str | None] = {}
    for name in ("scrapy", "apache-airflow", "sqlalchemy", "pydantic", "pydantic-core", "twisted", "aiosmtpd"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }
