"""`regwatch run` tells its user what it does: a live display on a terminal only (never a bar when stdout is not
a terminal), a line per stage and per source with --verbose, nothing with --quiet, and a one-screen summary."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from regwatch.cli import app
from regwatch.console.progress import Verbosity, Watcher
from regwatch.domain.models import Notice, SourceHealth
from regwatch.pipeline import steps
from regwatch.store import IngestResult, Store

runner = CliRunner()
DAY = "2025-08-02"
BAR = ("━", "\x1b[", "\r")  # a bar's line, an escape sequence, a carriage return: none may reach a log


class Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _store() -> None:
    Store.open(create=True).engine.dispose()


def fake_crawl(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two sources: fda finds one new notice, openstates is broken; each told to the observer as a real crawl does."""

    def crawl(
        store: Store,
        sources: list[str] | None = None,
        *,
        replay: str | None = None,
        api_keys: Mapping[str, str] | None = None,
        on_source: Any = None,
    ) -> list[SourceHealth]:
        found = [
            (SourceHealth(source="fda", ok=True, items=1, pages=3, message="1 notice(s)"), IngestResult(1, 0, 0)),
            (SourceHealth(source="openstates", ok=False, pages=1, message="HTTP 500 at /bills"), IngestResult(0, 0, 0)),
        ]
        for health, counts in found:
            on_source(health.source, None, None)
            on_source(health.source, health, counts)
        return [health for health, _ in found]

    monkeypatch.setattr(steps, "crawl_sources", crawl)
    monkeypatch.setattr(steps, "sources_to_crawl", lambda sources: ["fda", "openstates"])


def summary(tmp_path: Path) -> list[str]:
    return [
        f"run {DAY}: 0 notices, 0 status rows",
        "sources: 1 ok, 1 broken",
        "notices from the crawl: 1 new, 0 updated",
        "  source openstates broken: HTTP 500 at /bills",
        "changes: 1 (1 high)",
        f"report: {tmp_path / 'reports' / DAY / 'index.html'}",
    ]


def test_off_a_terminal_run_writes_only_the_summary_and_never_a_bar(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_crawl(monkeypatch)
    result = runner.invoke(app, ["run", "--no-baseline", "--as-of", DAY])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == summary(tmp_path)
    assert not any(mark in result.stderr for mark in BAR)
    assert result.stdout == ""  # stdout is for answers; a run's words go to stderr


def test_verbose_adds_a_plain_line_per_stage_and_per_source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_crawl(monkeypatch)
    result = runner.invoke(app, ["run", "--no-baseline", "--as-of", DAY, "--verbose"])
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stderr.splitlines()]
    assert lines[:8] == [
        "stage: crawling the sources",
        "fda ok 3 page(s), 1 notice(s) (1 new, 0 updated), 0 error(s), 0.0 s",
        "openstates broken 1 page(s), 0 notice(s) (0 new, 0 updated), 1 error(s), 0.0 s: HTTP 500 at /bills",
        "stage: reading the notices by the rules",
        "stage: folding the status table and finding what changed since the last run",
        "stage: publishing the run and queuing alerts",
        "stage: writing the reports",
        f"run {DAY}: 0 notices, 0 status rows",
    ]
    assert lines[8:] == [
        "sources: 1 ok, 1 broken",
        "notices from the crawl: 1 new, 0 updated",
        "source openstates broken: HTTP 500 at /bills",
        "changes: 1 (1 high)",
        "high Source openstates is broken: HTTP 500 at /bills. Statuses it covers keep their last verified date.",
        f"report: {tmp_path / 'reports' / DAY / 'index.html'}",
    ]
    assert not any(mark in result.stderr for mark in BAR)


def test_quiet_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_crawl(monkeypatch)
    result = runner.invoke(app, ["run", "--no-baseline", "--as-of", DAY, "--quiet"])
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", "")


def test_quiet_and_verbose_together_is_a_mistake() -> None:
    result = runner.invoke(app, ["run", "--quiet", "--verbose"])
    assert str(result.exception) == "--quiet and --verbose together: choose one"


def test_live_only_where_stdout_is_a_terminal_and_not_quiet() -> None:
    assert Watcher.for_terminal(Verbosity.normal, stdout=Terminal()).live
    assert not Watcher.for_terminal(Verbosity.quiet, stdout=Terminal()).live
    assert not Watcher.for_terminal(Verbosity.normal, stdout=io.StringIO()).live
    assert not Watcher.for_terminal(Verbosity.verbose, stdout=io.StringIO()).live


def test_on_a_terminal_a_bar_follows_the_crawl_and_each_source_gets_a_line() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, markup=False, emoji=False, highlight=False)
    with Watcher(console=console, live=True) as watcher:
        watcher.stage("crawl")
        watcher.crawling(1)
        watcher.source("fda", None, None)
        watcher.source("fda", SourceHealth(source="fda", ok=True, items=2, pages=5), IngestResult(2, 0, 0))
        watcher.stage("report")
    shown = screen.getvalue()
    assert "crawling fda" in shown and "━" in shown  # the bar, while it ran
    assert "fda                  ok     5 page(s), 2 notice(s) (2 new, 0 updated), 0 error(s)" in shown


def test_a_real_run_piped_to_a_log_has_no_bar(tmp_path: Path) -> None:
    """A `regwatch run` whose stdout is a pipe, as under Airflow or CI: the summary only, in plain lines."""
    env = {**os.environ, "COLUMNS": "120"}
    Store.open().ingest(
        [
            Notice(
                jurisdiction="US-LA",
                source="openstates",
                kind="bill",
                title="Relating to the placement of kratom in Schedule I",
                text="Adds mitragynine and 7-hydroxymitragynine to Schedule I of the Controlled Substances Act.",
                published="2025-03-10",
            )
        ]
    )
    done = subprocess.run(
        [sys.executable, "-m", "regwatch", "run", "--no-baseline", "--no-crawl", "--as-of", DAY],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"run {DAY}: 1 notices, 3 status rows",
        "sources: not crawled (only what is already stored)",
        "changes: 0",
        f"report: {tmp_path / 'reports' / DAY / 'index.html'}",
    ]
    assert not any(mark in done.stderr + done.stdout for mark in BAR)
