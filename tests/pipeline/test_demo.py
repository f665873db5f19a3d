"""`make demo` (python -m regwatch.pipeline.demo) on a fresh store: reports written, changes found, re-runnable.

Also: the bundled demo archive is what its build script makes, and it is small.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from regwatch.evidence.replay import demo_archive
from regwatch.inputs.baseline import baseline_notices
from regwatch.store import Store

ROOT = Path(__file__).resolve().parents[2]
BUILDER = ROOT / "demo" / "build_archive.py"


def run_demo(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REGWATCH_DATA_DIR": str(tmp_path / "data"),
        "REGWATCH_REPORTS_DIR": str(tmp_path / "reports"),
    }
    env.pop("REGWATCH_DATABASE_URL", None)
    # As `make demo` does: create the store (a no-op the second time), then run the demo.
    subprocess.run([sys.executable, "-m", "regwatch", "init"], cwd=tmp_path, env=env, check=True, timeout=60)
    return subprocess.run(
        [sys.executable, "-m", "regwatch.pipeline.demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def run_lines(stdout: str) -> list[str]:
    """The per-run summary lines: notices, rows and changes, and the status counts."""
    return [line for line in stdout.splitlines() if re.match(r"^(run \d{4}-|  (kratom|7-oh) )", line)]


def test_demo_runs_twice_with_the_same_outcome(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (tmp_path / "reports" / "latest" / "index.html").is_file()
    assert f"report: {tmp_path / 'reports' / 'latest' / 'index.html'}" in first.stdout
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'regwatch.sqlite'}")
    notices = store.count_notices()
    second_run = store.run("2026-09-01")
    assert second_run is not None and second_run.changes > 0
    assert all(h.ok for h in second_run.health) and {h.source for h in second_run.health} >= {"congress", "legiscan"}
    assert not any(h.skipped for h in second_run.health)  # stand-in keys let the key-gated spiders crawl
    archived = sorted(p.name for p in (tmp_path / "data" / "archive").glob("*.warc.gz"))
    narration = first.stdout.splitlines()
    for key in (
        "1. Load the curated baseline: cited facts of kratom law (US federal, every state, DC, PR, localities,",
        f"baseline: {len(baseline_notices())} added, 0 updated",  # every curated fact, on a fresh store
        "   on loopback, as if they were the live sites. Per source: pages fetched, notices found, new in the store:",
        "4. What changed between 2026-06-01 and 2026-09-01, most severe first, and why:",
        "  [critical] Massachusetts bans kratom and its alkaloids from 2026-08-28 (was legal)",
        "      Massachusetts (US-MA); status changed; from the crawl (massachusetts_dph)",
        "      why: Banned since 2026-08-28 under DPH Commissioner Orders Temporary Placement of Kratom in Schedule I,",
        "   The crawl alone brought 1 status change(s) and 1 pending proposal(s):",
        "     US-MA: Massachusetts bans kratom and its alkaloids from 2026-08-28 (was legal)",
        "     US-NY: New York: restriction of 7-OH and synthetic alkaloids introduced: Synthetic kratom kills act",
        "5. The report (a map, a page per jurisdiction, Markdown, CSV, JSON and an Atom feed):",
    ):
        assert key in narration, key
    sources = [line.split() for line in narration if re.match(r"^  [a-z_]+ +(ok|BROKEN|not configured) ", line)]
    assert len(sources) == 13 and all(words[1] == "ok" for words in sources)  # one line per source, as it ends
    assert ["openstates", "ok", "2", "page(s)", "7", "notice(s)", "7", "new", "0", "updated"] in sources

    again = run_demo(tmp_path)

    assert again.returncode == 0, again.stdout + again.stderr
    assert "baseline: 0 added, 0 updated" in again.stdout
    assert run_lines(again.stdout) == run_lines(first.stdout) and len(run_lines(first.stdout)) == 6
    assert store.count_notices() == notices
    assert sorted(p.name for p in (tmp_path / "data" / "archive").glob("*.warc.gz")) == archived  # nothing new
    store.engine.dispose()


def test_bundled_archive_is_what_the_builder_makes(tmp_path: Path) -> None:
    out = tmp_path / "demo.warc.gz"  # same file name: the warcinfo record names its file
    built = subprocess.run([sys.executable, str(BUILDER), "--out", str(out)], capture_output=True, text=True)

    assert built.returncode == 0, built.stderr
    assert out.read_bytes() == demo_archive().read_bytes(), "rebuild and commit regwatch/data/demo/demo.warc.gz"
    assert demo_archive().stat().st_size < 1_000_000
