"""Writing a run's folder and latest/: every file there, swapped in whole, a failed write leaving the old one."""

from __future__ import annotations

import csv
import errno
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from regwatch.domain.models import Run
from regwatch.reports import writer
from regwatch.reports.writer import CSV_FIELDS, change_record, status_csv, status_json
from tests.reports.report_sample import Sample


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_folder_and_latest_hold_the_same_files(written: Path) -> None:
    latest = written.parent / "latest"
    names = set(tree(written))
    assert {"index.html", "report.md", "feed.xml", "status.csv", "status.json", "changes.json"} <= names
    assert "j/US-FL.html" in names and "j/US-CA_san-diego.html" in names
    assert tree(latest) == tree(written)
    assert sorted(p.name for p in written.parent.iterdir()) == ["2025-08-01", "latest"]  # no staging left


def test_rewriting_a_run_gives_the_same_bytes(sample: Sample, tmp_path: Path) -> None:
    first = tree(sample.write(tmp_path / "a"))
    assert tree(sample.write(tmp_path / "b")) == first
    assert tree(sample.write(tmp_path / "a")) == first


@pytest.mark.parametrize("fail_after", [0, 3, 40, 80])  # first file; mid run folder; mid or late latest/
def test_a_full_disk_mid_write_leaves_the_previous_report_intact(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_after: int
) -> None:
    root = tmp_path / "reports"
    sample.write(root)
    before = {name: tree(root / name) for name in ("2025-08-01", "latest")}
    files_per_folder = len(before["latest"])
    assert fail_after < 2 * files_per_folder  # the failure happens before the last file of the second folder

    real_write = writer._write_file  # noqa: SLF001 (the fault goes in under the writer, where a full disk bites)
    calls = 0

    def write_until_full(path: Path, content: str | bytes) -> None:
        nonlocal calls
        calls += 1
        if calls > fail_after:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, content)

    monkeypatch.setattr(writer, "_write_file", write_until_full)
    sample.changes = sample.changes[:1]  # a different report, so a partial swap would show
    with pytest.raises(OSError) as failure:
        sample.write(root)
    assert failure.value.errno == errno.ENOSPC
    assert {name: tree(root / name) for name in ("2025-08-01", "latest")} == before
    assert sorted(p.name for p in root.iterdir()) == ["2025-08-01", "latest"]


def test_an_older_run_does_not_replace_latest(sample: Sample, tmp_path: Path) -> None:
    root = tmp_path / "reports"
    sample.write(root)
    latest = tree(root / "latest")
    older = sample.run.model_copy(update={"id": "2025-07-01", "as_of": date(2025, 7, 1)})
    newer_known: list[Run] = [sample.run, older]
    folder = writer.write_reports(root, older, sample.rows, [], sample.actions, newer_known)
    assert folder == root / "2025-07-01"
    assert tree(root / "latest") == latest
    assert "Kratom regulatory status as of 2025-07-01" in (folder / "index.html").read_text()


def test_report_folders_are_readable_by_a_web_server(written: Path) -> None:
    assert written.stat().st_mode & 0o755 == 0o755


def test_status_json_and_csv_keep_the_status_command_format(sample: Sample) -> None:
    texas = [r for r in sample.rows if r.jurisdiction == "US-TX"][:1]
    assert json.loads(status_json(texas)) == [
        {
            "jurisdiction": "US-TX",
            "substance": "kratom",
            "status": "legal",
            "since": None,
            "pending": [{"measure": "ban", "stage": "introduced", "notice": "tx-hb", "reported": False}],
            "scheduled": [],
            "evidence": ["javascript:alert(3)"],
            "last_verified": "2025-06-30",
            "reliability": None,
            "detail": "",
            "review": False,
            "notice": None,
            "identifier": None,
            "instrument": None,
            "url": "javascript:alert(3)",  # data in JSON, never a link: only the HTML pages filter URLs
        }
    ]
    florida = [r for r in sample.rows if r.jurisdiction == "US-FL"][1:]
    assert list(csv.DictReader(io.StringIO(status_csv(florida)))) == [
        {
            "jurisdiction": "US-FL",
            "substance": "7-oh",
            "status": "regulated",
            "since": "2019-07-01",
            "pending": "",
            "scheduled": "restricted 2025-08-15 fl-7oh",
            "evidence": "",
            "last_verified": "2025-07-31",
            "reliability": "",
            "detail": "",
            "review": "false",
            "notice": "",
            "identifier": "",
            "instrument": "",
            "url": "",
        }
    ]
    assert status_csv([]).strip() == ",".join(CSV_FIELDS)


def test_changes_json_holds_every_change(written: Path, sample: Sample) -> None:
    saved = json.loads((written / "changes.json").read_text())
    named = {a.notice: a for a in sample.actions}
    assert saved == [change_record(c, named) for c in sample.changes]
    assert [{k: v for k, v in s.items() if k not in ("identifier", "title", "url")} for s in saved] == [
        c.model_dump(mode="json") for c in sample.changes
    ]  # every field of the model, and the human identifiers beside them


def test_horizon_is_a_parameter(sample: Sample, tmp_path: Path) -> None:
    folder = sample.write(tmp_path / "reports", horizon=timedelta(days=30))
    html = (folder / "index.html").read_text()
    assert "Taking effect in the next 30 days" in html and "Bill co-90" not in html
