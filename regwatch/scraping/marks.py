"""High-water marks: how far a source's last stored crawl reached, so the next crawl asks only for what changed.

A mark is `since`, the newest date the source's own change filter takes (the Federal Register's
publication date, Open States' update date) among the notices of the last stored crawl, and
`full_sweep`, the day of the last full crawl that was stored. Between full sweeps (every
REGWATCH_FULL_SWEEP_DAYS, weekly by default) a crawl asks the API for what is dated on or after `since`
(the same day again: a document published later that day is still found) and takes pages it already
holds from the HTTP cache; a full sweep asks everything again, so an edit to an old page is found.

The spider only proposes a mark, in a file beside its notices (REGWATCH_MARK_FILE), and only for a crawl
that ended healthy; the crawl step commits it after those notices are stored (regwatch.pipeline.crawl).
A crawl that crashes before its notices are stored leaves the mark where the store is, and the next crawl
asks again from there. One file per source, replaced atomically: sources crawled by parallel tasks never
write the same file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from regwatch import settings


@dataclass(frozen=True)
class Mark:
    """A source's high-water mark; both None before its first stored crawl (the next crawl is full)."""

    since: str | None = None  # ISO date: the newest change date among the stored notices
    full_sweep: str | None = None  # ISO date: when the last stored full crawl ran

    def sweep_due(self, today: date, every_days: int) -> bool:
        """Whether a crawl on `today` must be a full one: never swept, or the last sweep `every_days` ago."""
        if every_days == 0 or self.full_sweep is None:
            return True
        return (today - date.fromisoformat(self.full_sweep)).days >= every_days

    def after(self, newest: str | None, *, full_on: date | None) -> Mark:
        """The mark once a crawl that saw changes up to `newest` (and was full on `full_on`) is stored."""
        since = max(d for d in (self.since, newest) if d) if (self.since or newest) else None
        return Mark(since=since, full_sweep=full_on.isoformat() if full_on else self.full_sweep)


def mark_file(source: str, folder: Path | None = None) -> Path:
    """Where the committed mark of `source` lives (REGWATCH_CRAWL_MARKS, beside the HTTP cache)."""
    return (folder or settings.crawl_marks_dir()) / f"{source}.json"


def load_mark(source: str, folder: Path | None = None) -> Mark:
    """The committed mark; an empty one when absent or unreadable (the next crawl is then full)."""
    return read_mark(mark_file(source, folder))


def read_mark(path: Path) -> Mark:
    """A mark from a JSON file; empty when absent, unreadable or not a mark."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Mark(since=_day(data.get("since")), full_sweep=_day(data.get("full_sweep")))
    except (OSError, ValueError, AttributeError):
        return Mark()


def write_mark(path: Path, mark: Mark) -> None:
    """Write a mark atomically (a crash mid-write leaves the old file whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(mark), sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def commit_mark(source: str, proposed: Path, folder: Path | None = None) -> Mark | None:
    """Make a proposed mark the source's mark (call only once its crawl's notices are stored); the
    proposal is consumed. None when the crawl proposed none (it failed, was skipped or marks nothing)."""
    if not proposed.exists():
        return None
    mark = read_mark(proposed)
    proposed.unlink()
    if mark == Mark():
        return None
    write_mark(mark_file(source, folder), mark)
    return mark


def _day(value: object) -> str | None:
    """An ISO date string, or None; anything else is not a mark."""
    if value is None:
        return None
    return date.fromisoformat(str(value)[:10]).isoformat()
