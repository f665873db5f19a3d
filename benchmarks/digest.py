"""Digest benchmark: personalised digests for N subscribers, rendered and delivered over SMTP to a
loopback aiosmtpd server (its own process), through `regwatch.notify.send_digests`.

The changes are real: a year of generated notices folded at two as-of dates and diffed. Every
subscriber has filters of their own (a few jurisdictions, maybe a substance, a minimum severity),
chosen among the jurisdictions that changed, so each one is sent exactly one digest.

`python -m benchmarks.digest N` prints one JSON line; run it in a fresh process.
"""

from __future__ import annotations

import json
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

NOTICES = 3000
SEED = 11


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)  # the server process is still starting; nothing to wait on but the port
    raise RuntimeError(f"aiosmtpd did not listen on 127.0.0.1:{port} within {timeout} s")


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended and been waited for."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _subscribers(count: int, places: list[str], kratom_places: list[str], rng: random.Random) -> list[Any]:
    from regwatch.domain.vocab import Substance
    from regwatch.notify.subscribers import make_subscriber

    people = []
    for n in range(count):
        substances = [] if rng.random() < 0.7 else [Substance.KRATOM]
        pool = kratom_places if substances else places
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(1, 4)))
        people.append(make_subscriber(email=f"user{n}@example.org", jurisdictions=chosen, substances=substances))
    return people


def digest(count: int, notices: int = NOTICES) -> dict[str, Any]:
    from benchmarks.generate import Corpus
    from regwatch.domain.vocab import Cadence
    from regwatch.notify import queue_alerts, send_digests
    from regwatch.notify.subscribers import upsert
    from regwatch.pipeline.steps import load_baseline, publish
    from regwatch.store import Store

    with tempfile.TemporaryDirectory(prefix="regwatch-digest-") as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'digest.sqlite'}", create=True)
        load_baseline(store)
        store.ingest(list(Corpus(SEED).notices(notices)))
        publish(store, date(2025, 11, 1))
        outcome = publish(store, date(2026, 11, 1))
        # Jurisdictions that changed (for kratom, for those who filter on it): each subscriber gets a digest.
        places = sorted({c.jurisdiction for c in outcome.changes if c.jurisdiction})
        kratom = sorted({c.jurisdiction for c in outcome.changes if c.jurisdiction and c.substance == "kratom"})
        upsert(store, _subscribers(count, places, kratom, random.Random(SEED)))
        started = time.perf_counter()
        queued = queue_alerts(store, outcome.run.id)
        queue_seconds = time.perf_counter() - started
        port = _free_port()
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port)
            started, cpu_started, children_started = time.perf_counter(), time.process_time(), _children_cpu()
            moment = datetime(2026, 11, 1, 7, tzinfo=UTC)
            report = send_digests(store, Cadence.DAILY, now=moment, smtp_url=f"smtp://127.0.0.1:{port}")
            seconds = time.perf_counter() - started
            # The send's CPU: this process's and its worker processes' (reaped as the send ends).
            children_sent = _children_cpu()
            send_cpu = time.process_time() - cpu_started + children_sent - children_started
        finally:
            server.terminate()
            server.wait(timeout=30)
        server_cpu = _children_cpu() - children_sent  # the loopback server's, reaped just now
    return {
        "subscribers": count,
        "changes": len(outcome.changes),
        "alerts_queued": queued,
        "queue_seconds": round(queue_seconds, 2),
        "seconds": round(seconds, 2),
        "send_cpu_seconds": round(send_cpu, 2),
        "server_cpu_seconds": round(server_cpu, 2),
        "messages": report.messages,
        "deferred": len(report.deferred),
        "failed": len(report.failed),
    }


def digest_benchmark(count: int = 10_000, notices: int = NOTICES) -> dict[str, Any]:
    from benchmarks.harness import run_worker

    result = run_worker("benchmarks.digest", str(count), str(notices))
    name = f"digest_{count // 1000}k_seconds" if count % 1000 == 0 else f"digest_{count}_seconds"
    return {name: result["seconds"], "digest_detail": result}


if __name__ == "__main__":
    print(json.dumps(digest(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else NOTICES)))
