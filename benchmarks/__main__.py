"""`python -m benchmarks` (`make bench`): run every benchmark, print a table against the goals, and write
benchmarks/results/latest.json.

  --quick          skip the 1M-notice fold and scale the re-run's crawl delays down by 10
                   (also REGWATCH_BENCH_QUICK=1)
  --only NAME ...  run some benchmarks only: crawl, polite, fold, rerun, dags, digest, ingest, classify
  --out PATH       where to write the JSON (default benchmarks/results/latest.json)
  --fold-sizes N ...  the fold's store sizes instead of the profile's (e.g. 10000 100000 300000 to read the
                   slope where the 1M store takes too long to build)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.classify import classify_benchmark
from benchmarks.crawl_bench import polite_bound, replay_vs_raw
from benchmarks.dags import dag_parse
from benchmarks.digest import digest_benchmark
from benchmarks.fold import fold_sizes
from benchmarks.harness import ROOT, machine
from benchmarks.ingest import ingest_benchmark
from benchmarks.rerun import rerun_benchmark

RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
# The project's own DOWNLOAD_DELAY (regwatch/scraping/settings.py): the re-run crawls as production does.
PROJECT_DELAY = 1.0


def profile(quick: bool) -> dict[str, Any]:
    """Sizes per benchmark: the full run, or --quick (no 1M fold, faster re-run crawl)."""
    return {
        "crawl": {"pages": 5000, "repetitions": 3},
        "polite": {"delay": 0.25, "max_pages": 20, "repetitions": 3},
        "fold": {"sizes": [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000], "repetitions": 3},
        "rerun": {"pages": 60, "delay": PROJECT_DELAY / 10 if quick else PROJECT_DELAY},
        "dags": {"repetitions": 5},
        "digest": {"count": 10_000},
        "ingest": {"count": 30_000, "repetitions": 3},
        "classify": {"count": 5_000 if quick else 20_000, "repetitions": 3},
    }


def run_crawl(p: dict[str, Any]) -> dict[str, Any]:
    return replay_vs_raw(p["pages"], p["repetitions"])


def run_polite(p: dict[str, Any]) -> dict[str, Any]:
    result = polite_bound(p["delay"], p["max_pages"], p["repetitions"])
    plain = polite_bound(p["delay"], p["max_pages"], p["repetitions"], jitter=False)
    result["polite_bound_ratio_without_jitter"] = plain["polite_bound_ratio"]
    return result


def run_fold(p: dict[str, Any]) -> dict[str, Any]:
    result = fold_sizes(p["sizes"], p["repetitions"])
    if 1_000_000 not in p["sizes"]:
        result["fold_note"] = "1M notices skipped (--quick or REGWATCH_BENCH_QUICK)"
    return result


def run_rerun(p: dict[str, Any]) -> dict[str, Any]:
    replay = rerun_benchmark("revalidate", p["pages"], p["delay"])
    fresh = rerun_benchmark("heuristic", p["pages"], p["delay"])
    return {
        "rerun_cached_fraction": replay["cached_fraction"],
        "rerun_alerts": replay["alerts"],
        "rerun_time_ratio": replay["time_ratio"],
        "rerun_time_ratio_heuristic_freshness": fresh["time_ratio"],
        "rerun_detail": {"revalidate": replay, "heuristic": fresh},
    }


def run_dags(p: dict[str, Any]) -> dict[str, Any]:
    return dag_parse(p["repetitions"])


def run_digest(p: dict[str, Any]) -> dict[str, Any]:
    return digest_benchmark(p["count"])


def run_ingest(p: dict[str, Any]) -> dict[str, Any]:
    return ingest_benchmark(p["count"], p["repetitions"])


def run_classify(p: dict[str, Any]) -> dict[str, Any]:
    return classify_benchmark(p["count"], p["repetitions"])


BENCHMARKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "crawl": run_crawl,
    "polite": run_polite,
    "fold": run_fold,
    "rerun": run_rerun,
    "dags": run_dags,
    "digest": run_digest,
    "ingest": run_ingest,
    "classify": run_classify,
}


def _any(value: Any) -> bool:
    return True


# (figure, how to read it from the results, goal as text, test)
GOALS: list[tuple[str, Callable[[dict[str, Any]], Any], str, Callable[[Any], bool]]] = [
    ("replay_vs_raw_ratio", lambda r: r.get("replay_vs_raw_ratio"), ">= 0.8", lambda v: v >= 0.8),
    ("polite_bound_ratio", lambda r: r.get("polite_bound_ratio"), "<= 1.2", lambda v: v <= 1.2),
    ("fold_seconds 10k", lambda r: r.get("fold_seconds", {}).get("10000"), "-", lambda v: True),
    ("fold_seconds 100k", lambda r: r.get("fold_seconds", {}).get("100000"), "<= 5", lambda v: v <= 5),
    ("fold_seconds 1M", lambda r: r.get("fold_seconds", {}).get("1000000"), "-", lambda v: True),
    ("fold_peak_mb 100k", lambda r: r.get("fold_peak_mb", {}).get("100000"), "<= 512", lambda v: v <= 512),
    ("fold_peak_mb 1M", lambda r: r.get("fold_peak_mb", {}).get("1000000"), "<= 1024", lambda v: v <= 1024),
    ("fold_cold_seconds 100k", lambda r: r.get("fold_cold_seconds", {}).get("100000"), "-", lambda v: True),
    ("fold_cold_peak_mb 100k", lambda r: r.get("fold_cold_peak_mb", {}).get("100000"), "-", lambda v: True),
    ("fold growth 100k/10k", lambda r: r.get("fold_growth_10x", {}).get("100000/10000"), "<= 11", lambda v: v <= 11),
    ("fold growth 1M/100k", lambda r: r.get("fold_growth_10x", {}).get("1000000/100000"), "<= 11", lambda v: v <= 11),
    ("rerun_cached_fraction", lambda r: r.get("rerun_cached_fraction"), ">= 0.95", lambda v: v >= 0.95),
    ("rerun_alerts", lambda r: r.get("rerun_alerts"), "0", lambda v: v == 0),
    ("rerun_time_ratio", lambda r: r.get("rerun_time_ratio"), "<= 0.2", lambda v: v <= 0.2),
    ("dag_parse_max_seconds", lambda r: r.get("dag_parse_max_seconds"), "< 0.2", lambda v: v < 0.2),
    ("digest_10k_seconds", lambda r: r.get("digest_10k_seconds"), "<= 30", lambda v: v <= 30),
    ("pg_vs_sqlite_ingest_ratio", lambda r: r.get("pg_vs_sqlite_ingest_ratio"), "<= 1.5", lambda v: v <= 1.5),
    ("classify us/notice", lambda r: r.get("classify_us_per_notice", {}).get("generated"), "-", _any),
    ("classify distinct texts", lambda r: r.get("classify_us_per_notice", {}).get("distinct_texts"), "-", _any),
]


def table(results: dict[str, Any]) -> str:
    """The figures against their goals, one line each; figures not measured this run are left out."""
    lines = [f"{'figure':<26}{'measured':>12}  {'goal':<9}verdict", "-" * 58]
    for name, read, goal, test in GOALS:
        value = read(results)
        if value is None:
            continue
        verdict = "" if goal == "-" else ("ok" if test(value) else "MISSED")
        lines.append(f"{name:<26}{value:>12}  {goal:<9}{verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1M fold; faster re-run crawl")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results JSON")
    parser.add_argument("--fold-sizes", type=int, nargs="+", help="store sizes for the fold benchmark")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("REGWATCH_BENCH_QUICK", "") not in ("", "0")
    sizes = profile(quick)
    if args.fold_sizes:
        sizes["fold"]["sizes"] = sorted(args.fold_sizes)
    results: dict[str, Any] = {"machine": machine(), "quick": quick, "profile": sizes, "seconds": {}}
    for name in args.only or list(BENCHMARKS):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        results.update(BENCHMARKS[name](sizes[name]))
        results["seconds"][name] = round(time.perf_counter() - started, 1)
        # Written after each benchmark: a long run that fails late keeps what it measured.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
