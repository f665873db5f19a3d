"""Fold benchmark: normalise + fold + diff (`regwatch.pipeline.steps.build`) over a store of N notices.

Each size gets its own SQLite store, filled once by a `setup` process (ingest, plus a run published a
week earlier so the timed build has a table to diff against, which also stores the readings of every
notice published by then); each timed `build` runs in a fresh process, whose peak resident memory
(ru_maxrss) is the figure reported.

Two states of the stored readings (regwatch.pipeline.readings), each set up before the clock starts:
`warm`, the daily run: readings stored by the run a week earlier, so the build classifies only the
notices published since (those readings are removed first, so that every repetition does the same
work); `cold`, no reading stored (the first build on a store, or the first after the rules changed).
`fold_seconds` / `fold_peak_mb` are the warm figures; `fold_cold_seconds` / `fold_cold_peak_mb` the cold.

`python -m benchmarks.fold setup N DB` and `python -m benchmarks.fold build DB [warm|cold]` print one JSON line.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from benchmarks.harness import maxrss_mb, median, run_worker

AS_OF = date(2026, 11, 1)
PREVIOUS = AS_OF - timedelta(days=7)
CHUNK = 10_000  # notices per ingest call: bounded memory at any N


def setup(count: int, db: Path, seed: int = 7) -> dict[str, Any]:
    from benchmarks.generate import Corpus
    from regwatch.pipeline.steps import load_baseline, publish
    from regwatch.store import Store

    store = Store.open(f"sqlite:///{db}", create=True)
    started = time.perf_counter()
    load_baseline(store)
    notices = Corpus(seed).notices(count)
    while chunk := list(islice(notices, CHUNK)):
        store.ingest(chunk)
    ingested = time.perf_counter() - started
    publish(store, PREVIOUS)
    return {"notices": count, "ingest_seconds": round(ingested, 2), "stored": store.count_notices()}


def build_once(db: Path, state: str = "warm") -> dict[str, Any]:
    from regwatch.pipeline.steps import build
    from regwatch.store import Store

    store = Store.open(f"sqlite:///{db}")
    forget_readings(store, cold=state == "cold")
    before = maxrss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    run, rows, changes, _news = build(store, AS_OF)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        # CPU time of the process: on a shared machine it varies less than the wall time above.
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": maxrss_mb(),
        "rss_before_mb": before,
        "notices": run.notices,
        "rows": len(rows),
        "changes": len(changes),
    }


def forget_readings(store: Any, *, cold: bool) -> None:
    """Remove the stored readings a `cold` build (all) or a `warm` one (notices published after PREVIOUS) lacks."""
    from sqlalchemy import delete, select

    from regwatch.store import tables as t

    query = delete(t.readings)
    if not cold:
        since = select(t.notices.c.id).where(t.notices.c.published > PREVIOUS, t.notices.c.source != "baseline")
        query = query.where(t.readings.c.notice.in_(since))
    with store.engine.begin() as conn:
        conn.execute(query)


def fold_sizes(sizes: list[int], repetitions: int = 3, seed: int = 7) -> dict[str, Any]:
    """fold_seconds and fold_peak_mb per size (median of `repetitions` fresh processes; one for 1M)."""
    seconds: dict[str, float] = {}
    peaks: dict[str, float] = {}
    cold_seconds: dict[str, float] = {}
    cold_peaks: dict[str, float] = {}
    detail: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="regwatch-fold-") as tmp:
        for size in sizes:
            db = Path(tmp) / f"fold-{size}.sqlite"
            prepared = run_worker("benchmarks.fold", "setup", str(size), str(db), str(seed))
            reps = 1 if size >= 1_000_000 else repetitions
            cold = [run_worker("benchmarks.fold", "build", str(db), "cold")]
            runs = [run_worker("benchmarks.fold", "build", str(db), "warm") for _ in range(reps)]
            seconds[str(size)] = round(median([r["seconds"] for r in runs]), 3)
            peaks[str(size)] = round(median([r["peak_mb"] for r in runs]), 1)
            cold_seconds[str(size)] = round(cold[0]["seconds"], 3)
            cold_peaks[str(size)] = round(cold[0]["peak_mb"], 1)
            detail[str(size)] = {**prepared, "runs": runs, "cold_runs": cold}
            db.unlink()
    result: dict[str, Any] = {
        "fold_seconds": seconds,
        "fold_peak_mb": peaks,
        "fold_cold_seconds": cold_seconds,
        "fold_cold_peak_mb": cold_peaks,
        "fold_detail": detail,
    }
    pairs = [(a, b) for a, b in zip(sizes, sizes[1:], strict=False) if b == 10 * a]
    result["fold_growth_10x"] = {
        f"{b}/{a}": round(seconds[str(b)] / seconds[str(a)], 2) for a, b in pairs if seconds[str(a)] > 0
    }
    return result


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
        print(json.dumps(setup(int(sys.argv[2]), Path(sys.argv[3]), seed)))
    else:
        print(json.dumps(build_once(Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "warm")))
