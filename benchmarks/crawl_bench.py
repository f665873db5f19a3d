"""Crawl benchmarks: the real spiders against a raw crawl of the same pages, and politeness across domains."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.harness import loopback_server, median, run_worker, server_stats
from benchmarks.pages import build_archive

POLITE_DOMAINS = 20


def replay_vs_raw(pages: int = 5000, repetitions: int = 3, seed: int = 7) -> dict[str, Any]:
    """Pages per second of the real spiders replaying `pages` pages, over a raw crawl of the same pages.

    The two crawls alternate against one server process, so each pair shares the machine's state.
    """
    archive = build_archive(pages, seed)
    replay_rates, raw_rates, ratios = [], [], []
    runs = []
    with loopback_server(archive) as port, tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        base = f"http://127.0.0.1:{port}"
        urls = Path(tmp) / "urls.json"
        urls.write_text(json.dumps({"urls": archive.urls(base)}))
        for number in range(repetitions):
            out = Path(tmp) / f"replay-{number}"
            replay = run_worker("benchmarks.crawls", "replay", json.dumps({"base_url": base, "out": str(out)}))
            answered = server_stats(port, reset=True)
            raw = run_worker("benchmarks.crawls", "raw", f"@{urls}")
            server_stats(port, reset=True)
            replay_rate = replay["responses"] / replay["seconds"]
            raw_rate = raw["responses"] / raw["seconds"]
            replay_rates.append(replay_rate)
            raw_rates.append(raw_rate)
            ratios.append(replay_rate / raw_rate)
            runs.append({"replay": replay, "raw": raw, "server": answered})
    return {
        "replay_vs_raw_ratio": round(median(ratios), 3),
        "replay_pages_per_second": round(median(replay_rates), 1),
        "raw_pages_per_second": round(median(raw_rates), 1),
        "replay_pages": len(archive.pages) - 1,
        "replay_items": runs[-1]["replay"]["items"],
        "archive_middleware": runs[-1]["replay"].get("archive_middleware"),
        "pages_by_source": archive.by_source,
        "repetitions": repetitions,
        "runs": runs,
    }


def polite_bound(
    delay: float = 0.25, max_pages: int = 20, repetitions: int = 3, seed: int = 7, jitter: bool = True
) -> dict[str, Any]:
    """Wall time of a crawl of POLITE_DOMAINS loopback domains with a per-domain delay, over the bound
    max over domains of (requests x delay). Requests count robots.txt: it waits its turn in the slot too.

    `jitter` keeps Scrapy's RANDOMIZE_DOWNLOAD_DELAY (the project's setting); False measures without it.
    """
    hosts = tuple(f"127.0.0.{n}" for n in range(1, POLITE_DOMAINS + 1))
    archive = build_archive(POLITE_DOMAINS * max_pages, seed)
    keys = [key for key in archive.pages if key != "/robots.txt"]
    # Domains of different sizes, the largest `max_pages`, as real sources are.
    sizes = [max(1, max_pages - (n * 7) % max_pages) for n in range(POLITE_DOMAINS)]
    ratios, walls = [], []
    bound = 0.0
    with loopback_server(archive, hosts) as port, tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        per_domain, cursor = [], 0
        for host, size in zip(hosts, sizes, strict=True):
            per_domain.append([f"http://{host}:{port}{key}" for key in keys[cursor : cursor + size]])
            cursor += size
        # Interleaved, as several sources' pages are found side by side in a real run.
        urls = [url for row in itertools.zip_longest(*per_domain) for url in row if url]
        args = Path(tmp) / "polite.json"
        args.write_text(json.dumps({"urls": urls, "hosts": hosts, "delay": delay, "jitter": jitter}))
        for _ in range(repetitions):
            result = run_worker("benchmarks.crawls", "polite", f"@{args}")
            answered = server_stats(port, reset=True)
            per_host: dict[str, int] = {}
            for key, count in answered.items():
                per_host[key.split(":")[0]] = per_host.get(key.split(":")[0], 0) + count
            bound = max(per_host.values()) * delay
            walls.append(result["seconds"])
            ratios.append(result["seconds"] / bound)
    return {
        "polite_bound_ratio": round(median(ratios), 3),
        "polite_wall_seconds": round(median(walls), 2),
        "polite_bound_seconds": round(bound, 2),
        "polite_domains": POLITE_DOMAINS,
        "polite_delay_seconds": delay,
        "polite_requests": sum(sizes) + POLITE_DOMAINS,
        "repetitions": repetitions,
    }
