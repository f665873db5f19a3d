"""Ingest benchmark: `Store.ingest` of N generated notices into an empty store, SQLite against PostgreSQL.

Both stores are fresh each repetition (an SQLite file; a PostgreSQL schema of its own, dropped after), and
the two are timed alternately in one process so that the machine's load falls on both alike. The notices
are generated once, before any timing, and ingested in chunks of 10,000 as the fold benchmark's setup does.
PostgreSQL comes from REGWATCH_BENCH_DATABASE_URL (else REGWATCH_TEST_DATABASE_URL); without either the
benchmark reports no ratio.

`python -m benchmarks.ingest N REPS` prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.harness import median

CHUNK = 10_000
SEED = 7


def postgres_base() -> str | None:
    return os.environ.get("REGWATCH_BENCH_DATABASE_URL") or os.environ.get("REGWATCH_TEST_DATABASE_URL")


@contextmanager
def _pg_schema(base: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards (as the tests' pg_url fixture)."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _timed_ingest(url: str, notices: list[Any]) -> float:
    from regwatch.store import Store

    store = Store.open(url, create=True)
    try:
        started = time.perf_counter()
        for start in range(0, len(notices), CHUNK):
            store.ingest(notices[start : start + CHUNK])
        seconds = time.perf_counter() - started
        assert store.count_notices() == len({str(n.id) for n in notices})
        return seconds
    finally:
        store.engine.dispose()


def ingest_benchmark(count: int, repetitions: int = 3) -> dict[str, Any]:
    from benchmarks.generate import Corpus

    base = postgres_base()
    notices = list(Corpus(SEED).notices(count))
    sqlite: list[float] = []
    postgres: list[float] = []
    with tempfile.TemporaryDirectory(prefix="regwatch-ingest-") as tmp:
        for rep in range(repetitions):
            sqlite.append(_timed_ingest(f"sqlite:///{Path(tmp) / f'ingest-{rep}.sqlite'}", notices))
            if base:
                with _pg_schema(base) as url:
                    postgres.append(_timed_ingest(url, notices))
    result: dict[str, Any] = {
        "ingest_notices": count,
        "ingest_sqlite_seconds": round(median(sqlite), 2),
        "ingest_detail": {"sqlite": [round(s, 3) for s in sqlite], "postgresql": [round(s, 3) for s in postgres]},
    }
    if postgres:
        result["ingest_postgresql_seconds"] = round(median(postgres), 2)
        ratios = [p / s for p, s in zip(postgres, sqlite, strict=True)]
        result["pg_vs_sqlite_ingest_ratio"] = round(median(ratios), 2)
    else:
        result["ingest_note"] = "no PostgreSQL (set REGWATCH_BENCH_DATABASE_URL): ratio not measured"
    return result


if __name__ == "__main__":
    print(json.dumps(ingest_benchmark(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)))
