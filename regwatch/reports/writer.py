"""Render a run into report files and swap them into place, so a reader never sees half a report."""

from __future__ import annotations

import csv
import ctypes
import errno
import fcntl
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from regwatch import settings
from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Action, Change, Run, StatusRow
from regwatch.domain.status import events_by_notice
from regwatch.reports import sections, tilemap, words
from regwatch.reports.feed import render_feed
from regwatch.reports.pages import PAGES_DIR, jurisdiction_pages, page_name
from regwatch.reports.render import render_index, render_markdown, render_page

CSV_FIELDS = [
    "jurisdiction", "substance", "status", "since", "pending", "scheduled", "evidence", "last_verified", "reliability",
    "detail", "review", "notice", "identifier", "instrument", "url",
]  # fmt: skip
STAGING_PREFIX = ".staging-"  # a writer's private folder in the reports root, until its folders are swapped in
_LIBC = ctypes.CDLL(None, use_errno=True)
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # from <fcntl.h> and <linux/fs.h>
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula
CHANGES_CSV_FIELDS = [
    "id", "run", "severity", "kind", "jurisdiction", "substance", "substances", "old_status", "new_status", "effective",
    "stage", "measure", "source", "summary", "notices", "evidence", "reliability", "reported", "identifier", "title",
    "url", "explanation",
]  # fmt: skip


class Named(Protocol):
    """What a reader knows a document by (a Notice or an Action): its bill number or citation, title and link."""

    @property
    def identifier(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...


def human(named: Named | None) -> dict[str, str | None]:
    """The human identifiers of a document beside its id: identifier (bill number, citation), title, url."""
    if named is None:
        return {"identifier": None, "title": None, "url": None}
    return {"identifier": named.identifier or None, "title": named.title, "url": named.url or None}


def instrument(named: Named | None) -> str:
    """The act in words: "SB 150: Kansas kratom ban" (the title alone when it carries its number)."""
    if named is None:
        return ""
    parts = [part.strip() for part in (named.identifier or "").split(";") if part.strip()]
    if all(part in named.title for part in parts):
        return named.title
    return f"{named.identifier}: {named.title}"


def write_reports(
    root: Path,
    run: Run,
    rows: list[StatusRow],
    changes: list[Change],
    actions: list[Action],
    runs: list[Run],
    *,
    archive_url: str | None = None,
    base_url: str | None = None,
    horizon: timedelta = sections.HORIZON,
) -> Path:
    """Write `<root>/<run-id>/` and refresh `<root>/latest/` when this run is the newest; return the folder.

    `archive_url` is where the WARC archive is published (absolute, or relative to `root`) and `base_url`
    where `root` is published, for absolute feed links; each defaults to its environment variable
    (REGWATCH_ARCHIVE_URL, REGWATCH_REPORTS_URL), and without one archive copies are named, not linked.
    """
    archive_url = archive_url if archive_url is not None else settings.archive_url()
    base_url = base_url if base_url is not None else settings.reports_url()
    root.mkdir(parents=True, exist_ok=True)
    files = render_files(run, rows, changes, actions, archive_url=archive_url, base_url=base_url, horizon=horizon)
    targets = [root / run.id]
    newest = max(runs, key=lambda r: r.as_of) if runs else run
    if newest.as_of <= run.as_of:
        targets.append(root / "latest")
    _swap_in(root, targets, files)
    return targets[0]


def render_files(
    run: Run,
    rows: list[StatusRow],
    changes: list[Change],
    actions: list[Action],
    *,
    archive_url: str | None = None,
    base_url: str | None = None,
    horizon: timedelta = sections.HORIZON,
) -> dict[str, str | bytes]:
    """Every file of a run's report, by its path inside the run folder."""
    ordered = most_severe_first(changes)
    named = {a.notice: a for a in actions}
    files: dict[str, str | bytes] = {
        "status.json": status_json(rows, named),
        "status.csv": status_csv(rows, named),
        "changes.json": changes_json(changes, named),
        "report.md": render_markdown(run, rows, ordered, actions, horizon),
        "index.html": render_index(run, rows, ordered, actions, horizon),
        "feed.xml": render_feed(run, ordered, base_url),
    }
    events = events_by_notice(actions, run.as_of)
    for page in jurisdiction_pages(list(tilemap.GRID), rows, ordered, actions, run.health, events):
        files[f"{PAGES_DIR}/{page_name(page.code)}"] = render_page(run, page, actions, archive_url)
    return files


def status_row(row: StatusRow, named: Mapping[str, Named] | None = None) -> dict[str, object]:
    """One row as `regwatch status --format json` prints it: the keys of the README's contract, in its order,
    then the deciding notice's id and its human identifiers (bill number or citation, instrument, URL).

    `since` keeps its precision ("2019", "2019-07" or "2019-07-01", ISO 8601's reduced forms); `reliability`
    is null where the fold has not decided it. A pending item says whether it is known only from a report.
    """
    act = (named or {}).get(row.deciding or "")
    return {
        "jurisdiction": row.jurisdiction,
        "substance": row.substance.value,
        "status": row.status.value,
        "since": words.since(row) or None,
        "pending": [p.model_dump(mode="json") for p in row.pending],
        "scheduled": [s.model_dump(mode="json") for s in row.scheduled],
        "evidence": list(row.evidence),
        "last_verified": row.last_verified.isoformat() if row.last_verified else None,
        "reliability": words.reliability(row.reliability) or None,
        "detail": row.detail,
        "review": row.review,
        "notice": row.deciding,
        "identifier": human(act)["identifier"],
        "instrument": instrument(act) or None,
        "url": human(act)["url"] or (row.evidence[0] if row.evidence else None),
    }


def status_json(rows: list[StatusRow], named: Mapping[str, Named] | None = None) -> str:
    return json.dumps([status_row(r, named) for r in rows], indent=2) + "\n"


def status_csv(rows: list[StatusRow], named: Mapping[str, Named] | None = None) -> str:
    """The status rows one per line: the JSON keys, lists joined with "; " (pending, scheduled) or spaces."""
    return write_csv(
        CSV_FIELDS,
        ({name: _text(value) for name, value in status_row(row, named).items()} | _status_lists(row) for row in rows),
    )


def _status_lists(row: StatusRow) -> dict[str, str]:
    """The cells of a status row that CSV writes in words rather than as JSON."""
    return {
        "pending": "; ".join(words.pending(p) for p in row.pending),
        "scheduled": "; ".join(f"{s.status.value} {s.effective} {s.notice}" for s in row.scheduled),
        "since": words.since(row),
        "last_verified": row.last_verified.isoformat() if row.last_verified else "",
        "reliability": words.reliability(row.reliability),
    }


def change_record(change: Change, named: Mapping[str, Named] | None = None) -> dict[str, object]:
    """A change as JSON carries it: every field, then its first notice's identifier, title and URL (the URL
    of its first evidence where the notice is not known)."""
    lead = next((named[n] for n in change.notices if named and n in named), None)
    record: dict[str, object] = change.model_dump(mode="json")
    record |= human(lead)
    record["url"] = record["url"] or (change.evidence[0] if change.evidence else None)
    return record


def changes_json(changes: list[Change], named: Mapping[str, Named] | None = None) -> str:
    """The changes as `regwatch changes --format json` prints them: every field, `substances` listing all."""
    return json.dumps([change_record(c, named) for c in changes], indent=2) + "\n"


def changes_csv(changes: list[Change], named: Mapping[str, Named] | None = None) -> str:
    """The changes one per line, in the order given; lists are joined with spaces."""
    dumped = [change_record(change, named) for change in changes]
    return write_csv(CHANGES_CSV_FIELDS, ({name: _text(d[name]) for name in CHANGES_CSV_FIELDS} for d in dumped))


def _text(value: object) -> str:
    """A JSON value as one cell: lists joined with spaces, booleans as JSON spells them, null empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def write_csv(fields: list[str], rows: Iterable[dict[str, str]]) -> str:
    """The one CSV writer of regwatch: a header, then `rows`, every cell through `csv_cell`.

    Lines end in CRLF (RFC 4180), so a cell holding a lone CR is quoted too: with "\n" csv left it bare, and a
    spreadsheet broke the row there.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: csv_cell(value) for name, value in row.items()} for row in rows)
    return out.getvalue()


def csv_cell(value: str) -> str:
    """`value` as text a spreadsheet will not run: a leading =, +, -, @, tab or CR makes a cell a formula
    (`=HYPERLINK(...)` in a scraped URL), so such a cell gets a leading ' (OWASP's advice on CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _write_file(path: Path, content: str | bytes) -> None:
    """Write one file and flush it to disk before the folder holding it is renamed into place."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _swap_in(root: Path, targets: list[Path], files: dict[str, str | bytes]) -> None:
    """Write every target in this writer's own staging folder first, then swap each in over its target.

    All writing happens before any swap, so a failure while writing (a full disk) removes the staging folder
    and leaves every target exactly as it was: `<run-id>/` and `latest/` never disagree halfway. Writers of
    the same run may overlap (a manual run beside the scheduled one): each writes in a staging folder no
    other writer touches, and swaps one at a time, so the folder each returns is whole when it returns.
    """
    with _locked(root):
        _clear_abandoned(root)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
        claim = _claim(staging)
    try:
        for target in targets:
            folder = staging / target.name
            folder.mkdir()
            folder.chmod(0o755)  # mkdtemp's folder is private (0700); a report is published, a web server reads it
            for name, content in files.items():
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    _write_file(path, content)
                except OSError as exc:  # named by where it was going: the staging folder is about to go
                    raise OSError(exc.errno, exc.strerror, str(target / name)) from exc
        with _locked(root):
            for target in targets:
                _replace(staging / target.name, target, staging / f".{target.name}.old")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(claim)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Hold the reports folder's lock: one writer at a time claims a staging folder or swaps folders in.

    The lock is flock(2) on the folder itself, so no lock file shows in the reports, and it is let go when
    a killed writer's process ends.
    """
    handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _claim(staging: Path) -> int:
    """Lock `staging` for as long as this writer lives; the descriptor to close when done."""
    handle = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def _clear_abandoned(root: Path) -> None:
    """Remove the staging folders of writers that were killed (SIGKILL, power loss): those nobody holds."""
    for staging in root.glob(f"{STAGING_PREFIX}*"):
        try:
            handle = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue  # gone meanwhile
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live writer's
        else:
            shutil.rmtree(staging, ignore_errors=True)
        finally:
            os.close(handle)


def _replace(new: Path, target: Path, aside: Path) -> None:
    """Put the folder `new` at `target`: atomically where the filesystem can exchange two folders."""
    if _exchange(new, target):
        return  # `target` never went missing; the old report is now at `new`, removed with the staging folder
    if target.exists():  # a filesystem without RENAME_EXCHANGE (NFS): `target` is missing between the renames
        target.rename(aside)
    new.rename(target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOENT, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # no target yet, or not supported
        return False
    raise OSError(code, os.strerror(code), str(b))
