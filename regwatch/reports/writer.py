"""Render a run into report files and swap them into place, so a reader never sees half a report."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from regwatch.models import Action, Change, Run, StatusRow
from regwatch.reports.render import render_html, render_markdown

CSV_FIELDS = ["jurisdiction", "substance", "status", "since", "pending", "scheduled", "evidence", "last_verified"]


def write_reports(
    root: Path, run: Run, rows: list[StatusRow], changes: list[Change], actions: list[Action], runs: list[Run]
) -> Path:
    """Write `<root>/<run-id>/` and refresh `<root>/latest/` when this run is the newest; return the folder."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "status.json": status_json(rows),
        "status.csv": status_csv(rows),
        "changes.json": json.dumps([c.model_dump(mode="json") for c in changes], indent=2) + "\n",
        "report.md": render_markdown(run, rows, changes, actions),
        "index.html": render_html(run, rows, changes, actions),
    }
    target = root / run.id
    _swap_in(root, target, files)
    newest = max(runs, key=lambda r: r.as_of) if runs else run
    if newest.as_of <= run.as_of:
        _swap_in(root, root / "latest", files)
    return target


def status_json(rows: list[StatusRow]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in rows], indent=2) + "\n"


def status_csv(rows: list[StatusRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                "jurisdiction": row.jurisdiction,
                "substance": row.substance.value,
                "status": row.status.value,
                "since": row.since.isoformat() if row.since else "",
                "pending": "; ".join(f"{p.measure.value} {p.stage.value} {p.notice}" for p in row.pending),
                "scheduled": "; ".join(f"{s.status.value} {s.effective} {s.notice}" for s in row.scheduled),
                "evidence": " ".join(row.evidence),
                "last_verified": row.last_verified.isoformat() if row.last_verified else "",
            }
        )
    return out.getvalue()


def _swap_in(root: Path, target: Path, files: dict[str, str]) -> None:
    """Write into a fresh folder beside `target`, then rename it over `target`.

    If writing fails (a full disk), the half-written folder is removed and `target` is left as it was.
    """
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
    try:
        for name, text in files.items():
            path = staging / name
            with path.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        old = root / f".{target.name}.old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
