"""Classify benchmark: `regwatch.normalise.classify_all` per notice, on the generated corpus as it is and
with every text made distinct.

The generated corpus repeats its texts (bills share titles and abstracts), so the caches of the readers
(reading.read, language.detect, stages.classify_action) answer most notices; real stores repeat far less.
The distinct variant appends a docket number to each text, so that every notice is read afresh. Each run
is a fresh process (caches empty), the two variants alternating.

`python -m benchmarks.classify run N same|distinct` prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from benchmarks.harness import median, run_worker

SEED = 7


def run(count: int, variant: str) -> dict[str, Any]:
    from benchmarks.generate import Corpus
    from regwatch.normalise import classify_all

    notices = list(Corpus(SEED).notices(count))
    if variant == "distinct":
        notices = [n.model_copy(update={"text": f"{n.text} Docket {i}."}) for i, n in enumerate(notices)]
    started = time.perf_counter()
    actions = classify_all(notices)
    seconds = time.perf_counter() - started
    return {"variant": variant, "notices": len(actions), "us_per_notice": round(seconds / len(actions) * 1e6, 1)}


def classify_benchmark(count: int = 20_000, repetitions: int = 3) -> dict[str, Any]:
    """Microseconds per notice, median of `repetitions` fresh processes per variant."""
    runs: dict[str, list[float]] = {"same": [], "distinct": []}
    for _ in range(repetitions):
        for variant in runs:
            runs[variant].append(run_worker("benchmarks.classify", "run", str(count), variant)["us_per_notice"])
    same, distinct = median(runs["same"]), median(runs["distinct"])
    return {
        "classify_us_per_notice": {"generated": round(same, 1), "distinct_texts": round(distinct, 1)},
        "classify_detail": {"notices": count, "runs": runs},
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[2]), sys.argv[3])))
