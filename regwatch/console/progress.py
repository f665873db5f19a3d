"""What a long command tells its user while it works, and the one-screen summary when it ends.

On a terminal: a live line per stage of a pass and a bar over the sources of a crawl, with a line per source as
it finishes (pages, notices, errors, new and updated in the store). Not on a terminal (Airflow logs, CI, a pipe):
no live display and no bar ever, only the summary; `--verbose` adds a plain line per stage and per source there
too; `--quiet` prints nothing but errors. Everything goes to stderr: stdout stays for what a command answers.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from regwatch.domain.models import Change, SourceHealth
from regwatch.domain.vocab import Severity
from regwatch.store import IngestResult

STAGE_WORDS = {
    "baseline": "loading the curated baseline",
    "crawl": "crawling the sources",
    "normalise": "reading the notices by the rules",
    "fold": "folding the status table and finding what changed since the last run",
    "publish": "publishing the run and queuing alerts",
    "report": "writing the reports",
}


class Verbosity(StrEnum):
    quiet = "quiet"
    normal = "normal"
    verbose = "verbose"


def verbosity(quiet: bool, verbose: bool) -> Verbosity:
    """--quiet and --verbose as one level; both given is the user's mistake, caught by the caller."""
    return Verbosity.quiet if quiet else Verbosity.verbose if verbose else Verbosity.normal


@dataclass
class SourceLine:
    """One source's crawl, as the summary shows it."""

    health: SourceHealth
    added: int = 0
    updated: int = 0
    seconds: float = 0.0

    @property
    def state(self) -> str:
        return "ok" if self.health.ok else "not configured" if self.health.skipped else "broken"

    def words(self) -> str:
        """ "fda  ok  12 pages, 4 notices (2 new, 1 updated), 0 errors, 1.2 s" """
        h = self.health
        if h.skipped:
            return f"{h.source:<20} not configured: {h.message}"
        errors = 0 if h.ok else 1
        errors += h.invalid
        text = (
            f"{h.source:<20} {self.state:<6} {h.pages} page(s), {h.items} notice(s) "
            f"({self.added} new, {self.updated} updated), {errors} error(s), {self.seconds:.1f} s"
        )
        return text if h.ok else f"{text}: {h.message}"


@dataclass
class Watcher:
    """Follows a pass: give its `stage` and `source` as the pipeline's observers, then print `summary`."""

    console: Console
    level: Verbosity = Verbosity.normal
    live: bool = False  # a live display: only where stdout is a terminal
    sources: list[SourceLine] = field(default_factory=list)
    _progress: Progress | None = None
    _stage_task: TaskID | None = None
    _crawl_task: TaskID | None = None
    _started: float = 0.0
    _stage: str = ""

    @classmethod
    def for_terminal(cls, level: Verbosity, stdout: TextIO | None = None, stderr: bool = True) -> Watcher:
        """A watcher on stderr, live only when stdout is a terminal and the user did not ask for quiet."""
        shown = stdout if stdout is not None else sys.stdout
        console = Console(stderr=stderr, soft_wrap=True, markup=False, emoji=False, highlight=False)
        return cls(console=console, level=level, live=_is_terminal(shown) and level is not Verbosity.quiet)

    def __enter__(self) -> Watcher:
        if self.live:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def say(self, text: str | Text) -> None:
        """A line above the live display (or in the log), unless quiet."""
        if self.level is not Verbosity.quiet:
            self.console.print(text)

    def stage(self, name: str, total: int | None = None) -> None:
        """A stage of the pass begins."""
        self._stage = name
        words = STAGE_WORDS.get(name, name)
        if self._progress is not None:
            if self._crawl_task is not None and name != "crawl":  # the crawl is over: its bar goes
                self._progress.remove_task(self._crawl_task)
                self._crawl_task = None
            if self._stage_task is not None:
                self._progress.remove_task(self._stage_task)
            self._stage_task = self._progress.add_task(words, total=total)
        elif self.level is Verbosity.verbose:
            self.say(f"stage: {words}")

    def crawling(self, count: int) -> None:
        """A crawl of `count` sources begins: a bar over them on a terminal."""
        if self._progress is not None:
            self._crawl_task = self._progress.add_task("crawling", total=count)

    def source(self, name: str, health: SourceHealth | None, counts: IngestResult | None) -> None:
        """A source starts (no health yet) or has been crawled and stored."""
        if health is None:
            self._started = time.monotonic()
            if self._progress is not None and self._crawl_task is not None:
                self._progress.update(self._crawl_task, description=f"crawling {name}", refresh=True)
            return
        line = SourceLine(
            health=health,
            added=counts.added if counts else 0,
            updated=counts.updated if counts else 0,
            seconds=time.monotonic() - self._started,
        )
        self.sources.append(line)
        if self._progress is not None and self._crawl_task is not None:
            self._progress.advance(self._crawl_task)
            self._progress.refresh()
        if self.live or self.level is Verbosity.verbose:
            self.say(Text.assemble("  ", (line.words(), _colour(line.state))))

    def summary(
        self,
        *,
        run_id: str,
        notices: int,
        rows: int,
        changes: list[Change],
        report: Path | None,
        health: list[SourceHealth],
    ) -> list[str]:
        """The one-screen summary of a pass, printed unless quiet; returned as lines for the tests."""
        lines = summary_lines(
            run_id=run_id,
            notices=notices,
            rows=rows,
            changes=changes,
            report=report,
            health=health,
            sources=self.sources,
            verbose=self.level is Verbosity.verbose,
        )
        for line in lines:
            self.say(line)
        return lines


def summary_lines(
    *,
    run_id: str,
    notices: int,
    rows: int,
    changes: list[Change],
    report: Path | None,
    health: list[SourceHealth],
    sources: list[SourceLine],
    verbose: bool = False,
) -> list[str]:
    """sources ok / broken / not configured, notices new and updated, changes by severity, the report."""
    states = Counter("ok" if h.ok else "not configured" if h.skipped else "broken" for h in health)
    lines = [f"run {run_id}: {notices} notices, {rows} status rows"]
    if health:
        counted = [f"{states[state]} {state}" for state in ("ok", "broken", "not configured") if states[state]]
        lines.append(f"sources: {', '.join(counted)}")
        added = sum(s.added for s in sources)
        updated = sum(s.updated for s in sources)
        if sources:
            lines.append(f"notices from the crawl: {added} new, {updated} updated")
        for h in health:
            if h.skipped:
                lines.append(f"  source {h.source} not configured (not run): {h.message}")
            elif not h.ok:
                lines.append(f"  source {h.source} broken: {h.message}")
    else:
        lines.append("sources: not crawled (only what is already stored)")
    by_severity = Counter(c.severity for c in changes)
    severities = ", ".join(f"{by_severity[s]} {s.value}" for s in _severest_first() if by_severity[s])
    lines.append(f"changes: {len(changes)}" + (f" ({severities})" if severities else ""))
    if verbose:
        lines += [f"  {c.severity.value:<8} {c.summary}" for c in changes]
    if report is not None:
        lines.append(f"report: {report / 'index.html'}")
    return lines


def _severest_first() -> list[Severity]:
    return sorted(Severity, key=lambda s: s.rank, reverse=True)


def _colour(state: str) -> str:
    return {"ok": "green", "broken": "red"}.get(state, "yellow")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream is no terminal
        return False
